import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuestFolder, type GuestFileRead, type GuestReadOptions } from '../guest-files/guest-folder';
import { appsList, fakePng, HOST_SECRET, writeAppsFolder } from '../testing/hostile-apps';
import {
  APPS_MAX,
  decodeWindowsText,
  ICONS_MAX_TOTAL_BYTES,
  readAppsFolder,
  WARNINGS_MAX,
  type AppsFolderRead,
} from './folder';

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
      [
        'Calculator',
        'uwp',
        'C:\\Windows\\explorer.exe',
        'shell:AppsFolder\\Microsoft.WindowsCalculator_8wekyb3d8bbwe!App',
      ],
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
    const text = JSON.stringify({
      format: 'porthole-apps/1',
      apps: [{ id: '0123456789ab', name: 'Éditeur', target: 'C:\\e.exe', source: 'start-menu' }],
    });
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
    await write(
      JSON.stringify({
        format: 'porthole-apps/1',
        apps: [42, null, { id: '0123456789ab', name: 'X', target: 'C:\\a\nb.exe', source: 'start-menu' }],
      }),
    );
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

/** The folder's reader, counting the files it is asked for: real reads, counted. */
class CountingFolder extends GuestFolder {
  readonly asked = new Map<string, number>();
  override read(relative: string, options: GuestReadOptions): Promise<GuestFileRead> {
    this.asked.set(relative, (this.asked.get(relative) ?? 0) + 1);
    return super.read(relative, options);
  }
}

