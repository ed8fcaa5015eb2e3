import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CallResult } from '../../../app/api';
import { PortholeError, serverMessageSchema } from '../../../app/api';
import type { Backend, BackendListener } from '../../../app/core/backend-types';
import { startWebHost, type WebHost } from '../../../app/web/server';
import { connectWebApi } from './web-client';

describe('server messages', () => {
  it('parse successful and failed results and events', () => {
    expect(serverMessageSchema.safeParse({ t: 'result', id: 1, ok: true, value: [] }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ t: 'result', id: 1, ok: false, error: { code: 'NOT_FOUND', message: 'x' } }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ t: 'event', event: 'machineRemoved', payload: { id: 'a' } }).success).toBe(true);
    expect(serverMessageSchema.safeParse({ t: 'result', id: 1, ok: false }).success).toBe(false);
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
    async dispose() {},
  };

  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'porthole-client-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    host = await startWebHost({ backend, rendererDir: root });
    const origin = `http://127.0.0.1:${host.port}`;
    // The browser sends its Origin; so does this stand-in for the browser's WebSocket.
    globalThis.WebSocket = class extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { Origin: origin } });
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
});
