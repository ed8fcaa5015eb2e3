import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a program (no shell) and returns its trimmed stdout. */
export async function program(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const { stdout } = await run(command, [...args], { maxBuffer: 64 * 1024 * 1024, env: options.env ?? process.env });
  return stdout.trim();
}

/**
 * `docker` against one engine: the default one, or `host` (unix:///... or tcp://...). `env` carries
 * what else picks the engine (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_CONFIG for a context).
 */
export function dockerAt(host: string | undefined, env?: NodeJS.ProcessEnv): (...args: string[]) => Promise<string> {
  return (...args) => program('docker', host ? ['-H', host, ...args] : args, env ? { env } : {});
}

/** `producer | consumer` without a shell, e.g. docker save | docker -H other load. */
export function pipe(
  producer: readonly string[],
  consumer: readonly string[],
  consumerEnv?: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const [pc, ...pargs] = producer;
    const [cc, ...cargs] = consumer;
    const left = spawn(pc!, pargs, { stdio: ['ignore', 'pipe', 'inherit'] });
    const right = spawn(cc!, cargs, {
      stdio: ['pipe', 'ignore', 'inherit'],
      ...(consumerEnv ? { env: consumerEnv } : {}),
    });
    left.stdout.pipe(right.stdin);
    let failed = false;
    const fail =
      (what: string) =>
      (code: number | null): void => {
        if (code !== 0 && !failed) {
          failed = true;
          reject(new Error(`${what} exited with ${String(code)}`));
        }
      };
    left.on('error', reject);
    right.on('error', reject);
    left.on('close', fail(producer.join(' ')));
    right.on('close', (code) => {
      fail(consumer.join(' '))(code);
      if (code === 0 && !failed) resolve();
    });
  });
}

/** Resolves when a child process has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Retries `probe` until it resolves true: only for bringing up a daemon, which offers no event to wait for. */
export async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
