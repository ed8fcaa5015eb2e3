// The VM both sides of a benchmark look at: the stand-in image booting the shell ISO (it always lands
// at the `iPXE>` prompt by itself) in software emulation on one core, made with Porthole's CLI on fresh
// config/data directories and served by the real web host (out/node/web.js).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureTestbed } from '../../e2e/testbed/testbed';
import { containerNameIn, startWebHost, type WebHostProcess } from '../../e2e/web/fixtures';
import { ensureShellIso } from '../shell-iso';

const run = promisify(execFile);
export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BenchMachine {
  id: string;
  /** The container's name (it exists once the machine was started). */
  container: string;
  host: WebHostProcess;
  cli(...args: string[]): Promise<string>;
  /** Stops the web host, removes the container and the directories. */
  dispose(): Promise<void>;
}

/** `hostEnv` goes to the web host only (DOCKER_HOST at a proxy, say); the CLI talks to the engine itself. */
export async function benchMachine(name: string, hostEnv: NodeJS.ProcessEnv = {}): Promise<BenchMachine> {
  const { image } = await ensureTestbed();
  const iso = await ensureShellIso();
  const root = await mkdtemp(join(tmpdir(), 'porthole-bench-'));
  const dirs = { PORTHOLE_CONFIG_DIR: join(root, 'config'), PORTHOLE_DATA_DIR: join(root, 'data') };
  const env = { ...process.env, ...dirs };
  const cli = async (...args: string[]): Promise<string> =>
    (await run(process.execPath, [join(repo, 'out', 'node', 'cli.js'), ...args], { env, cwd: repo })).stdout;
  // A name of its own per run: the machine's id (and so the container's label, by which the test bed's
  // clean-up removes containers) must not be another run's on the same shared engine.
  const created = JSON.parse(
    await cli(
      'create',
      '--json',
      '--name',
      `${name} ${randomBytes(3).toString('hex')}`,
      '--iso',
      iso,
      '--image',
      image,
      '--no-kvm',
      '--ram',
      '2',
      '--cpus',
      '1',
    ),
  ) as { id: string };
  const { host, stop } = await startWebHost({ ...dirs, ...hostEnv });
  host.track(created.id);
  return {
    id: created.id,
    container: containerNameIn(dirs.PORTHOLE_CONFIG_DIR, created.id),
    host,
    cli,
    dispose: async () => {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args)).stdout.trim();
}
