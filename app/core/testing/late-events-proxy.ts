import { rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Failure injection: the engine's API on a unix socket of its own, passed through as it is except that
 * every event on `/events` arrives `lagMs` late (in order), as Podman's can: its file-backed event log is
 * read a second after the start call answered, or after a kill that followed it. Point a backend at it
 * with DOCKER_HOST=unix://<path>.
 */
export class LateEventsProxy {
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async listen(path: string, lagMs: number, engineSocket = '/var/run/docker.sock'): Promise<LateEventsProxy> {
    await rm(path, { force: true });
    const server = createServer((req, res) => {
      const events = /\/events$/.test((req.url ?? '').split('?')[0] ?? '');
      const upstream = request({ socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        if (!events) {
          answer.pipe(res);
          return;
        }
        // Each chunk held lagMs; the timers fire in the order they were set, so the events keep theirs.
        answer.on('data', (chunk: Buffer) => setTimeout(() => res.write(chunk), lagMs));
        answer.on('end', () => setTimeout(() => res.end(), lagMs));
      });
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    const proxy = new LateEventsProxy(path, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return proxy;
  }

  get host(): string {
    return `unix://${this.path}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }
}
