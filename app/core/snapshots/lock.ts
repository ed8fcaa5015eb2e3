import { join } from 'node:path';
import { PortholeError } from '../../api';
import { withFileLock } from '../store/file-lock';

/** A copy of a 64 GB disk takes minutes: the lock is judged by its holder's pid, not its age. */
const HELD_FOR_HOURS_MS = 24 * 60 * 60 * 1000;

/**
 * Beside the store's own lock in the config folder: it always exists (so taking the lock leaves no
 * folder behind) and every process of one configuration shares it, as it shares the data folder.
 */
export function diskLockPath(configDir: string, machineId: string): string {
  return join(configDir, `disk-${machineId}.lock`);
}

/**
 * Holds the machine's disk lock (one file, shared by every Porthole process on this configuration)
 * while `body` runs: taking or restoring a snapshot, starting the machine or removing it. A snapshot never
 * waits for it (`waitMs` 0: "busy, try later" is the honest answer); a start waits a little.
 */
export async function withDiskLock<T>(
  configDir: string,
  machineId: string,
  body: () => Promise<T>,
  waitMs: number,
): Promise<T> {
  let entered = false;
  try {
    return await withFileLock(
      diskLockPath(configDir, machineId),
      () => {
        entered = true;
        return body();
      },
      { timeoutMs: waitMs, staleMs: HELD_FOR_HOURS_MS },
    );
  } catch (err) {
    if (entered || !(err instanceof PortholeError) || err.code !== 'CONFLICT') throw err;
    throw new PortholeError(
      'CONFLICT',
      `Another Porthole process is using the disk of machine ${machineId} right now (taking or restoring a snapshot, starting it or removing it).`,
      'Wait until that is done, then try again.',
    );
  }
}
