import { spawn } from 'node:child_process';

/** What a helper program did. stdout may hold a secret: callers never put it in a message. */
export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The helper did not finish: not installed, or no answer in time (a hung D-Bus). */
export class ToolFailure extends Error {
  constructor(
    readonly reason: 'missing' | 'timeout' | 'spawn',
    message: string,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Written to the program's stdin, then closed: the only way a secret goes to a helper. */
  stdin?: string;
  timeoutMs: number;
}

/**
 * Runs a helper (an argument array, no shell) and collects its output. A helper that does not
 * finish within `timeoutMs` is killed, so a hung session bus never hangs Porthole.
 */
export function runTool(command: string, args: readonly string[], options: RunOptions): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() =>
        reject(
          new ToolFailure('timeout', `${command} did not answer within ${Math.round(options.timeoutMs / 100) / 10} s`),
        ),
      );
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          e.code === 'ENOENT'
            ? new ToolFailure('missing', `${command} is not installed`)
            : new ToolFailure('spawn', `${command} could not run (${e.code ?? e.message})`),
        ),
      ),
    );
    child.on('close', (code) =>
      finish(() =>
        resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
      ),
    );
    // A helper that exits before reading stdin closes the pipe: that is its exit code's business, not a crash.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** The helper's complaint in one line, without its program-name prefix and GLib noise. */
export function complaint(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('(') && !l.startsWith('**'));
  return (lines.at(-1) ?? '').replace(/^[\w-]+: /, '').replace(/^Error [\w.]+: /, '');
}
