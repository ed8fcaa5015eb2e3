import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, rm, statfs } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { exited, program } from './processes';

/** mulberry32: small, seeded, reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seeded Fisher-Yates shuffle of `items` (a new array). */
export function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface Region {
  offset: number;
  length: number;
}

/**
 * A known pattern at known offsets of a disk image, and its checksums. A sha256 of a whole 64 GB
 * sparse data.img would read 64 GB of zeros on every cycle; the pattern covers what a lost or
 * replaced disk would change (its first sectors, the middle, the very end) and the image's inode
 * and size are checked beside it, so a new, truncated or moved-aside file is caught too.
 */
export async function writePattern(path: string, regions: readonly Region[], next: () => number): Promise<string[]> {
  const file = await open(path, 'r+');
  try {
    const sums: string[] = [];
    for (const region of regions) {
      const data = Buffer.alloc(region.length);
      for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(Math.floor(next() * 0x100000000), i);
      await file.write(data, 0, data.length, region.offset);
      sums.push(createHash('sha256').update(data).digest('hex'));
    }
    await file.sync();
    return sums;
  } finally {
    await file.close();
  }
}

export async function readPattern(path: string, regions: readonly Region[]): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const sums: string[] = [];
    for (const region of regions) {
      const data = Buffer.alloc(region.length);
      await file.read(data, 0, data.length, region.offset);
      sums.push(createHash('sha256').update(data).digest('hex'));
    }
    return sums;
  } finally {
    await file.close();
  }
}

/** Another process's listener on a loopback port (here, this process's: the machine's port is taken all the same). */
export function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A small tmpfs of the test's own (needs root), for a machine's storage that can be filled to the
 * last block. tmpfs keeps a sparse data.img sparse, so only the written pattern takes room.
 */
export class SmallFs {
  private mounted = false;
  readonly filler: string;

  private constructor(
    readonly path: string,
    readonly sizeMiB: number,
  ) {
    this.filler = join(path, 'filler.bin');
  }

  static async mount(path: string, sizeMiB: number): Promise<SmallFs> {
    await mkdir(path, { recursive: true });
    const fs = new SmallFs(path, sizeMiB);
    await program('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', path]);
    fs.mounted = true;
    return fs;
  }

  async freeBytes(): Promise<number> {
    const s = await statfs(this.path);
    return s.bavail * s.bsize;
  }

  /** Writes a filler file until the file system refuses (ENOSPC): then not one block is free. */
  async fill(): Promise<void> {
    const file = await open(this.filler, 'a');
    try {
      for (const size of [1024 * 1024, 4096]) {
        const chunk = Buffer.alloc(size, 0xa5);
        for (;;) {
          try {
            await file.write(chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
    } finally {
      await file.close();
    }
  }

  async free(): Promise<void> {
    await rm(this.filler, { force: true });
  }

  /** Unmounts (lazily, so that a container still holding it cannot keep the mount behind). */
  async unmount(): Promise<void> {
    if (!this.mounted) return;
    await program('umount', ['-l', this.path]);
    this.mounted = false;
  }
}

/**
 * Porthole as a separate OS process: the built CLI (out/node/cli.js) on the given config and data
 * dirs and engine. `kill()` ends it with SIGKILL, as a crash or an OOM kill would.
 */
export class PortholeProcess {
  private output = '';
  readonly done: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.done = exited(child);
  }

  static run(
    cli: string,
    args: readonly string[],
    env: { configDir: string; dataDir: string; dockerHost: string },
  ): PortholeProcess {
    const child = spawn(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        PORTHOLE_CONFIG_DIR: env.configDir,
        PORTHOLE_DATA_DIR: env.dataDir,
        DOCKER_HOST: env.dockerHost,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new PortholeProcess(child);
  }

  get finished(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get log(): string {
    return this.output;
  }

  /** SIGKILL now (if it still runs); resolves once it is gone. Says whether it was still running. */
  async kill(): Promise<boolean> {
    const wasRunning = !this.finished;
    if (wasRunning) this.child.kill('SIGKILL');
    await this.done;
    return wasRunning;
  }
}

/**
 * The next engine event of a given kind for containers with `label`, from `docker events` (started
 * at once, so that no event after this call is missed). `stop()` ends the watcher if none came.
 */
export function nextEngineEvent(
  host: string,
  label: string,
  action: string,
): { event: Promise<string>; stop: () => void } {
  const child = spawn(
    'docker',
    [
      '-H',
      host,
      'events',
      '--filter',
      `label=${label}`,
      '--filter',
      `event=${action}`,
      '--format',
      '{{.Action}} {{.ID}}',
    ],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const event = new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line) {
        resolve(line);
        child.kill();
      }
    });
    child.once('error', reject);
    child.once('exit', () => reject(new Error(`no ${action} event`)));
  });
  // A watcher stopped before its event: nobody awaits the rejection then.
  event.catch(() => undefined);
  return { event, stop: () => void child.kill() };
}
