import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  CLOSE_INVALID_DATA,
  CLOSE_TOO_BIG,
  clientMessageSchema,
  describeZodError,
  MAX_CLIENT_FRAME_BYTES,
  streamMessageSchema,
  toEnvelope,
  type ErrorEnvelope,
  type ServerMessage,
  type StreamMessage,
} from '../api';
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
  const wss = new WebSocketServer<typeof HostSocket>({
    noServer: true,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    WebSocket: HostSocket,
  });
  // The server emits 'error' only for its own listening socket, which it does not have (noServer); a listener all the same.
  wss.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After listening, an error on the server (e.g. out of file descriptors on accept) is reported, not fatal.
  server.on('error', (err) => console.error(`Porthole web host: ${err.message}`));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  server.on('upgrade', (req, socket, head) => {
    // A peer that resets the connection mid-handshake must not become an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const verdict = admit(req, token, origin);
    if (verdict !== 'ok') {
      socket.end(`HTTP/1.1 ${verdict} \r\nConnection: close\r\n\r\n`);
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
      // Every connection goes now, busy ones too: server.close() alone waits for a browser's open requests.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function admit(
  req: IncomingMessage,
  token: string,
  origin: string,
): 'ok' | '400 Bad Request' | '401 Unauthorized' | '403 Forbidden' | '404 Not Found' {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', origin);
  } catch {
    return '400 Bad Request';
  }
  if (url.pathname !== API_PATH) return '404 Not Found';
  if (req.headers.origin !== origin && req.headers.origin !== origin.replace('127.0.0.1', 'localhost')) {
    return '403 Forbidden';
  }
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized';
  return 'ok';
}

/** Why the host closes a connection, for the close codes ws uses when a frame breaks the rules. */
const CLOSE_REASONS: Record<number, string> = {
  [CLOSE_INVALID_DATA]: 'A text frame was not valid UTF-8.',
  [CLOSE_TOO_BIG]: `A message was larger than ${MAX_CLIENT_FRAME_BYTES} bytes.`,
  1002: 'A frame broke the WebSocket protocol.',
};

/**
 * ws closes a connection with the status code alone when a frame breaks its rules (invalid UTF-8:
 * 1007, over maxPayload: 1009); this socket adds the reason, so the other side can say what happened.
 */
class HostSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    const reason = data ?? (code === undefined ? undefined : CLOSE_REASONS[code]);
    super.close(code, reason);
  }
}

function serveConnection(ws: WebSocket, backend: Backend): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      if (message.t !== 'result') return;
      text = JSON.stringify({ t: 'result', id: message.id, ok: false, error: toEnvelope(err) } satisfies ServerMessage);
    }
    // A send that fails means the connection is going away; its close ends everything.
    ws.send(text, () => undefined);
  };
  const refuse = (id: number | null, error: ErrorEnvelope): void => send({ t: 'protocolError', id, error });
  const unsubscribe = backend.subscribe(({ event, payload }) => send({ t: 'event', event, payload }));
  const streams = new ConnectionStreams(backend, send);
  ws.on('close', () => {
    unsubscribe();
    // A page that goes (closed, reloaded, lost) stops what it was following.
    streams.closeAll();
  });
  // Invalid UTF-8 or an oversized frame: ws closes the connection (1007, 1009, with the reason above)
  // and reports it here. Without a listener it would be an uncaught 'error' that ends the process.
  ws.on('error', () => undefined);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      refuse(null, { code: 'INVALID_ARGUMENT', message: 'Porthole takes calls as JSON text frames, not binary ones.' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawText(data));
    } catch (err) {
      refuse(null, {
        code: 'INVALID_ARGUMENT',
        message: `The message is not JSON (${err instanceof Error ? err.message : String(err)}).`,
      });
      return;
    }
    const stream = streamMessageSchema.safeParse(parsed);
    if (stream.success) {
      streams.handle(stream.data);
      return;
    }
    const message = clientMessageSchema.safeParse(parsed);
    if (!message.success) {
      refuse(readableId(parsed), {
        code: 'INVALID_ARGUMENT',
        message: `The message is not a call: ${describeZodError(message.error)}. A call is {"t":"call","id":<number>,"action":<name>,"request":{…}}.`,
      });
      return;
    }
    const { id, action, request } = message.data;
    void backend
      .invoke(action, request)
      .catch((err: unknown) => ({ ok: false as const, error: toEnvelope(err) }))
      .then((result) => {
        if (result.ok) send({ t: 'result', id, ok: true, value: result.value });
        else send({ t: 'result', id, ok: false, error: result.error });
      });
  });
}

/** One connection's open streams, by the id the page gave each. */
class ConnectionStreams {
  private readonly open = new Map<number, (() => void) | null>();
  constructor(
    private readonly backend: Backend,
    private readonly send: (message: ServerMessage) => void,
  ) {}

  handle(message: StreamMessage): void {
    if (message.t === 'close') {
      const close = this.open.get(message.sid);
      this.open.delete(message.sid);
      close?.();
      return;
    }
    const { sid } = message;
    if (this.open.has(sid)) {
      this.send({
        t: 'end',
        sid,
        error: { code: 'INVALID_ARGUMENT', message: `A stream with id ${sid} is already open on this connection.` },
      });
      return;
    }
    // Reserved while the backend opens it: a close that comes meanwhile is honoured once it is open.
    this.open.set(sid, null);
    void this.backend
      .openStream(message.stream, message.request, {
        item: (item) => {
          if (this.open.has(sid)) this.send({ t: 'item', sid, item });
        },
        end: (error) => {
          if (!this.open.delete(sid)) return;
          this.send(error ? { t: 'end', sid, error } : { t: 'end', sid });
        },
      })
      .then((result) => {
        if (!result.ok) {
          if (this.open.delete(sid)) this.send({ t: 'end', sid, error: result.error });
          return;
        }
        if (this.open.has(sid)) this.open.set(sid, result.close);
        else result.close();
      });
  }

  closeAll(): void {
    for (const close of this.open.values()) close?.();
    this.open.clear();
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** The id of a frame that is not a valid call, when it has one: its pending call can then fail. */
function readableId(parsed: unknown): number | null {
  if (typeof parsed !== 'object' || parsed === null || !('id' in parsed)) return null;
  const id = (parsed as { id: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}
