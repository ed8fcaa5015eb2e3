import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CLOSE_INVALID_DATA,
  CLOSE_TOO_BIG,
  IMPORT_YAML_MAX_CHARS,
  MAX_CLIENT_FRAME_BYTES,
  serverMessageSchema,
  type CallResult,
} from '../api';
import type { Backend, BackendListener } from '../core/backend-types';
import { startWebHost, type WebHost } from './server';

/** A backend double at the transport boundary: records calls, lets the test push events. */
function fakeBackend(): Backend & { calls: Array<[unknown, unknown]>; push: BackendListener } {
  const listeners = new Set<BackendListener>();
  const calls: Array<[unknown, unknown]> = [];
  return {
    calls,
    handlers: {} as Backend['handlers'],
    async invoke(action, request): Promise<CallResult> {
      calls.push([action, request]);
      if (action === 'listMachines') return { ok: true, value: [] };
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `Unknown action "${String(action)}".` } };
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async openStream() {
      return {
        ok: false as const,
        error: { code: 'INVALID_ARGUMENT' as const, message: 'This double has no streams.' },
      };
    },
    push: (e) => listeners.forEach((l) => l(e)),
    async dispose() {},
  };
}

describe('web host', () => {
  let host: WebHost;
  let backend: ReturnType<typeof fakeBackend>;
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-web-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Porthole</title>');
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(tmpdir(), 'porthole-secret.txt'), 'secret');
    backend = fakeBackend();
    host = await startWebHost({ backend, rendererDir: root });
  });
  afterEach(async () => {
    await host.close();
  });

  const origin = () => `http://127.0.0.1:${host.port}`;
  const connect = (path: string, headers: Record<string, string> = { Origin: origin() }) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))));
      ws.once('error', reject);
    });

  it('closes at once, even while a client holds a connection mid-request (a browser left open: Ctrl+C ends it)', async () => {
    const { connect: tcp } = await import('node:net');
    const socket = tcp(host.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // Headers begun, never ended: the connection is busy, not idle, so a plain server.close() waits for it.
    socket.write('GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = host.close().then(() => 'closed' as const);
    const late = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 2_000));
    expect(await Promise.race([closed, late])).toBe('closed');
    socket.destroy();
  });

  it('listens on loopback only and prints a URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32,}$/);
  });

  it('refuses a websocket without the token, with a wrong one, from another origin, or on another path', async () => {
    await expect(connect('/api')).rejects.toThrow('401');
    await expect(connect('/api?token=wrong')).rejects.toThrow('401');
    await expect(connect(`/api?token=${host.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('403');
    await expect(connect(`/api?token=${host.token}`, {})).rejects.toThrow('403');
    await expect(connect(`/other?token=${host.token}`)).rejects.toThrow('404');
    expect(backend.calls).toEqual([]);
  });

  it('relays calls and results, errors as envelopes, and pushes events', async () => {
    const ws = await connect(`/api?token=${host.token}`);
    const messages: unknown[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    ws.send(JSON.stringify({ t: 'call', id: 1, action: 'listMachines', request: {} }));
    ws.send(JSON.stringify({ t: 'call', id: 2, action: 'dropTables', request: {} }));
    await expect.poll(() => messages.length).toBe(2);
    backend.push({ event: 'machineRemoved', payload: { id: 'gone' } });
    await expect.poll(() => messages.length).toBe(3);
    expect(messages).toContainEqual({ t: 'result', id: 1, ok: true, value: [] });
    expect(messages).toContainEqual({
      t: 'result',
      id: 2,
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'Unknown action "dropTables".' },
    });
    expect(messages[2]).toEqual({ t: 'event', event: 'machineRemoved', payload: { id: 'gone' } });
    ws.close();
  });

  /** Sends frames and collects what comes back until `count` messages arrived (or the socket closed). */
  const exchange = async (ws: WebSocket, send: () => void, count: number): Promise<unknown[]> => {
    const messages: unknown[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    send();
    await expect.poll(() => messages.length).toBe(count);
    return messages;
  };
  const closed = (ws: WebSocket) =>
    new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  const stillServes = async (): Promise<void> => {
    const ws = await connect(`/api?token=${host.token}`);
    const [answer] = await exchange(
      ws,
      () => ws.send(JSON.stringify({ t: 'call', id: 7, action: 'listMachines', request: {} })),
      1,
    );
    expect(answer).toEqual({ t: 'result', id: 7, ok: true, value: [] });
    ws.close();
  };

  it('answers frames that are not calls with a protocol error, carrying the id when it can be read', async () => {
    const ws = await connect(`/api?token=${host.token}`);
    const messages = await exchange(
      ws,
      () => {
        ws.send('not json');
        ws.send(JSON.stringify({ t: 'call', id: 'x' }));
        ws.send(JSON.stringify({ t: 'call', id: 5, request: {} }));
        ws.send(JSON.stringify([1, 2]));
        ws.send(Buffer.from('{"t":"call","id":6,"action":"listMachines","request":{}}'), { binary: true });
      },
      5,
    );
    expect(messages.map((m) => (m as { t: string; id: unknown }).t)).toEqual(Array(5).fill('protocolError'));
    expect(messages.map((m) => (m as { id: unknown }).id)).toEqual([null, null, 5, null, null]);
    for (const m of messages)
      expect(serverMessageSchema.parse(m)).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    expect((messages[0] as { error: { message: string } }).error.message).toMatch(/not JSON/);
    expect((messages[2] as { error: { message: string } }).error.message).toMatch(/action/);
    expect(backend.calls).toEqual([]);
    ws.close();
  });

  it('closes a connection that sends invalid UTF-8 with 1007 and a reason, and stays up', async () => {
    const ws = await connect(`/api?token=${host.token}`);
    const close = closed(ws);
    ws.on('error', () => undefined);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await close).toEqual({
      code: CLOSE_INVALID_DATA,
      reason: expect.stringMatching(/UTF-8/) as unknown as string,
    });
    await stillServes();
  });

  it('closes a connection that sends a frame over the limit with 1009 and a reason, and stays up', async () => {
    const ws = await connect(`/api?token=${host.token}`);
    const close = closed(ws);
    ws.on('error', () => undefined);
    ws.send('x'.repeat(MAX_CLIENT_FRAME_BYTES + 1));
    expect(await close).toEqual({
      code: CLOSE_TOO_BIG,
      reason: expect.stringMatching(/larger than/) as unknown as string,
    });
    await stillServes();
  });

  it('takes the largest legitimate call: 1,000,000 characters of YAML, each escaped to 6 bytes', async () => {
    const frame = JSON.stringify({
      t: 'call',
      id: 99_999_999,
      action: 'importCompose',
      request: { yaml: '\u0001'.repeat(IMPORT_YAML_MAX_CHARS) },
    });
    expect(Buffer.byteLength(frame)).toBeGreaterThan(6_000_000);
    expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_CLIENT_FRAME_BYTES);
    const ws = await connect(`/api?token=${host.token}`);
    const [answer] = await exchange(ws, () => ws.send(frame), 1);
    expect(answer).toMatchObject({ t: 'result', id: 99_999_999, ok: false });
    expect(backend.calls.map(([action]) => action)).toEqual(['importCompose']);
    ws.close();
  });

  it('answers a call whose handler throws, instead of leaving it unanswered', async () => {
    backend.invoke = () => Promise.reject(new Error('boom'));
    const ws = await connect(`/api?token=${host.token}`);
    const [answer] = await exchange(
      ws,
      () => ws.send(JSON.stringify({ t: 'call', id: 3, action: 'listMachines', request: {} })),
      1,
    );
    expect(answer).toEqual({ t: 'result', id: 3, ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    ws.close();
  });

  it('answers a malformed upgrade request with 400 and stays up', async () => {
    const { connect: rawConnect } = await import('node:net');
    const socket = rawConnect(host.port, '127.0.0.1');
    const reply = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.write(
        'GET http://[::1/api HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  it('serves the renderer with a strict CSP, index.html for routes, and nothing outside its folder', async () => {
    const res = await fetch(`${origin()}/assets/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' ws://127.0.0.1:*");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const route = await fetch(`${origin()}/machine/x`);
    expect(await route.text()).toContain('<title>Porthole</title>');
    for (const path of ['/../porthole-secret.txt', '/%2e%2e/porthole-secret.txt', '/..%2fporthole-secret.txt']) {
      const r = await fetch(`${origin()}${path}`);
      expect(await r.text()).not.toContain('secret');
    }
    expect((await fetch(`${origin()}/`, { method: 'POST' })).status).toBe(405);
  });
});
