import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import http from 'node:http';
import { Duplex } from 'node:stream';

/** An engine on another computer, reached with the user's own `ssh` (their keys, agent, known_hosts and config). */
export interface SshEndpoint {
  host: string;
  port?: number;
  user?: string;
  /** An ssh configuration file used instead of ~/.ssh/config (PORTHOLE_SSH_CONFIG). */
  configFile?: string;
}

/** `ssh` arguments reaching `endpoint` (with ssh `options` such as -W), then `command`: never a shell string, and `--` before the host. */
export function sshArgs(endpoint: SshEndpoint, command: readonly string[], options: readonly string[] = []): string[] {
  return [
    ...(endpoint.configFile ? ['-F', endpoint.configFile] : []),
    ...options,
    // No password or passphrase prompt: Porthole has no terminal to ask in; keys or the agent only.
    '-o',
    'BatchMode=yes',
    ...(endpoint.port ? ['-p', String(endpoint.port)] : []),
    ...(endpoint.user ? ['-l', endpoint.user] : []),
    '--',
    endpoint.host,
    ...command,
  ];
}

/**
 * One connection to the far engine: `ssh HOST docker system dial-stdio`, as the docker command does,
 * as a socket for node:http. The stream ends only when ssh has exited: cleanly, or with what ssh
 * said on stderr (a refused key, an unknown host key) as the error, so the user sees the real reason.
 */
class DialStdio extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';

  constructor(
    private readonly endpoint: SshEndpoint,
    args: string[],
  ) {
    super();
    this.child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      if (this.stderr.length < 4096) this.stderr += chunk;
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) this.child.stdout.pause();
    });
    // A write after ssh died (EPIPE) is reported by the exit below, with ssh's reason.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (err) => this.destroy(err));
    this.child.on('close', (code) => {
      if (this.destroyed) return;
      if (code === 0) {
        this.push(null);
        return;
      }
      const reason = this.stderr.trim().split('\n').slice(-3).join(' ') || `ssh exited with ${String(code)}`;
      this.destroy(Object.assign(new Error(`ssh to ${this.endpoint.host}: ${reason}`), { code: 'ESSH' }));
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.child.stdin.writable) this.child.stdin.write(chunk, () => callback());
    else callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    callback(error);
  }

  // node:http calls these on a socket; a pipe to ssh has no such settings.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

export function dialStdio(endpoint: SshEndpoint): Duplex {
  return new DialStdio(endpoint, sshArgs(endpoint, ['docker', 'system', 'dial-stdio']));
}

/**
 * One TCP connection to `host:port` as the far computer sees it (`ssh -W`, ssh's own stdio
 * forwarding): a machine's port published on that computer's 127.0.0.1, reached from here.
 */
export function dialPort(endpoint: SshEndpoint, host: string, port: number): Duplex {
  return new DialStdio(endpoint, sshArgs(endpoint, [], ['-W', `${host.includes(':') ? `[${host}]` : host}:${port}`]));
}

/** An http.Agent whose connections are ssh dial-stdio pipes; kept alive so requests reuse one ssh. */
export function sshAgent(endpoint: SshEndpoint, keepAlive = true): http.Agent {
  const agent = new http.Agent({ keepAlive });
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => dialStdio(endpoint);
  return agent;
}
