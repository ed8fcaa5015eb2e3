// `porthole … | next-program`: the built CLI (out/node/cli.js) in a real process, its standard output a
// pipe to another process that starts reading only after a second, so the pipe (64 KiB) fills and the
// CLI must wait for it. Every byte must arrive; a reader that closes early ends the CLI quietly.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineSettingsSchema } from '../api';
import { sampleMachine } from '../api/testing/sample-machine';
import { BUILT_CLI, requireBuiltCli } from '../core/testing/cli';
import { MachineStore } from '../core/store/machine-store';

const MACHINES = 500;

/** The CLI with `args`, its output piped into a reader process running `reader` (Node code reading stdin). */
function piped(
  args: string[],
  env: NodeJS.ProcessEnv,
  reader: string,
): Promise<{ cliCode: number | null; cliErr: string; read: string }> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [BUILT_CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const next = spawn(process.execPath, ['-e', reader], { stdio: [cli.stdout, 'pipe', 'inherit'] });
    // The reader has the pipe now; this process lets go of it, so the reader is its only reader (as in a shell).
    next.on('spawn', () => cli.stdout.destroy());
    let cliErr = '';
    let read = '';
    cli.stderr.setEncoding('utf8').on('data', (s: string) => (cliErr += s));
    next.stdout.setEncoding('utf8').on('data', (s: string) => (read += s));
    let cliCode: number | null | undefined;
    let readerDone = false;
    const finish = (): void => {
      if (cliCode !== undefined && readerDone) resolve({ cliCode, cliErr, read });
    };
    cli.on('error', reject);
    next.on('error', reject);
    cli.on('exit', (code) => {
      cliCode = code;
      finish();
    });
    next.on('close', () => {
      readerDone = true;
      finish();
    });
  });
}

describe('the CLI writing into a pipe', () => {
  let root = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    requireBuiltCli();
    root = await mkdtemp(join(tmpdir(), 'porthole-pipe-'));
    // The test bed's engine: `machines` exits 0 only when the engine answers (it says so otherwise), and none of
    // these machines has a container, so one list call settles them all.
    env = {
      ...process.env,
      PORTHOLE_CONFIG_DIR: join(root, 'config'),
      PORTHOLE_DATA_DIR: join(root, 'data'),
      DOCKER_HOST: 'unix:///var/run/docker.sock',
    };
    // Many machines on a throwaway configuration, so `machines --json` is far larger than a pipe holds.
    const store = new MachineStore(join(root, 'config'));
    await store.transact((records) => {
      for (let i = 0; i < MACHINES; i++) {
        const settings = machineSettingsSchema.parse(
          sampleMachine({
            id: `m${i}`,
            name: `Machine ${i}`,
            ports: { web: 20000 + 2 * i, rdp: 20001 + 2 * i },
            storageDir: join(root, 'data', 'machines', `m${i}`),
          }),
        );
        records.set(settings.id, { settings, installed: false });
      }
    });
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it(`machines --json with ${MACHINES} machines arrives whole through a slow reader`, async () => {
    const countBytes =
      'setTimeout(() => { let n = 0; process.stdin.on("data", (d) => (n += d.length)).on("end", () => process.stdout.write(String(n))); }, 1000)';
    const sizes = await piped(['machines', '--json'], env, countBytes);
    expect(sizes.cliErr).toBe('');
    expect(sizes.cliCode).toBe(0);
    expect(Number(sizes.read)).toBeGreaterThan(300 * 1024);

    const whole =
      'setTimeout(() => { const c = []; process.stdin.on("data", (d) => c.push(d)).on("end", () => { const list = JSON.parse(Buffer.concat(c).toString("utf8")); process.stdout.write(String(list.length)); }); }, 1000)';
    const parsed = await piped(['machines', '--json'], env, whole);
    expect(parsed.read).toBe(String(MACHINES));
  });

  it('ends quietly when the reader stops reading early', async () => {
    const firstChunkOnly = 'process.stdin.once("data", () => { process.stdout.write("got"); process.exit(0); })';
    const result = await piped(['machines', '--json'], env, firstChunkOnly);
    expect(result.read).toBe('got');
    expect(result.cliErr).toBe('');
    expect(result.cliCode).toBe(141);
  });
});
