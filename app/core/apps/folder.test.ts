import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWindowsText, readAppsFolder } from './folder';

const SAMPLE = join(__dirname, 'fixtures', 'apps-sample');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-apps-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readAppsFolder on the sample Windows wrote (UTF-8 BOM, CRLF, PowerShell 5.1 layout)', () => {
  it('reads the good entries, sorted by name, each once', async () => {
    const read = await readAppsFolder(SAMPLE);
    expect(read.state).toBe('ok');
    expect(read.written).toBe('2026-11-28T21:14:03.5120000Z');
    expect(read.apps.map((a) => [a.name, a.source, a.target, a.args])).toEqual([
      ['Calculator', 'uwp', 'C:\\Windows\\explorer.exe', 'shell:AppsFolder\\Microsoft.WindowsCalculator_8wekyb3d8bbwe!App'],
      ['Notepad', 'start-menu', 'C:\\Windows\\System32\\notepad.exe', ''],
      ['Paint', 'app-paths', 'C:\\Windows\\System32\\mspaint.exe', ''],
      ['Sneaky', 'start-menu', 'C:\\sneaky.exe', ''],
      ['Word & Co', 'start-menu', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', ''],
    ]);
  });

  it('carries a real PNG icon and leaves out a missing, non-PNG or escaping one with a warning', async () => {
    const read = await readAppsFolder(SAMPLE);
    const icon = (name: string): Buffer | null | undefined => read.apps.find((a) => a.name === name)?.iconPng;
    expect(icon('Notepad')?.subarray(1, 4).toString()).toBe('PNG');
    expect(icon('Paint')).toBeNull();
    expect(icon('Word & Co')).toBeNull();
    expect(icon('Sneaky')).toBeNull();
    expect(icon('Calculator')).toBeNull();
    expect(read.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^"Paint": its icon icons\/27d6905c11cf\.png is missing/),
        expect.stringMatching(/^"Word & Co": its icon is not a PNG/),
        expect.stringMatching(/^"Sneaky": its icon name "\.\.\\\.\.\\secret\.png" is not <id>\.png/),
      ]),
    );
  });

  it('leaves out garbled entries, naming each and why', async () => {
    const read = await readAppsFolder(SAMPLE);
    expect(read.warnings).toEqual(
      expect.arrayContaining([
        '"Relative" was left out: target: target is an absolute Windows path.',
        'entry 7 was left out: id: a program id is 12 hexadecimal digits.',
      ]),
    );
  });
});

describe('readAppsFolder on what else a folder may hold', () => {
  const write = (text: string | Buffer): Promise<void> => writeFile(join(dir, 'apps.json'), text);

  it('says not-written when the folder or the list is missing', async () => {
    expect((await readAppsFolder(join(dir, 'nope'))).state).toBe('not-written');
    expect(await readAppsFolder(dir)).toEqual({ state: 'not-written', written: null, apps: [], warnings: [] });
  });

  it('says unreadable for a list cut short (Windows writes aside and moves, but a person may copy)', async () => {
    await cp(join(SAMPLE, 'apps.json'), join(dir, 'apps.json'));
    const { readFile } = await import('node:fs/promises');
    const whole = await readFile(join(dir, 'apps.json'));
    await write(whole.subarray(0, whole.length / 2));
    const read = await readAppsFolder(dir);
    expect(read.state).toBe('unreadable');
    expect(read.warnings[0]).toMatch(/^apps\.json is not JSON/);
  });

  it('says unreadable for another format, naming it', async () => {
    await write('{"format":"porthole-apps/9","apps":[]}');
    const read = await readAppsFolder(dir);
    expect(read.state).toBe('unreadable');
    expect(read.warnings[0]).toContain('its format is "porthole-apps/9"');
    await write('[1,2]');
    expect((await readAppsFolder(dir)).state).toBe('unreadable');
  });

  it('takes a one-program list written as the object itself (PowerShell unwraps one-element arrays) and none as null', async () => {
    const one = { id: '0123456789ab', name: 'Solo', target: 'C:\\solo.exe', args: '', source: 'app-paths', icon: null };
    await write(JSON.stringify({ format: 'porthole-apps/1', apps: one }));
    expect((await readAppsFolder(dir)).apps.map((a) => a.name)).toEqual(['Solo']);
    await write(JSON.stringify({ format: 'porthole-apps/1', apps: null }));
    expect(await readAppsFolder(dir)).toMatchObject({ state: 'ok', apps: [] });
  });

  it('reads a list Out-File wrote in UTF-16LE', async () => {
    const text = JSON.stringify({ format: 'porthole-apps/1', apps: [{ id: '0123456789ab', name: 'Éditeur', target: 'C:\\e.exe', source: 'start-menu' }] });
    await write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect((await readAppsFolder(dir)).apps.map((a) => a.name)).toEqual(['Éditeur']);
  });

  it('refuses a list too large to be one, without reading it', async () => {
    await write(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));
    const read = await readAppsFolder(dir);
    expect(read.state).toBe('unreadable');
    expect(read.warnings[0]).toMatch(/more than the 4194304 a list can be/);
  });

  it('leaves out entries that are not objects or carry control characters in the target', async () => {
    await mkdir(join(dir, 'icons'));
    await write(JSON.stringify({ format: 'porthole-apps/1', apps: [42, null, { id: '0123456789ab', name: 'X', target: 'C:\\a\nb.exe', source: 'start-menu' }] }));
    const read = await readAppsFolder(dir);
    expect(read.apps).toEqual([]);
    expect(read.warnings).toHaveLength(3);
  });
});

describe('decodeWindowsText', () => {
  it('drops a UTF-8 BOM and decodes UTF-16 with either byte order', () => {
    expect(decodeWindowsText(Buffer.from('\ufeff{}', 'utf8'))).toBe('{}');
    expect(decodeWindowsText(Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]))).toBe('{}');
    expect(decodeWindowsText(Buffer.from('{}'))).toBe('{}');
  });
});
