import { constants } from 'node:fs';
import { copyFile, open, rm, stat } from 'node:fs/promises';

export type CopyMethod = 'reflink' | 'sparse-copy';

/** Read size of the byte copy; holes are found in `HOLE_GRANULE` steps within each read. */
const CHUNK = 4 * 1024 * 1024;
/** The smallest run of zeros left as a hole (a file system block or a few). */
const HOLE_GRANULE = 64 * 1024;
const ZEROS = Buffer.alloc(HOLE_GRANULE);

/** Errors that mean "this file system (or this pair of them) cannot share blocks": fall back to copying. */
const NO_REFLINK = new Set(['EOPNOTSUPP', 'ENOTSUP', 'EXDEV', 'EINVAL', 'ENOSYS', 'ENOTTY', 'EBADF', 'EPERM']);

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export interface CopyOptions {
  /** Bytes of the source gone through so far (holes count: they are part of the apparent size). */
  onProgress?: (doneBytes: number) => void;
  signal?: AbortSignal;
}

/**
 * Copies one disk file to `dst` (which must not exist) the cheapest way the file system allows:
 * - a reflink (FICLONE): the copy shares the source's blocks, instantly, whatever the size;
 * - else a sparse byte copy in this process: every 64 KiB that reads as zeros is skipped (left a
 *   hole), so a sparse 64 GB disk costs only what it really holds. Node has no SEEK_DATA/SEEK_HOLE,
 *   so holes are read (the kernel answers them with zeros without touching the disk) rather than
 *   jumped over; progress comes from that same loop, no polling.
 * Node's plain copyFile is not used for the fallback: copy_file_range fills holes on most file systems.
 * The copy keeps the source's mode and modification time, and is flushed to disk before this resolves.
 */
export async function copyDiskFile(src: string, dst: string, options: CopyOptions = {}): Promise<CopyMethod> {
  try {
    await copyFile(src, dst, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE_FORCE);
    const info = await stat(src);
    options.onProgress?.(info.size);
    await flush(dst);
    return 'reflink';
  } catch (err) {
    if (errno(err) === 'EEXIST' || !NO_REFLINK.has(errno(err) ?? '')) throw err;
    await rm(dst, { force: true });
  }
  await sparseCopy(src, dst, options);
  return 'sparse-copy';
}

async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function sparseCopy(src: string, dst: string, { onProgress, signal }: CopyOptions): Promise<void> {
  const input = await open(src, 'r');
  try {
    const info = await input.stat();
    const output = await open(dst, 'wx', info.mode & 0o7777);
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      let position = 0;
      for (;;) {
        signal?.throwIfAborted();
        const { bytesRead } = await input.read(buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        await writeNonZeroRuns(output, buffer.subarray(0, bytesRead), position);
        position += bytesRead;
        onProgress?.(position);
      }
      // Trailing holes: the size is set, no block is written for them.
      await output.truncate(position);
      await output.utimes(info.atime, info.mtime);
      await output.sync();
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** Writes each run of granules that is not all zeros; zero granules stay holes in the new file. */
async function writeNonZeroRuns(output: Awaited<ReturnType<typeof open>>, data: Buffer, at: number): Promise<void> {
  let runStart = -1;
  for (let offset = 0; offset < data.length; offset += HOLE_GRANULE) {
    const end = Math.min(offset + HOLE_GRANULE, data.length);
    const zero = data.subarray(offset, end).equals(ZEROS.subarray(0, end - offset));
    if (!zero && runStart < 0) runStart = offset;
    if (zero && runStart >= 0) {
      await output.write(data, runStart, offset - runStart, at + runStart);
      runStart = -1;
    }
  }
  if (runStart >= 0) await output.write(data, runStart, data.length - runStart, at + runStart);
}
