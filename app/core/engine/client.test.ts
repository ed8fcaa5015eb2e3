import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../api';
import { EngineClient, targetFromEnv } from './client';
import { EngineConnection } from './connection';
import { displayAddress } from './docker-host';

/** An HTTP server that records what reaches it and answers with `answer`. */
async function recorder(
  listen: (server: Server) => Promise<void>,
  answer: (req: IncomingMessage) => [number, Record<string, string>, string],
) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const [status, headers, body] = answer(req);
    res.writeHead(status, headers).end(body);
  });
  await listen(server);
  return { server, seen };
}

describe('the engine client refuses what could leave the engine API', () => {
  let dir: string;
  let engine: Awaited<ReturnType<typeof recorder>>;
  let elsewhere: Awaited<ReturnType<typeof recorder>>;
  let client: EngineClient;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-engine-'));
    // Some other service on loopback that an engine request must never reach.
    elsewhere = await recorder(
      (s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve())),
      () => [200, { 'content-type': 'application/json' }, '{"Id":"stolen"}'],
    );
    const port = (elsewhere.server.address() as AddressInfo).port;
    // A stand-in engine (failure injection: a real engine never redirects) that sends every request elsewhere.
    engine = await recorder(
      (s) => new Promise((resolve) => s.listen(join(dir, 'engine.sock'), () => resolve())),
      () => [301, { location: `http://127.0.0.1:${port}/x` }, ''],
    );
    client = new EngineClient({ socketPath: join(dir, 'engine.sock'), label: 'unix://test', kind: 'docker' });
  });
  afterEach(async () => {
    engine.server.close();
    elsewhere.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a container id that is not an id or a name, before any request', async () => {
    const port = (elsewhere.server.address() as AddressInfo).port;
    for (const id of [`../../../127.0.0.1:${port}/x`, '../../images/x', 'a/b', 'a b', '']) {
      for (const op of [
        () => client.inspect(id),
        () => client.start(id),
        () => client.remove(id),
        () => client.logs(id, 1),
      ]) {
        const err = await op().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, id).toBeInstanceOf(PortholeError);
        expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' });
      }
    }
    for (const ref of ['../../containers/x', 'a b', 'Upper/Case']) {
      await expect(client.imageExists(ref)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(client.pull(ref, () => undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(engine.seen).toEqual([]);
    expect(elsewhere.seen).toEqual([]);
  });

  it('does not follow a redirect from the engine', async () => {
    const err = await client.inspect('windows').then(
      () => null,
      (e: unknown) => e,
    );
    expect(engine.seen).toEqual(['GET /containers/windows/json']);
    expect(elsewhere.seen).toEqual([]);
    expect(err).toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringMatching(/redirect/) as unknown as string,
    });
  });
});

describe('DOCKER_HOST', () => {
  it('reads unix, tcp, http and https addresses', () => {
    expect(targetFromEnv({ DOCKER_HOST: 'unix:///srv/e.sock' })).toMatchObject({
      socketPath: '/srv/e.sock',
      label: 'unix:///srv/e.sock',
    });
    expect(targetFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5' })).toMatchObject({
      host: '10.0.0.5',
      port: 2375,
      protocol: 'http',
    });
    expect(targetFromEnv({ DOCKER_HOST: 'https://box:2376' })).toMatchObject({
      host: 'box',
      port: 2376,
      protocol: 'https',
    });
    expect(targetFromEnv({})).toMatchObject({ socketPath: '/var/run/docker.sock' });
    expect(targetFromEnv({ DOCKER_HOST: 'ssh://me@box:2222', PORTHOLE_SSH_CONFIG: '/etc/p.conf' })).toMatchObject({
      ssh: { host: 'box', port: 2222, user: 'me', configFile: '/etc/p.conf' },
      label: 'ssh://me@box:2222',
    });
    expect(targetFromEnv({ DOCKER_HOST: 'ssh://box' }).ssh).toEqual({ host: 'box' });
  });

  it('never falls back to the default socket for a value it cannot use, and says why', () => {
    const cases: Record<string, RegExp> = {
      'foo://x': /not an engine address Porthole can use/,
      'npipe:////./pipe/docker_engine': /Windows named pipe/,
      'ssh://me@box/var/run/docker.sock': /has a path/,
      'ssh://me:secret@box': /holds a password \(not repeated here\)/,
      'tcp://[': /not a valid address/,
      'unix://': /names no socket/,
    };
    for (const [value, reason] of Object.entries(cases)) {
      const target = targetFromEnv({ DOCKER_HOST: value });
      expect(target.socketPath, value).toBeUndefined();
      expect(target.host, value).toBeUndefined();
      expect(target.label).toBe(displayAddress(value));
      expect(target.unusable, value).toMatch(/^DOCKER_HOST is not usable: /);
      expect(target.unusable, value).toMatch(reason);
      expect(target.unusable, value).not.toContain('secret');
    }
  });

  it('gives an engine status that says the value is not usable, without retrying', async () => {
    const statuses: string[] = [];
    const connection = new EngineConnection(targetFromEnv({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }), {
      onEvent: () => undefined,
      onConnected: async () => undefined,
      onStatus: (s) => statuses.push(`${String(s.connected)} ${s.endpoint} ${s.message ?? ''}`),
    });
    await connection.start();
    expect(connection.status).toMatchObject({ connected: false, endpoint: 'npipe:////./pipe/docker_engine' });
    expect(connection.status.message).toMatch(/DOCKER_HOST is not usable: .*Windows named pipe/);
    expect(statuses).toHaveLength(1);
    await expect(connection.client.ping()).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    connection.dispose();
  });
});
