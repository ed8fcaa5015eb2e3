import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';

/** One request the proxy passed on to the engine. */
export interface CountedRequest {
  at: number;
  method: string;
  /** The path without its query: `/v1.41/containers/abc/json`. */
  path: string;
  /** A streaming answer that stays open (events, followed logs): counted once, when it opens. */
  stream: boolean;
}

const STREAMING = /\/events$|\/logs$|\/attach$/;

/**
 * An HTTP proxy on a unix socket in front of the engine's socket that counts every request. Point a
 * client at it with DOCKER_HOST=unix://<path>. A long-lived answer (the /events stream, a followed
 * log) is one request, whatever it carries afterwards.
 */
export class CountingProxy {
  readonly requests: CountedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly path: string,
    private readonly engineSocket: string,
    private readonly holdMs: (method: string, path: string) => number,
  ) {
    this.server = createServer((req, res) => this.forward(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Hijacked connections (attach, exec with a TTY): counted, then piped both ways as they are.
    this.server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
      this.count(req, true);
      const upstream = connect(this.engineSocket, () => {
        upstream.write(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n${headerLines(req)}\r\n`);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  /**
   * `holdMs`: how long to hold a request before passing it on (0: not at all). Only the first-frame
   * bench's self-check uses it, to make Porthole's engine slower and show that its verdict turns red.
   */
  static async listen(
    path: string,
    engineSocket = '/var/run/docker.sock',
    holdMs: (method: string, path: string) => number = () => 0,
  ): Promise<CountingProxy> {
    await rm(path, { force: true });
    const proxy = new CountingProxy(path, engineSocket, holdMs);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(path, () => resolve());
    });
    return proxy;
  }

  get host(): string {
    return `unix://${this.path}`;
  }

  /** Requests that started at or after `since` (ms since the epoch). */
  since(since: number): CountedRequest[] {
    return this.requests.filter((r) => r.at >= since);
  }

  private count(req: IncomingMessage, stream: boolean): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ at: Date.now(), method: req.method ?? 'GET', path, stream });
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const follows = /[?&]follow=(1|true)/.test(req.url ?? '');
    this.count(req, STREAMING.test(path) && (path.endsWith('/events') || follows));
    const hold = this.holdMs(req.method ?? 'GET', path);
    if (hold > 0) {
      req.pause();
      setTimeout(() => this.pass(req, res), hold);
      return;
    }
    this.pass(req, res);
  }

  private pass(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request(
      { socketPath: this.engineSocket, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // The engine sends the head of a stream (/events) at once; so must the proxy, before any body.
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `counting proxy: ${err.message}` }));
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.path, { force: true });
  }
}

function headerLines(req: IncomingMessage): string {
  let out = '';
  for (let i = 0; i < req.rawHeaders.length; i += 2) out += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return out;
}
