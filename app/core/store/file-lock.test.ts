import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withFileLock } from './file-lock';

/** Failure injection: while `full.on`, every write of file contents fails as on a full disk. */
const full = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const enospc = (): Promise<never> =>
    Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  return {
    ...real,
    writeFile: ((...args: Parameters<typeof real.writeFile>) =>
      full.on ? enospc() : real.writeFile(...args)) as typeof real.writeFile,
    open: (async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      const write = handle.writeFile.bind(handle);
      return Object.assign(handle, {
        writeFile: (...w: Parameters<typeof write>) => (full.on ? enospc() : write(...w)),
      });
    }) as typeof real.open,
  };
});

/** The pid of a process that has ended. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

describe('withFileLock (a lock file shared by Porthole processes)', () => {
  let dir: string;
  let lock: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-lock-'));
    lock = join(dir, 'disk-m.lock');
    full.on = false;
  });
  afterEach(async () => {
    full.on = false;
    await rm(dir, { recursive: true, force: true });
  });

  // The disk lock's holders are judged by their pid; its age makes it stale only after a day.
  const DISK = { timeoutMs: 500, staleMs: 24 * 60 * 60 * 1000 };

  it('a take that cannot write who holds it (a full disk) fails with that error and leaves no lock behind', async () => {
    full.on = true;
    await expect(withFileLock(lock, async () => 'ran', DISK)).rejects.toMatchObject({ code: 'ENOSPC' });
    full.on = false;
    // Nothing left that names no holder: the next take gets the lock at once, not after a day.
    expect(await readdir(dir)).toEqual([]);
    await expect(withFileLock(lock, async () => 'ran', DISK)).resolves.toBe('ran');
  });

  it('a holder that died (its pid is gone) is broken at once, however young its lock', async () => {
    await writeFile(
      lock,
      JSON.stringify({ pid: await deadPid(), hostname: hostname(), time: Date.now(), nonce: 'dead' }),
    );
    await expect(withFileLock(lock, async () => 'ran', DISK)).resolves.toBe('ran');
  });

  it('a live holder is waited for, then refused with who holds it', async () => {
    await writeFile(lock, JSON.stringify({ pid: process.pid, hostname: hostname(), time: Date.now(), nonce: 'alive' }));
    await expect(withFileLock(lock, async () => 'ran', DISK)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`process ${process.pid}`),
    });
  });

  it('one holder at a time; while held the lock names its holder, and nothing is left after', async () => {
    const inside: number[] = [];
    let concurrent = 0;
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        withFileLock(
          lock,
          async () => {
            concurrent += 1;
            expect(concurrent).toBe(1);
            expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname() });
            await new Promise((r) => setTimeout(r, 5));
            inside.push(i);
            concurrent -= 1;
          },
          { timeoutMs: 5000 },
        ),
      ),
    );
    expect(inside.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await readdir(dir)).toEqual([]);
  });
});
