import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the socket tap (socket-tap.mjs) wrote: one socket connected or one child process spawned. */
export interface TapEntry {
  at: number;
  kind: 'connect' | 'spawn' | 'http';
  /** `unix:<path>`, `tcp:<host>:<port>`, or the program and its arguments. */
  target: string;
  /** For an HTTP request: the frames of Porthole's own code that made it. */
  stack?: string[];
}

/** The host's own figures, asked over IPC: process.cpuUsage() (µs) and process.memoryUsage() (bytes). */
export interface HostUsage {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
}

export interface BenchWebHost {
  /** The URL a browser opens, with the token. */
  url: string;
  origin: string;
  token: string;
  pid: number;
  configDir: string;
  dataDir: string;
  /** Everything the tap has written so far. */
  tap(): Promise<TapEntry[]>;
  usage(): Promise<HostUsage>;
  stop(): Promise<void>;
}

/**
 * `node out/node/web.js`, what `npm run web` runs, on fresh config and data folders, with the socket tap
 * preloaded. `env` goes over this process's environment (DOCKER_HOST at a counting proxy, say).
 */
export async function startWebHost(env: NodeJS.ProcessEnv = {}): Promise<BenchWebHost> {
  const root = await mkdtemp(join(tmpdir(), 'porthole-bench-host-'));
  const configDir = join(root, 'config');
  const dataDir = join(root, 'data');
  const tapFile = join(root, 'tap.jsonl');
  const tap = pathToFileURL(resolve('bench', 'lib', 'socket-tap.mjs')).href;
  const child: ChildProcess = spawn(process.execPath, ['--import', tap, resolve('out', 'node', 'web.js')], {
    env: {
      ...process.env,
      PORTHOLE_CONFIG_DIR: configDir,
      PORTHOLE_DATA_DIR: dataDir,
      PORTHOLE_WEB_PORT: '0',
      PORTHOLE_BENCH_TAP: tapFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`The web host did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`The web host exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    pid: child.pid!,
    configDir,
    dataDir,
    async tap() {
      const text = await readFile(tapFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as TapEntry);
    },
    usage() {
      return new Promise<HostUsage>((done, fail) => {
        const timer = setTimeout(
          () => fail(new Error('The web host did not answer the usage question in 10 s.')),
          10_000,
        );
        const onMessage = (message: unknown): void => {
          if (typeof message !== 'object' || message === null || !('usage' in message)) return;
          clearTimeout(timer);
          child.off('message', onMessage);
          done((message as { usage: HostUsage }).usage);
        };
        child.on('message', onMessage);
        child.send('usage');
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
