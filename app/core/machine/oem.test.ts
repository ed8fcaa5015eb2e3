import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INSTALL_MARKER, installScript, parseInstallMarker, writeOemFiles } from './oem';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('install.bat', () => {
  it('is written with CRLF line endings and echoes the marker to COM1', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-oem-'));
    const target = join(dir, 'oem', 'win11');
    await writeOemFiles(target, 'win11');
    const text = await readFile(join(target, 'install.bat'), 'utf8');
    expect(text).toBe(
      '@echo off\r\n' +
        'rem Written by Porthole. Runs the install.bat of an imported compose file first (as user-install.bat), then lists\r\n' +
        'rem the installed programs for the Linux app menu and allows RemoteApp (see the script).\r\n' +
        'if exist "%~dp0user-install.bat" call "%~dp0user-install.bat"\r\n' +
        'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0porthole-apps.ps1" -Install\r\n' +
        'rem Tells the host that Windows has finished installing.\r\n' +
        'echo PORTHOLE-INSTALLED win11 > COM1\r\n',
    );
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(await readdir(target)).toEqual(['install.bat', 'porthole-apps.ps1']);
    const script = await readFile(join(target, 'porthole-apps.ps1'), 'utf8');
    expect(script.replace(/\r\n/g, '')).not.toMatch(/\n/);
    await writeOemFiles(target, 'win11'); // idempotent
    expect(await readdir(target)).toEqual(['install.bat', 'porthole-apps.ps1']);
  });

  it('has exactly one `echo <text> > COM1` line, the form the stand-in image reads', () => {
    const lines = installScript('machine-1')
      .split('\r\n')
      .filter((l) => /> ?COM1\s*$/.test(l));
    expect(lines).toEqual(['echo PORTHOLE-INSTALLED machine-1 > COM1']);
  });

  it('refuses an id that could break the script', () => {
    expect(() => installScript('a & del c:')).toThrow();
    expect(() => installScript('')).toThrow();
  });
});

describe('INSTALL_MARKER', () => {
  it.each([
    ['PORTHOLE-INSTALLED win11', 'win11'],
    ['PORTHOLE-INSTALLED machine-1 \r', 'machine-1'],
    ['BdsDxe: starting Boot0001 PORTHOLE-INSTALLED win11', 'win11'],
  ])('matches %j', (line, id) => {
    expect(INSTALL_MARKER.test(line)).toBe(true);
    expect(parseInstallMarker(line)).toBe(id);
  });

  it.each([
    'echo PORTHOLE-INSTALLED win11 > COM1',
    'PORTHOLE-INSTALLED',
    'porthole-installed win11',
    '❯ Booting Windows using QEMU',
  ])('does not match %j', (line) => {
    expect(INSTALL_MARKER.test(line)).toBe(false);
    expect(parseInstallMarker(line)).toBeNull();
  });

  it('keeps no state between tests (no g flag)', () => {
    expect(INSTALL_MARKER.flags).not.toContain('g');
    expect(INSTALL_MARKER.test('PORTHOLE-INSTALLED a')).toBe(true);
    expect(INSTALL_MARKER.test('PORTHOLE-INSTALLED a')).toBe(true);
  });
});
