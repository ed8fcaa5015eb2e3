// What every private engine of the tests (private-engine.ts, private-podman.ts,
// private-rootless-docker.ts) does alike around its own daemon: its start-up that leaves nothing
// behind when it fails, the shared engine's image copied in, a subnet of its own, and its folder
// unmounted and removed at the end (its log kept on request).
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipe, program } from './processes';

/** Runs the engine's start-up; when it fails the engine is disposed (nothing left behind) and the failure thrown. */
export async function startOrDispose<T extends { dispose(): Promise<void> }>(
  engine: T,
  startUp: () => Promise<void>,
): Promise<T> {
  try {
    await startUp();
  } catch (err) {
    await engine.dispose();
    throw err;
  }
  return engine;
}

/** Copies an image of the shared engine into the engine at `host` (docker save | docker -H host load). */
export function copyImageInto(host: string, image: string): Promise<void> {
  return pipe(['docker', 'save', image], ['docker', '-H', host, 'load', '-q']);
}

/** A 10.<prefix>.N.0/24 that no interface on this host uses (each kind of engine has its own prefix). */
export async function freeSubnet(prefix: number): Promise<number> {
  const used = await program('ip', ['-4', '-o', 'addr', 'show']);
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 250);
    if (!used.includes(`10.${prefix}.${n}.`)) return n;
  }
}

/**
 * Unmounts whatever the engine still holds mounted under its folder (deepest first), then removes the
 * folder; with PORTHOLE_KEEP_ENGINE_LOG only its `dataDir` goes and the log stays for a look after a failure.
 * `lazy`: umount -l (a rootless engine's mounts may still be busy in its namespace).
 */
export async function removeEngineFolder(
  root: string,
  opts: { lazy: boolean; dataDir: string; log: string; what: string },
): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((path) => path.startsWith(root))
    .sort()
    .reverse();
  for (const path of mounts) await program('umount', opts.lazy ? ['-l', path] : [path]).catch(() => undefined);
  if (process.env.PORTHOLE_KEEP_ENGINE_LOG) {
    process.stderr.write(`${opts.what} log kept: ${join(root, opts.log)}\n`);
    await rm(join(root, opts.dataDir), { recursive: true, force: true });
  } else {
    await rm(root, { recursive: true, force: true });
  }
}
