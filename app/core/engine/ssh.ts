import { spawn } from 'node:child_process';
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

/** `ssh` arguments reaching `endpoint`, then `command`: never a shell string, and `--` before the host. */
export function sshArgs(endpoint: SshEndpoint, command: readonly string[]): string[] {
  return [
    ...(endpoint.configFile ? ['-F', endpoint.configFile] : []),
    // No password or passphrase prompt: Porthole has no terminal to ask in; keys or the agent only.
    '-o', 'BatchMode=yes',
    ...(endpoint.port ? ['-p', String(endpoint.port)] : []),
    ...(endpoint.user ? ['-l', endpoint.user] : []),
    '--',
    endpoint.host,
    ...command,
  ];
}

/**
 * One connection to the far engine: `ssh HOST docker system dial-stdio`, as the docker command does,
 * as a socket for node:http. What ssh says on stderr (a refused key, an unknown host key) becomes
 * the error, so the user sees the real reason.
 */
export function dialStdio(endpoint: SshEndpoint): Duplex {
  const child = spawn('ssh', sshArgs(endpoint, ['docker', 'system', 'dial-stdio']), { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const socket = Duplex.from({ readable: child.stdout, writable: child.stdin });
  child.on('error', (err) => socket.destroy(err));
  child.on('exit', (code) => {
    if (code !== 0 && code !== null && !socket.destroyed) {
      const reason = stderr.trim().split('\n').slice(-3).join(' ') || `ssh exited with ${code}`;
      socket.destroy(Object.assign(new Error(`ssh to ${endpoint.host}: ${reason}`), { code: 'ESSH' }));
    }
  });
  socket.on('close', () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  // node:http may call these on a socket; a pipe has no such settings.
  Object.assign(socket, { setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket });
  return socket;
}

/** An http.Agent whose connections are ssh dial-stdio pipes; kept alive so requests reuse one ssh. */
export function sshAgent(endpoint: SshEndpoint, keepAlive = true): http.Agent {
  const agent = new http.Agent({ keepAlive });
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => dialStdio(endpoint);
  return agent;
}
