// Failure injection for tests of remote engines: "the engine's computer" is a folder tree on this
// machine that the process under test must never touch through its own file system.

type FsPromises = typeof import('node:fs/promises');

/** The fs/promises calls that look at or change a path (their first argument). */
const PATH_CALLS = [
  'stat',
  'lstat',
  'realpath',
  'mkdir',
  'access',
  'open',
  'readdir',
  'readFile',
  'writeFile',
  'rename',
  'chmod',
  'rm',
  'rmdir',
] as const;

/**
 * `real` with every path call under `remote.root` failing (EIO) and recorded in `remote.touched`,
 * for a `vi.mock('node:fs/promises', …)` factory: whatever appears under the root was made another way
 * (through the engine), and `touched` says what this process tried.
 */
export function guardedFsPromises(real: FsPromises, remote: { root: string; touched: string[] }): FsPromises {
  const guarded = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
    ((...args: Parameters<F>) => {
      const path = String(args[0]);
      if (path.startsWith(remote.root)) {
        remote.touched.push(`${name} ${path}`);
        return Promise.reject(
          Object.assign(new Error(`this process touched ${path} on "the engine's computer"`), { code: 'EIO' }),
        );
      }
      return fn(...args);
    }) as F;
  return { ...real, ...Object.fromEntries(PATH_CALLS.map((n) => [n, guarded(n, real[n] as never)])) };
}
