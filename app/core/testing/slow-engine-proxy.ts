import { rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Failure injection: the engine's API on a unix socket of its own, passed through as it is except that
 * every chunk of the answers `lags` picks (all, by default) arrives `lagMs` late (in order), as from a loaded
 * or distant engine. The headers pass at once. Records each request (method and URL) for counting. Point a
 * backend at it with DOCKER_HOST=unix://<path>.
 */
export class SlowEngineProxy {
  private readonly sockets = new Set<Socket>();
  /** "GET /v1.41/containers/json?all=true", in the order they came. */
  readonly requests: string[] = [];

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** `lags`: which answers are held, by the request's path without its query. */
  static async listen(
    path: string,
    lagMs: number,
    engineSocket = '/var/run/docker.sock',
    lags: (urlPath: string) => boolean = () => true,
  ): Promise<SlowEngineProxy> {
    await rm(path, { force: true });
    const proxy: { current?: SlowEngineProxy } = {};
    const server = createServer((req, res) => {
      proxy.current?.requests.push(`${req.method} ${req.url}`);
      const held = lags((req.url ?? '').split('?')[0] ?? '');
      const upstream = request(
        { socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.flushHeaders();
          if (!held) {
            answer.pipe(res);
            return;
          }
          // Each chunk held lagMs; the timers fire in the order they were set, so the chunks keep theirs.
          answer.on('data', (chunk: Buffer) => setTimeout(() => res.write(chunk), lagMs));
          answer.on('end', () => setTimeout(() => res.end(), lagMs));
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    proxy.current = new SlowEngineProxy(path, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return proxy.current;
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
