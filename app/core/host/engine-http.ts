import http from 'node:http';
import https from 'node:https';
import { sshAgent, type SshEndpoint } from '../engine/ssh';
import { hostHeader } from '../engine/tls';

/** Where an engine listens: a unix socket, or host and port. */
export interface EngineAddress {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** An engine reached through ssh (dial-stdio). */
  ssh?: SshEndpoint;
  /** Client TLS material for https (DOCKER_CERT_PATH). */
  tls?: { ca?: string; cert?: string; key?: string };
}

export interface EngineAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One GET; rejects with the system error (code ECONNREFUSED, EACCES, ENOENT, ETIMEDOUT, ...). */
export type EngineRequest = (address: EngineAddress, path: string, timeoutMs: number) => Promise<EngineAnswer>;

const MAX_BODY = 1024 * 1024;

export const requestEngine: EngineRequest = (address, path, timeoutMs) =>
  new Promise((resolve, reject) => {
    const secure = address.protocol === 'https';
    const options: https.RequestOptions = {
      method: 'GET',
      path,
      // The real host, not "localhost": Node checks the engine's TLS certificate against this name.
      headers: { Host: hostHeader(address), Accept: 'application/json' },
      // One ssh per probe, closed with it; sockets and TCP get a fresh connection of their own.
      agent: address.ssh ? sshAgent(address.ssh, false) : false,
      ...(address.socketPath
        ? { socketPath: address.socketPath }
        : address.ssh
          ? { host: address.ssh.host }
          : { host: address.host, port: address.port ?? (secure ? 2376 : 2375) }),
      ...(secure ? { ca: address.tls?.ca, cert: address.tls?.cert, key: address.tls?.key } : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          req.destroy(new Error(`The answer to ${path} is larger than ${MAX_BODY} bytes.`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`No answer within ${timeoutMs} ms.`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    req.on('error', fail);
    req.end();
  });
