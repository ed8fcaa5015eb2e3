import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StuckEngine } from '../testing/stuck-engine';
import { EngineClient } from './client';
import { EngineConnection } from './connection';
import { deadlineOf, PULL_FIRST_BYTE_MS, STOP_MARGIN_MS } from './deadlines';

// Failure injection: engines that accept a connection and then say nothing (or only their headers).

const DEADLINE_MS = 300;

const silentEngine = (path: string): Promise<StuckEngine> => StuckEngine.listen(path);

describe('every engine call has a deadline', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-deadline-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an engine that accepts and never answers: each call fails within its deadline, naming the engine, and lets the connection go', async () => {
    const engine = await silentEngine(join(dir, 'silent.sock'));
    try {
      const client = new EngineClient(
        { socketPath: join(dir, 'silent.sock'), label: 'unix:///silent.sock', kind: 'docker' },
        { deadlineMs: DEADLINE_MS },
      );
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['ping', () => client.ping()],
        ['listMachines', () => client.listMachines('x')],
        ['inspect', () => client.inspect('abc')],
        [
          'imageExists (an image inspect: dockerode gives it no abort signal)',
          () => client.imageExists('busybox:latest'),
        ],
        ['logs', () => client.logs('abc', 10)],
        [
          'events (a stream: its first byte)',
          () =>
            client.events(
              () => undefined,
              () => undefined,
            ),
        ],
        [
          'followTail (a stream)',
          () =>
            client.followTail(
              'abc',
              { tail: 1 },
              () => undefined,
              () => undefined,
            ),
        ],
        ['stats (a stream, on the raw dockerode)', () => client.docker.getContainer('abc').stats({ stream: true })],
      ];
      for (const [name, call] of calls) {
        const started = Date.now();
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        const took = Date.now() - started;
        expect(err, name).toMatchObject({
          code: name.startsWith('stats') ? 'ENGINE_DEADLINE' : 'ENGINE_UNAVAILABLE',
          message: 'The container engine at unix:///silent.sock did not answer within 0.3 s.',
        });
        expect(took, name).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
        expect(took, name).toBeLessThan(DEADLINE_MS + 1500);
      }
      // The requests that passed their deadline were destroyed: nothing is left holding the engine.
      await expect.poll(() => engine.open, { timeout: 2000 }).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('a stream whose headers came in time stays open past the deadline (the deadline is for its first byte only)', async () => {
    let respond: ((chunk: string) => void) | undefined;
    const server: HttpServer = createHttpServer((req, res) => {
      if (req.url?.startsWith('/events')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        respond = (chunk) => res.write(chunk);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'quiet.sock'), resolve));
    try {
      const client = new EngineClient(
        { socketPath: join(dir, 'quiet.sock'), label: 'unix:///quiet.sock', kind: 'docker' },
        { deadlineMs: DEADLINE_MS },
      );
      const seen: string[] = [];
      let ended = false;
      const stop = await client.events(
        (e) => seen.push(e.action),
        () => (ended = true),
      );
      await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS * 3));
      expect(ended).toBe(false);
      respond!(
        JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'c1', Attributes: {} }, time: 1 }) + '\n',
      );
      await expect.poll(() => seen).toEqual(['start']);
      stop();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the connection says the engine did not answer, by its address, within the deadline', async () => {
    const engine = await silentEngine(join(dir, 'silent.sock'));
    const statuses: string[] = [];
    const connection = new EngineConnection(
      { socketPath: join(dir, 'silent.sock'), label: 'unix:///silent.sock', kind: 'docker' },
      { onEvent: () => undefined, onConnected: async () => undefined, onStatus: (s) => statuses.push(s.message ?? '') },
      { deadlineMs: DEADLINE_MS },
    );
    try {
      const started = Date.now();
      await connection.start();
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1500);
      expect(connection.status).toMatchObject({ connected: false });
      expect(statuses).toEqual([
        'The container engine at unix:///silent.sock did not answer within 0.3 s. Porthole reconnects when it returns.',
      ]);
    } finally {
      connection.dispose();
      await engine.close();
    }
  });

  it('a stop waits for its stop timeout plus a margin; a wait has none (its caller bounds it); a pull gives the registry time', () => {
    expect(deadlineOf({ path: '/containers/abc/stop?', options: { t: 120 } }, 10_000)).toBe(120_000 + STOP_MARGIN_MS);
    expect(deadlineOf({ path: '/containers/abc/stop?', options: { t: 0 } }, 10_000)).toBe(STOP_MARGIN_MS);
    expect(deadlineOf({ path: '/containers/abc/restart?', options: {} }, 10_000)).toBe(120_000 + STOP_MARGIN_MS);
    expect(deadlineOf({ path: '/containers/abc/wait?', options: {} }, 10_000)).toBeUndefined();
    expect(deadlineOf({ path: '/images/create?', options: { fromImage: 'x' }, isStream: true }, 10_000)).toBe(
      PULL_FIRST_BYTE_MS,
    );
    expect(deadlineOf({ path: '/containers/json?', options: {} }, 10_000)).toBe(10_000);
    expect(deadlineOf({ path: '/events?', options: {}, isStream: true }, 10_000)).toBe(10_000);
  });

  it('an archive upload has none (the ISO copy bounds it by size and by progress); reading an archive keeps one', () => {
    expect(deadlineOf({ path: '/containers/abc/archive?', method: 'PUT', options: {} }, 10_000)).toBeUndefined();
    expect(deadlineOf({ path: '/containers/abc/archive?', method: 'GET', options: {} }, 10_000)).toBe(10_000);
  });
});
