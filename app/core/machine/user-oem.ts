import { cp, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemFolderReason } from '../../api';
import { APPS_SCRIPT_NAME } from './porthole-apps.ps1';
import { readGuestFile } from '../guest-files/guest-folder';
import { INSTALL_MARKER_TEXT, USER_INSTALL_BAT } from './oem';

/**
 * A dockur compose file's own `/oem` folder, met at import. Porthole mounts its own OEM folder at /oem, so
 * the person's is merged into it rather than dropped: its files are copied in (once, at import), its
 * `install.bat` as `user-install.bat`, which Porthole's install.bat calls first. The person's folder is
 * only read, never written. A folder Porthole itself made (an exported machine's) is not merged: the new
 * machine gets its own.
 */
export type UserOemOutcome =
  { kind: 'porthole' } | { kind: 'merged'; files: string[] } | { kind: 'refused'; reason: string };

export async function isPortholeOem(source: string): Promise<boolean> {
  const names = await readdir(source).catch(() => [] as string[]);
  if (names.includes(APPS_SCRIPT_NAME)) return true;
  // The container may write this folder: read as a guest's file (no link followed, no FIFO waited on, bounded).
  const bat = await readGuestFile(source, 'install.bat', { maxBytes: 1024 * 1024 });
  return bat.ok && bat.bytes.toString('utf8').includes(INSTALL_MARKER_TEXT);
}

export async function mergeUserOem(source: string, target: string): Promise<UserOemOutcome> {
  const system = systemFolderReason(source);
  if (system) return { kind: 'refused', reason: `${source} is a system folder (${system})` };
  const info = await lstat(source).catch(() => null);
  if (!info?.isDirectory()) return { kind: 'refused', reason: `${source} is not a folder` };
  if (await isPortholeOem(source)) return { kind: 'porthole' };
  const files: string[] = [];
  for (const name of await readdir(source)) {
    // Porthole's own names stay Porthole's; symlinks are not followed out of the folder.
    if (name === APPS_SCRIPT_NAME || name === USER_INSTALL_BAT || (await lstat(join(source, name))).isSymbolicLink())
      continue;
    const to = name.toLowerCase() === 'install.bat' ? USER_INSTALL_BAT : name;
    await cp(join(source, name), join(target, to), { recursive: true, force: true, verbatimSymlinks: true });
    files.push(to);
  }
  return { kind: 'merged', files: files.sort() };
}
