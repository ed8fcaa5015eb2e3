import { randomBytes } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { PortholeError } from '../../api';

/** What a lock file holds: who took it, and when. The nonce tells one holder's lock from the next one's. */
interface LockOwner {
  pid: number;
  hostname: string;
  time: number;
  nonce: string;
}

export interface LockOptions {
  /** How long to wait for another process's lock before giving up with a clear error. */
  timeoutMs?: number;
  /** A lock older than this is a holder that hung or died elsewhere: broken. Holds last milliseconds. */
  staleMs?: number;
}

// A holder may spend up to two keyring calls (5 s each) sealing a new password under the lock.
const DEFAULT_TIMEOUT_MS = 20_000;
const DEFAULT_STALE_MS = 30_000;
/** While waiting, the holder's liveness is looked at again this often (it may die without removing its lock). */
const RECHECK_MS = 1_000;

/**
 * Runs `body` while holding an exclusive lock file (`O_CREAT|O_EXCL`, so exactly one process can make it),
 * shared by every Porthole process on this config: the desktop app, the web host and each CLI run.
 * A waiter sleeps on a watch of the lock's folder (woken when the lock goes), not on a polling loop.
 */
export async function withFileLock<T>(lockPath: string, body: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const owner = await acquire(lockPath, options);
  try {
    return await body();
  } finally {
    await release(lockPath, owner);
  }
}

async function acquire(lockPath: string, options: LockOptions): Promise<LockOwner> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      time: Date.now(),
      nonce: randomBytes(8).toString('hex'),
    };
    if (await tryCreate(lockPath, owner)) return owner;
    const holder = await readHolder(lockPath);
    if (holder === 'gone') continue;
    if (isStale(holder, staleMs)) {
      await breakStale(lockPath, holder);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const who = holder.owner ? `process ${holder.owner.pid} on ${holder.owner.hostname}` : 'another process';
      throw new PortholeError(
        'CONFLICT',
        `Porthole could not change its machine list: ${who} has held ${lockPath} for over ${Math.round(timeoutMs / 1000)} seconds.`,
        `Try again. If no other Porthole is running, delete ${lockPath}.`,
      );
    }
    const staleIn = holder.mtimeMs + staleMs - Date.now() + 1;
    await lockGone(lockPath, Math.max(1, Math.min(left, RECHECK_MS, staleIn)));
  }
}

/**
 * Makes the lock with its holder's details already in it: they are written to a file of our own, which is
 * then hard-linked to the lock's name (`link` fails when the name exists, so exactly one process makes it).
 * A lock file made empty and filled afterwards would, after a crash or a full disk between the two, name no
 * holder: nobody could tell it was dead, and the disk lock (judged by its holder's pid, stale only after a
 * day) would refuse every start for that long.
 */
async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  const own = join(dirname(lockPath), `.${basename(lockPath)}.${owner.pid}-${owner.nonce}`);
  try {
    await writeFile(own, JSON.stringify(owner), { mode: 0o600, flag: 'wx' });
    await link(own, lockPath);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: made empty and filled at once instead.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return tryCreateUnlinked(lockPath, owner);
    throw err;
  } finally {
    await unlink(own).catch(() => undefined);
  }
}

async function tryCreateUnlinked(lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } catch (err) {
    await handle.close();
    await unlink(lockPath).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return true;
}

interface Holder {
  /** Null while the holder is still writing its details (or they are garbage): then only the age counts. */
  owner: LockOwner | null;
  text: string;
  mtimeMs: number;
}

async function readHolder(lockPath: string): Promise<Holder | 'gone'> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { owner: parseOwner(text), text, mtimeMs: info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const data = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      data &&
      typeof data.pid === 'number' &&
      typeof data.hostname === 'string' &&
      typeof data.time === 'number' &&
      typeof data.nonce === 'string'
    ) {
      return data as LockOwner;
    }
  } catch {
    // Being written right now, or garbage: judged by its age alone.
  }
  return null;
}

function isStale(holder: Holder, staleMs: number): boolean {
  if (Date.now() - holder.mtimeMs > staleMs) return true;
  const owner = holder.owner;
  // A pid can only be asked about on this host; elsewhere (a shared home folder) only the age tells.
  return owner !== null && owner.hostname === hostname() && !processAlive(owner.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Two waiters may judge the same lock stale at once. Deleting it by name could delete the lock the
 * other one has just taken, so the stale lock is first renamed to a name of our own and compared:
 * if what we moved is not the lock we judged, it is put back (link fails rather than overwrite).
 */
async function breakStale(lockPath: string, judged: Holder): Promise<void> {
  const moved = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const text = await readFile(moved, 'utf8').catch(() => null);
  if (text !== null && text !== judged.text && parseOwner(text) !== null) {
    await link(moved, lockPath).catch(() => undefined);
  }
  await unlink(moved).catch(() => undefined);
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  // Only our own lock: if it was broken as stale meanwhile, the file may be someone else's now.
  const text = await readFile(lockPath, 'utf8').catch(() => null);
  if (text !== null && parseOwner(text)?.nonce === owner.nonce) await unlink(lockPath).catch(() => undefined);
}

/** Resolves when the lock file is removed (or renamed), or after `ms` at the latest. */
function lockGone(lockPath: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const name = basename(lockPath);
    let watcher: ReturnType<typeof watch> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, ms);
    try {
      watcher = watch(dirname(lockPath), (_event, file) => {
        if (file === null || file === name) done();
      });
      watcher.on('error', done);
    } catch {
      // No watch possible (folder gone, out of inotify watches): the timer still bounds the wait.
    }
    // Removed between the failed create and the watch starting: no event would come.
    if (!existsSync(lockPath)) done();
  });
}
