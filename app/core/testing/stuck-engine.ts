import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * Failure injection: an "engine" on a unix socket that accepts every connection, reads what it is sent,
 * and never answers, as a hung dockerd does. Point Porthole at it with DOCKER_HOST=unix://<path>.
 */
export class StuckEngine {
  private readonly sockets = new Set<Socket>();
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(
    readonly path: string,
    private readonly server: Server,
  ) {}

  static async listen(path: string): Promise<StuckEngine> {
    await rm(path, { force: true });
    const server = createServer();
    const engine = new StuckEngine(path, server);
    server.on('connection', (socket) => {
      engine.accepted += 1;
      engine.sockets.add(socket);
      socket.on('close', () => engine.sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.resume();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return engine;
  }

  get host(): string {
    return `unix://${this.path}`;
  }

  /** Connections open now: a client that gave up on the engine closed its own. */
  get open(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }
}
