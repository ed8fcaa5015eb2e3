import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KNOWN_STORAGE_FILES } from '../storage/ownership';

export interface DiskFile {
  name: string;
  apparentBytes: number;
  allocatedBytes: number;
  mtimeMs: number;
}

/**
 * The names a snapshot may hold (ownership.ts's list of the image's own files): the one description
 * both the local copy below and the copy on a remote engine's computer (snapshots/remote.ts) follow.
 */
export const SNAPSHOT_FILES: readonly string[] = KNOWN_STORAGE_FILES;

/**
 * The files a snapshot holds: the image's own files at the top of the storage folder (ownership.ts's
 * list: the disk, the UEFI variables, the MAC address, the install markers), regular files only,
 * never through a symlink. Not the downloaded ISO (install media, not state), nor tmp/ or backups/.
 */
export async function diskFiles(storageDir: string): Promise<DiskFile[]> {
  const out: DiskFile[] = [];
  let names: string[];
  try {
    names = await readdir(storageDir);
  } catch (err) {
    // No folder yet (a machine never started): no disk.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  for (const name of names.sort()) {
    if (!SNAPSHOT_FILES.includes(name)) continue;
    const info = await lstat(join(storageDir, name));
    if (!info.isFile()) continue;
    out.push({ name, apparentBytes: info.size, allocatedBytes: info.blocks * 512, mtimeMs: info.mtimeMs });
  }
  return out;
}

/** Whether a set of files holds a Windows disk at all (not only firmware files). */
export function hasDisk(files: readonly DiskFile[]): boolean {
  return files.some((f) => f.name === 'data.img' || f.name === 'data.qcow2');
}
