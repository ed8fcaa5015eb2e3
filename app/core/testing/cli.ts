// The built CLI (out/node/cli.js) in a real child process, as a user or a second Porthole runs it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';

export const BUILT_CLI = resolve('out/node/cli.js');

export interface CliRun {
  /** The exit code; null when the process was killed (a timeout, say). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Throws with the remedy when the CLI has not been built (npm test builds it before the integration tests). */
export function requireBuiltCli(): void {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run "npm run build:node" first.`);
}

/** Runs `porthole ARGS` with exactly `env`, never rejecting: a failure is in the code and the output. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [BUILT_CLI, ...args], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Runs `porthole ARGS` in this process (app/cli/main.ts `run`), collecting what it prints. */
export async function runCliHere(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { run } = await import('../../cli/main');
  let out = '';
  let err = '';
  const code = await run(
    argv,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

/**
 * Each test of the calling suite runs the in-process CLI (runCliHere) on a configuration of its own in a fresh
 * folder, against an engine socket that does not exist: a throwaway backend that can reach no engine.
 * Returns the folder of the test under way.
 */
export function throwawayCliConfig(prefix: string): () => string {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    vi.stubEnv('PORTHOLE_CONFIG_DIR', join(root, 'config'));
    vi.stubEnv('PORTHOLE_DATA_DIR', join(root, 'data'));
    vi.stubEnv('DOCKER_HOST', `unix://${join(root, 'no-engine.sock')}`);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(root, { recursive: true, force: true });
  });
  return () => root;
}
