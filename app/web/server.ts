import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientMessageSchema, type ServerMessage } from '../api';
import type { Backend } from '../core/backend-types';
import { serveStatic } from './static';

export interface WebHostOptions {
  backend: Backend;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 = a free port. The host is always 127.0.0.1. */
  port?: number;
  token?: string;
}

export interface WebHost {
  /** The URL to open, with the token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const API_PATH = '/api';

/**
 * The web host: the built renderer over HTTP and the contract over one WebSocket, on loopback only.
 * Every WebSocket must carry the random token and come from this host's own origin.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const server = createServer((req, res) => {
    void serveStatic(options.rendererDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  server.on('upgrade', (req, socket, head) => {
    const verdict = admit(req, token, origin);
    if (verdict !== 'ok') {
      socket.write(`HTTP/1.1 ${verdict} \r\nConnection: close\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, options.backend));
  });

  return {
    url: `${origin}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function admit(req: IncomingMessage, token: string, origin: string): 'ok' | '401 Unauthorized' | '403 Forbidden' | '404 Not Found' {
  const url = new URL(req.url ?? '/', origin);
  if (url.pathname !== API_PATH) return '404 Not Found';
  if (req.headers.origin !== origin && req.headers.origin !== origin.replace('127.0.0.1', 'localhost')) {
    return '403 Forbidden';
  }
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized';
  return 'ok';
}

function serveConnection(ws: WebSocket, backend: Backend): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = backend.subscribe(({ event, payload }) => send({ t: 'event', event, payload }));
  ws.on('close', unsubscribe);
  ws.on('message', (data) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return;
    }
    const message = clientMessageSchema.safeParse(parsed);
    if (!message.success) return;
    const { id, action, request } = message.data;
    void backend.invoke(action, request).then((result) => {
      if (result.ok) send({ t: 'result', id, ok: true, value: result.value });
      else send({ t: 'result', id, ok: false, error: result.error });
    });
  });
}
