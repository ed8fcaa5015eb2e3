import { statfs } from 'node:fs/promises';
import { formatBytes, PortholeError } from '../../api';

/** Room kept beyond the copy itself: the manifest, the file system's own metadata, a little slack. */
const MARGIN_BYTES = 64 * 1024 * 1024;

/**
 * Refuses a copy that would not fit. The need is the source's allocated size: whether the file
 * system will share blocks (reflink) cannot be known before trying, so the worst case is required.
 */
export async function assertFreeSpace(dir: string, neededBytes: number, what: string, remedy: string): Promise<void> {
  const info = await statfs(dir);
  assertRoom(info.bavail * info.bsize, neededBytes, dir, what, remedy);
}

/** The same refusal with the free bytes measured elsewhere (df on a remote engine's computer). */
export function assertRoom(free: number, neededBytes: number, dir: string, what: string, remedy: string): void {
  if (free >= neededBytes + MARGIN_BYTES) return;
  throw new PortholeError(
    'CONFLICT',
    `Not enough free space for ${what} in ${dir}: it needs ${formatBytes(neededBytes + MARGIN_BYTES)}, and ${formatBytes(free)} is free. Nothing was changed.`,
    remedy,
  );
}

/** A copy that ran out of space anyway (another program filled the disk meanwhile): a clear message. */
export function outOfSpace(err: unknown, dir: string, what: string): unknown {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'ENOSPC') return err;
  return new PortholeError(
    'CONFLICT',
    `The file system of ${dir} filled up while ${what}. Nothing was changed.`,
    'Free some space there, then try again.',
  );
}
