import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { CallResult } from '@porthole/api';
import { MAX_CLIENT_FRAME_BYTES, PortholeError, serverMessageSchema, type ServerMessage } from '@porthole/api';
import type { Backend, BackendListener } from '../../../app/core/backend-types';
import { startWebHost, type WebHost } from '../../../app/web/server';
import { connectWebApi } from './web-client';

describe('server messages', () => {
  it('parse successful and failed results and events', () => {
    expect(serverMessageSchema.safeParse({ t: 'result', id: 1, ok: true, value: [] }).success).toBe(true);
    expect(
      serverMessageSchema.safeParse({ t: 'result', id: 1, ok: false, error: { code: 'NOT_FOUND', message: 'x' } })
        .success,
    ).toBe(true);
    expect(serverMessageSchema.safeParse({ t: 'event', event: 'machineRemoved', payload: { id: 'a' } }).success).toBe(
      true,
    );
    expect(serverMessageSchema.safeParse({ t: 'result', id: 1, ok: false }).success).toBe(false);
    expect(
      serverMessageSchema.safeParse({ t: 'protocolError', id: null, error: { code: 'INVALID_ARGUMENT', message: 'x' } })
        .success,
    ).toBe(true);
    expect(
      serverMessageSchema.safeParse({ t: 'protocolError', id: 3, error: { code: 'INVALID_ARGUMENT', message: 'x' } })
        .success,
    ).toBe(true);
  });
});

describe('the web client when the host refuses a frame', () => {
  let wss: WebSocketServer;
  let reply: (frame: { id: number; action: string }, ws: WebSocket) => void;

  beforeEach(async () => {
    // A stand-in host, to make it answer what the real one sends only to other clients' bad frames.
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (ws) =>
      ws.on('message', (d) => reply(JSON.parse(d.toString()) as { id: number; action: string }, ws)),
    );
    globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
  });
  afterEach(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  const url = () => `ws://127.0.0.1:${(wss.address() as { port: number }).port}/api`;

  it('rejects the pending call with the protocol error that carries its id', async () => {
    reply = ({ id }, ws) => {
      const message: ServerMessage = {
        t: 'protocolError',
        id,
        error: { code: 'INVALID_ARGUMENT', message: 'The message is not a call.' },
      };
      ws.send(JSON.stringify(message));
    };
    const api = connectWebApi(url());
    const failure = await api.listMachines({}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PortholeError);
    expect(failure).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'The message is not a call.' });
  });

  it('rejects pending calls with the reason when the host closes with 1009', async () => {
    reply = (_frame, ws) => ws.close(1009, 'A message was larger than the limit.');
    const api = connectWebApi(url());
    const failure = await api.listMachines({}).catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/larger than the limit/) as unknown as string,
    });
  });

  it('refuses to send a call larger than the host takes, and sends nothing', async () => {
    const seen: string[] = [];
    reply = ({ action }, ws) => {
      seen.push(action);
      ws.send(JSON.stringify({ t: 'result', id: 0, ok: true, value: [] }));
    };
    const api = connectWebApi(url());
    const failure = await api
      .importCompose({ yaml: '\u0001'.repeat(Math.ceil(MAX_CLIENT_FRAME_BYTES / 6)) })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/too large/) as unknown as string,
    });
    expect(seen).toEqual([]);
  });
});

describe('the web client against the real web host', () => {
  let host: WebHost;
  const listeners = new Set<BackendListener>();
  const backend: Backend = {
    handlers: {} as Backend['handlers'],
    async invoke(action): Promise<CallResult> {
      if (action === 'listMachines') return { ok: true, value: [] };
      return { ok: false, error: { code: 'NOT_FOUND', message: 'There is no machine "x".', remedy: 'Pick another.' } };
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async openStream(stream, request, sink) {
      if (stream !== 'machineLog')
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Unknown stream.' } };
      opened.push(request);
      sinks.push(sink);
      return { ok: true, close: () => void closed.push(request) };
    },
    async dispose() {},
  };
  const opened: unknown[] = [];
  const closed: unknown[] = [];
  const sinks: Array<{ item(item: unknown): void; end(error?: { code: 'NOT_FOUND'; message: string }): void }> = [];

  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'porthole-client-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    host = await startWebHost({ backend, rendererDir: root });
    const origin = `http://127.0.0.1:${host.port}`;
    // The browser sends its Origin; so does this stand-in for the browser's WebSocket.
    globalThis.WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { Origin: origin } });
        // A browser's WebSocket reports a refused reconnect as an event; Node's ws would throw it uncaught.
        this.on('error', () => undefined);
      }
    } as unknown as typeof globalThis.WebSocket;
  });
  afterEach(async () => {
    await host.close();
  });

  it('resolves results, rejects with the error code and remedy, and delivers events', async () => {
    const api = connectWebApi(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    expect(await api.listMachines({})).toEqual([]);
    const failure = await api.getMachine({ id: 'x' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PortholeError);
    expect(failure).toMatchObject({ code: 'NOT_FOUND', remedy: 'Pick another.' });
    const seen: string[] = [];
    api.subscribe('machineRemoved', ({ id }) => seen.push(id));
    for (const l of listeners) l({ event: 'machineRemoved', payload: { id: 'gone' } });
    await expect.poll(() => seen).toEqual(['gone']);
  });

  it('opens a stream, delivers its items to that page only, and closes it on the host when the page closes it', async () => {
    const api = connectWebApi(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    const items: unknown[] = [];
    const close = api.openStream('machineLog', { id: 'a', tail: 5 }, (item) => items.push(item));
    await expect.poll(() => opened.length).toBe(1);
    expect(opened[0]).toEqual({ id: 'a', tail: 5 });
    sinks[0]!.item({ kind: 'lines', lines: ['one', 'two'] });
    await expect.poll(() => items).toEqual([{ kind: 'lines', lines: ['one', 'two'] }]);
    close();
    await expect.poll(() => closed).toEqual([{ id: 'a', tail: 5 }]);
    sinks[0]!.item({ kind: 'lines', lines: ['late'] });
    await new Promise((r) => setTimeout(r, 50));
    expect(items).toHaveLength(1);
  });

  it('ends a stream with the host’s error, and closes what a page left open when its connection goes', async () => {
    const api = connectWebApi(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    const ends: unknown[] = [];
    api.openStream(
      'nope' as 'machineLog',
      { id: 'a' },
      () => undefined,
      (e) => ends.push(e),
    );
    await expect.poll(() => ends.length).toBe(1);
    expect(ends[0]).toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A page that goes without closing its stream: a bare socket opens one and disconnects.
    const before = closed.length;
    const raw = new globalThis.WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    await new Promise((r) => raw.addEventListener('open', r, { once: true }));
    raw.send(JSON.stringify({ t: 'open', sid: 1, stream: 'machineLog', request: { id: 'left-open' } }));
    await expect.poll(() => opened.at(-1)).toEqual({ id: 'left-open' });
    raw.close();
    await expect.poll(() => closed.length).toBe(before + 1);
    expect(closed.at(-1)).toEqual({ id: 'left-open' });
  });
});
