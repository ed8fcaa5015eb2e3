// The test bed for integration and end-to-end tests: a Docker engine, the stand-in image for
// dockurr/windows (e2e/guest) and a bootable test ISO. Safe to call from several processes at once.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Testbed {
  /** Tag of the local stand-in image, e.g. `porthole/standin-windows:0123456789ab`. */
  image: string;
  /** Absolute path of a bootable ISO of at least 12 MB (iPXE). */
  testIso: string;
  /** The same ISO made with `--shell`: the VM always lands at the `iPXE>` prompt by itself (no Ctrl+B race). */
  shellIso: string;
}

const testbedDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(testbedDir, '..', '..');
export const artifactsDir = path.join(repoRoot, 'e2e', '.artifacts');
/** The test web host (e2e/testbed/web-host.ts), bundled by the Playwright global setup when PORTHOLE_TEST_HOST is set. */
export const testWebHostScript = path.join(artifactsDir, 'web-host.mjs');

const ensureTestbedScript = path.join(testbedDir, 'ensure-testbed.sh');
const makeTestIsoScript = path.join(testbedDir, 'make-test-iso.sh');
const buildImageScript = path.join(repoRoot, 'e2e', 'guest', 'build.sh');
const lockFile = path.join(artifactsDir, 'testbed.lock');
const LOCK_WAIT_MS = 20 * 60_000;
const LOCK_POLL_MS = 500;

/** Runs a program (no shell); its stderr goes to ours so that long builds show progress. */
function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(chunks).toString('utf8'));
      } else {
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${String(code)}`})`));
      }
    });
  });
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const last = lines.at(-1);
  if (last === undefined) throw new Error('the stand-in build printed no image tag');
  return last;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A lock file holding the owner's pid; a lock whose owner is gone is taken over. */
async function withLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the test bed lock ${file}`);
      await sleep(LOCK_POLL_MS);
    }
  }
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}

let pending: Promise<Testbed> | undefined;

/** Engine running, stand-in image built (or reused) and test ISO made. Idempotent. */
export function ensureTestbed(): Promise<Testbed> {
  pending ??= prepare().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function prepare(): Promise<Testbed> {
  await mkdir(artifactsDir, { recursive: true });
  return withLock(lockFile, async () => {
    await run('bash', [ensureTestbedScript]);
    const image = await buildAndHold();
    const testIso = path.join(artifactsDir, 'test-ipxe.iso');
    await run('bash', [makeTestIsoScript, testIso]);
    const shellIso = path.join(artifactsDir, 'test-ipxe-shell.iso');
    await run('bash', [makeTestIsoScript, '--shell', shellIso]);
    return { image, testIso, shellIso };
  });
}

/** The label of the container that holds a test run's stand-in image; its value is the run's process id. */
const HOLD_LABEL = 'io.porthole.standin-hold';
const HOLD_ATTEMPTS = 3;
const DOCKER_TIMEOUT_MS = 60_000;

/**
 * The stand-in image, built or reused, and held for as long as this process runs. Another checkout with
 * another recipe (a worktree on the same engine) drops older recipes' images when it builds its own
 * (e2e/guest/build.sh): without the hold, this run's image could vanish between two tests, and the next
 * machine started would try to download it and fail. The hold is a container of the image that is never
 * started; it goes when this process exits, and build.sh drops a hold whose process is gone. An image
 * dropped between the build and the hold is built again.
 */
async function buildAndHold(): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const image = lastLine(await run('bash', [buildImageScript]));
    try {
      holdImage(image);
      return image;
    } catch (error) {
      if (attempt >= HOLD_ATTEMPTS) throw error;
    }
  }
}

function holdImage(image: string): void {
  // A tmpfs for the image's VOLUME /storage: no anonymous volume is left behind; no network: it never runs anyway.
  const args = ['create', '--label', `${HOLD_LABEL}=${process.pid}`, '--network', 'none'];
  const id = execFileSync('docker', [...args, '--mount', 'type=tmpfs,destination=/storage', image], {
    encoding: 'utf8',
    timeout: DOCKER_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
  process.once('exit', () => {
    try {
      execFileSync('docker', ['rm', '-f', id], { timeout: DOCKER_TIMEOUT_MS, stdio: 'ignore' });
    } catch {
      // Left behind: the next build drops it, its process being gone.
    }
  });
}
