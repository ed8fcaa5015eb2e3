import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes under a folder: allocated on disk (a sparse data.img counts what it really uses) and
 * apparent (what the files claim). Symlinks are not followed. A missing folder is 0.
 */
export async function folderUsage(path: string): Promise<{ allocatedBytes: number; apparentBytes: number }> {
  let allocatedBytes = 0;
  let apparentBytes = 0;
  const walk = async (p: string): Promise<void> => {
    let info;
    try {
      info = await lstat(p);
    } catch {
      return;
    }
    allocatedBytes += info.blocks * 512;
    if (info.isDirectory()) {
      for (const entry of await readdir(p)) await walk(join(p, entry));
    } else {
      apparentBytes += info.size;
    }
  };
  await walk(path);
  return { allocatedBytes, apparentBytes };
}
