import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CallResult } from '../api';
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
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'call', id: 'x' }));
    await expect.poll(() => messages.length).toBe(2);
    backend.push({ event: 'machineRemoved', payload: { id: 'gone' } });
    await expect.poll(() => messages.length).toBe(3);
    expect(messages).toContainEqual({ t: 'result', id: 1, ok: true, value: [] });
    expect(messages).toContainEqual({ t: 'result', id: 2, ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Unknown action "dropTables".' } });
    expect(messages[2]).toEqual({ t: 'event', event: 'machineRemoved', payload: { id: 'gone' } });
    ws.close();
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
