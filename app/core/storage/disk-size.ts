import { constants } from 'node:fs';
import { lstat, open, statfs } from 'node:fs/promises';
import { join } from 'node:path';

const GIB = 1024 ** 3;
/** QEMU's qcow2 header: the magic "QFI\xfb", then the version; the disk's virtual size is a big-endian u64 at byte 24. */
const QCOW2_MAGIC = 0x514649fb;

/**
 * The size of the Windows disk the image made in `storageDir`, in whole GB (rounded up), or null when there is
 * no disk yet. The image writes the folder, so nothing is followed out of it: the disk must be a regular file,
 * and only the 32 bytes of a qcow2 header are read. A raw image is sparse: its length is the disk's size.
 */
export async function diskSizeGiB(storageDir: string): Promise<number | null> {
  const raw = await lstat(join(storageDir, 'data.img')).catch(() => null);
  if (raw?.isFile()) return Math.ceil(raw.size / GIB);
  const path = join(storageDir, 'data.qcow2');
  const info = await lstat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (!handle) return null;
  try {
    if (!(await handle.stat()).isFile()) return null;
    const header = Buffer.alloc(32);
    const { bytesRead } = await handle.read(header, 0, 32, 0);
    if (bytesRead < 32 || header.readUInt32BE(0) !== QCOW2_MAGIC) return null;
    return Math.ceil(Number(header.readBigUInt64BE(24)) / GIB);
  } finally {
    await handle.close();
  }
}

/**
 * Said when a disk of `newGiB` could outgrow the free space of the file system holding `storageDir`: the image
 * makes the disk sparse, so it takes room only as Windows writes, and Windows (and every other program there)
 * stops when that file system is full. `onDiskGiB` is the disk there now (its room is already taken up to its use).
 */
export async function diskBeyondFreeSpace(
  storageDir: string,
  newGiB: number,
  onDiskGiB: number | null,
): Promise<string | null> {
  const info = await statfs(storageDir).catch(() => null);
  if (!info) return null;
  const free = info.bavail * info.bsize;
  const growth = (newGiB - (onDiskGiB ?? 0)) * GIB;
  if (growth <= free) return null;
  return `A ${newGiB} GB disk can grow past the ${Math.floor(free / GIB)} GB free where its folder ${storageDir} is: when Windows fills it, Windows and every other program writing there stop.`;
}
