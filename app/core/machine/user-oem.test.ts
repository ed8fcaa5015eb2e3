import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOemFiles } from './oem';
import { isPortholeOem, mergeUserOem } from './user-oem';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-user-oem-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a compose file’s own /oem folder at import', () => {
  it('is merged into Porthole’s: its install.bat as user-install.bat (run first), its other files beside, its folder untouched', async () => {
    const mine = join(dir, 'my-oem');
    await mkdir(join(mine, 'tools'), { recursive: true });
    await writeFile(join(mine, 'install.bat'), '@echo off\r\nwinget install 7zip\r\n');
    await writeFile(join(mine, 'tools', 'setup.exe'), 'MZ');
    await symlink('/etc/passwd', join(mine, 'passwd'));
    const ours = join(dir, 'data', 'oem', 'win11');

    expect(await mergeUserOem(mine, ours)).toEqual({ kind: 'merged', files: ['tools', 'user-install.bat'] });
    await writeOemFiles(ours, 'win11'); // every start writes Porthole's two files, leaving the rest
    expect((await readdir(ours)).sort()).toEqual(['install.bat', 'porthole-apps.ps1', 'tools', 'user-install.bat']);
    expect(await readFile(join(ours, 'user-install.bat'), 'utf8')).toBe('@echo off\r\nwinget install 7zip\r\n');
    expect(await readFile(join(ours, 'install.bat'), 'utf8')).toContain(
      'if exist "%~dp0user-install.bat" call "%~dp0user-install.bat"\r\n',
    );
    expect((await readdir(mine)).sort()).toEqual(['install.bat', 'passwd', 'tools']);
  });

  it('is not merged when Porthole made it (an exported machine’s), nor from a system folder or a file', async () => {
    const exported = join(dir, 'exported');
    await writeOemFiles(exported, 'other');
    expect(await mergeUserOem(exported, join(dir, 'ours'))).toEqual({ kind: 'porthole' });
    expect(await mergeUserOem('/etc', join(dir, 'ours'))).toMatchObject({
      kind: 'refused',
      reason: expect.stringMatching(/^\/etc is a system folder/),
    });
    await writeFile(join(dir, 'file'), 'x');
    expect(await mergeUserOem(join(dir, 'file'), join(dir, 'ours'))).toEqual({
      kind: 'refused',
      reason: `${join(dir, 'file')} is not a folder`,
    });
    await expect(readdir(join(dir, 'ours'))).rejects.toThrow();
  });

  it('is told Porthole’s by a real install.bat only: one linked to Porthole’s own, or a FIFO, is not waited on nor followed', async () => {
    const exported = join(dir, 'exported');
    await writeOemFiles(exported, 'other');
    const linked = join(dir, 'linked');
    await mkdir(linked);
    await symlink(join(exported, 'install.bat'), join(linked, 'install.bat'));
    expect(await isPortholeOem(linked)).toBe(false);
    const piped = join(dir, 'piped');
    await mkdir(piped);
    execFileSync('mkfifo', [join(piped, 'install.bat')]);
    expect(await isPortholeOem(piped)).toBe(false);
  });
});