describe('readAppsFolder on a hostile folder (issue 22)', () => {
  let shared: string;
  let outside: string;
  beforeEach(async () => {
    shared = join(dir, 'shared');
    outside = join(dir, 'host');
    await mkdir(outside);
    await writeFile(join(outside, 'shadow'), `${HOST_SECRET}\n`);
    await writeFile(join(outside, 'host.png'), Buffer.concat([fakePng(64), Buffer.from(HOST_SECRET)]));
  });
  const appsDir = (): string => join(shared, '.porthole', 'apps');
  const readShared = (folder?: GuestFolder): Promise<AppsFolderRead> =>
    readAppsFolder(appsDir(), { root: shared, ...(folder ? { folder } : {}) });

  it('12,000 entries naming one 262 KB icon: the icon is read once, 2,000 entries are read, the icons together stay within their budget', async () => {
    await writeAppsFolder(
      shared,
      appsList(12_000, () => 'ffffffffffff.png'),
    );
    await writeFile(join(appsDir(), 'icons', 'ffffffffffff.png'), fakePng(262_000));
    const folder = new CountingFolder(shared);
    const started = Date.now();
    const read = await readShared(folder);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(folder.asked.get('.porthole/apps/icons/ffffffffffff.png')).toBe(1);
    expect(read.state).toBe('ok');
    expect(read.apps).toHaveLength(APPS_MAX);
    const carried = read.apps.reduce((n, a) => n + (a.iconPng?.length ?? 0), 0);
    expect(carried).toBeLessThanOrEqual(ICONS_MAX_TOTAL_BYTES);
    expect(carried).toBeGreaterThan(ICONS_MAX_TOTAL_BYTES - 262_000);
    expect(read.warnings).toContain(`Windows lists 12000 entries; only the first ${APPS_MAX} are read.`);
    expect(read.warnings).toContain(
      `${APPS_MAX - 32} programs are shown without their icon: the icons together pass the 8 MiB Porthole reads.`,
    );
  });

  it('1,000 entries naming one 50 MB icon: refused from its size, once, without reading it', async () => {
    await writeAppsFolder(
      shared,
      appsList(1000, () => 'ffffffffffff.png'),
    );
    await writeFile(join(appsDir(), 'icons', 'ffffffffffff.png'), fakePng(16));
    await truncate(join(appsDir(), 'icons', 'ffffffffffff.png'), 50 * 1024 * 1024);
    const folder = new CountingFolder(shared);
    const started = Date.now();
    const read = await readShared(folder);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(folder.asked.get('.porthole/apps/icons/ffffffffffff.png')).toBe(1);
    expect(read.apps.every((a) => a.iconPng === null)).toBe(true);
    // One warning per program at most, and the list of warnings bounded.
    expect(read.warnings).toHaveLength(WARNINGS_MAX + 1);
    expect(read.warnings[0]).toBe('"Program 0": its icon is larger than 256 KiB; shown without one.');
    expect(read.warnings.at(-1)).toBe(`${1000 - WARNINGS_MAX} more problems were found and not listed.`);
  });

  it('apps.json or an icon that is a link to /dev/zero: refused at once', async () => {
    await writeAppsFolder(
      shared,
      appsList(3, () => 'ffffffffffff.png'),
    );
    await symlink('/dev/zero', join(appsDir(), 'icons', 'ffffffffffff.png'));
    const read = await readShared();
    expect(read.apps.map((a) => a.iconPng)).toEqual([null, null, null]);
    expect(read.warnings[0]).toBe(
      '"Program 0": its icon icons/ffffffffffff.png is a symbolic link; Porthole does not follow links out of the folder; shown without one.',
    );
    await rm(join(appsDir(), 'apps.json'));
    await symlink('/dev/zero', join(appsDir(), 'apps.json'));
    expect(await readShared()).toEqual({
      state: 'unreadable',
      written: null,
      apps: [],
      warnings: ['apps.json is a symbolic link; Porthole does not follow links out of the folder.'],
    });
  });

  it('apps.json or an icon that is a FIFO: refused without waiting for a writer', async () => {
    await writeAppsFolder(
      shared,
      appsList(1, () => 'ffffffffffff.png'),
    );
    execFileSync('mkfifo', [join(appsDir(), 'icons', 'ffffffffffff.png')]);
    expect((await readShared()).warnings).toEqual([
      '"Program 0": its icon icons/ffffffffffff.png is a named pipe, not a file; shown without one.',
    ]);
    await rm(join(appsDir(), 'apps.json'));
    execFileSync('mkfifo', [join(appsDir(), 'apps.json')]);
    expect(await readShared()).toEqual({
      state: 'unreadable',
      written: null,
      apps: [],
      warnings: ['apps.json is a named pipe, not a file.'],
    });
  });

  it('an icon linked to a host PNG is not shown; apps.json linked to a host file puts none of it in a warning', async () => {
    await writeAppsFolder(
      shared,
      appsList(1, () => 'ffffffffffff.png'),
    );
    await symlink(join(outside, 'host.png'), join(appsDir(), 'icons', 'ffffffffffff.png'));
    const read = await readShared();
    expect(read.apps[0]?.iconPng).toBeNull();
    await rm(join(appsDir(), 'apps.json'));
    await symlink(join(outside, 'shadow'), join(appsDir(), 'apps.json'));
    const linked = await readShared();
    expect(linked.state).toBe('unreadable');
    expect(JSON.stringify(linked)).not.toContain('HOSTSECRET');
  });

  it('a linked .porthole, apps or icons folder is not followed out of the shared folder', async () => {
    await writeAppsFolder(
      join(outside, 'x'),
      appsList(1, () => 'ffffffffffff.png'),
    );
    await writeFile(join(outside, 'x', '.porthole', 'apps', 'icons', 'ffffffffffff.png'), fakePng(64));
    await mkdir(shared);
    await symlink(join(outside, 'x', '.porthole'), join(shared, '.porthole'));
    expect(await readShared()).toMatchObject({
      state: 'unreadable',
      warnings: [
        'apps.json is in .porthole, which is a symbolic link; Porthole does not follow links out of the folder.',
      ],
    });
    await rm(join(shared, '.porthole'));
    await mkdir(join(shared, '.porthole'));
    await symlink(join(outside, 'x', '.porthole', 'apps'), join(shared, '.porthole', 'apps'));
    expect((await readShared()).state).toBe('unreadable');
    await rm(join(shared, '.porthole', 'apps'));
    await writeAppsFolder(
      shared,
      appsList(1, () => 'ffffffffffff.png'),
    );
    await rm(join(appsDir(), 'icons'), { recursive: true });
    await symlink(join(outside, 'x', '.porthole', 'apps', 'icons'), join(appsDir(), 'icons'));
    const read = await readShared();
    expect(read.apps[0]?.iconPng).toBeNull();
    expect(read.warnings[0]).toMatch(/is in \.porthole\/apps\/icons, which is a symbolic link/);
  });

  it('a list that is not JSON is said to be so without quoting it', async () => {
    await writeAppsFolder(shared, HOST_SECRET);
    const read = await readShared();
    expect(read).toEqual({
      state: 'unreadable',
      written: null,
      apps: [],
      warnings: ['apps.json is not JSON; Windows writes it again at the next logon.'],
    });
  });
});
