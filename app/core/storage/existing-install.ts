import { lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { readGuestFile } from '../guest-files/guest-folder';
import type { EngineHostFs } from './engine-host-fs';

const GIB = 1024 ** 3;
/** windows.ver holds a version name ("win11x64"); a larger file is not one. */
const VERSION_FILE_MAX_BYTES = 4096;

/** What the image left in a `/storage` folder (docs/image-contract.md, "Files in /storage"). */
export interface ExistingInstall {
  /** `windows.boot` is there: Windows was installed and booted from this disk. */
  installed: boolean;
  /** The disk's size in GB (data.img is sparse: its length is the disk's size), when there is one. */
  diskGiB?: number;
  /** `windows.ver` as the image wrote it, when there is one. */
  versionFile?: string;
}

/**
 * Whether the image left `windows.boot` in the folder: Windows was installed there. On a remote
 * engine the folder is on its computer and is looked at there (never this computer's folder of that name).
 */
export async function windowsInstalledIn(storageDir: string, remote?: EngineHostFs): Promise<boolean> {
  if (remote) return (await remote.kind(posix.join(storageDir, 'windows.boot'))) === 'file';
  return isFile(join(storageDir, 'windows.boot'));
}

/** The image writes the folder (its container's root can leave a link to a host file): links are not followed. */
async function isFile(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Reads a storage folder for a Windows the image already installed there. Nothing is written; a
 * folder that does not exist (or cannot be read) holds no install.
 */
export async function readExistingInstall(storageDir: string, remote?: EngineHostFs): Promise<ExistingInstall> {
  const installed = await windowsInstalledIn(storageDir, remote);
  const result: ExistingInstall = { installed };
  // On a remote engine only the install itself is looked at there; the disk size and version stay unknown.
  if (remote) return result;
  for (const disk of ['data.img', 'data.qcow2']) {
    const size = await lstat(join(storageDir, disk)).then(
      (s) => (s.isFile() ? s.size : undefined),
      () => undefined,
    );
    // A qcow2 file's length is what it uses, not the disk's size: only the raw image tells it.
    if (size !== undefined && disk === 'data.img') result.diskGiB = Math.round(size / GIB);
    if (size !== undefined) break;
  }
  const read = await readGuestFile(storageDir, 'windows.ver', { maxBytes: VERSION_FILE_MAX_BYTES });
  const ver = read.ok ? read.bytes.toString('utf8') : undefined;
  if (ver?.trim()) result.versionFile = ver.trim().slice(0, 80);
  return result;
}
