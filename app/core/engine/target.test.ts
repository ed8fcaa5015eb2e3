import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerodeOptions, targetFromEndpoint, targetFromEnv } from './target';
import { contextTlsDir, hostHeader } from './tls';
import { createBackend } from '../backend';

describe('engine targets over TLS', () => {
  let certs: string;
  beforeEach(async () => {
    certs = await mkdtemp(join(tmpdir(), 'porthole-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(certs, f), `${f} text`);
  });
  afterEach(async () => {
    await rm(certs, { recursive: true, force: true });
  });

  it('DOCKER_TLS_VERIFY makes tcp:// https with DOCKER_CERT_PATH’s certificates (it was plain http, without them)', () => {
    const target = targetFromEnv({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    expect(target).toMatchObject({
      host: 'box',
      port: 2376,
      protocol: 'https',
      tls: { ca: 'ca.pem text', cert: 'cert.pem text', key: 'key.pem text' },
    });
    expect(target.unusable).toBeUndefined();
    expect(dockerodeOptions(target)).toMatchObject({
      host: 'box',
      port: 2376,
      protocol: 'https',
      ca: 'ca.pem text',
      cert: 'cert.pem text',
      key: 'key.pem text',
    });
  });

  it('port 2376 alone means TLS, and certificates default to the Docker configuration folder', () => {
    const target = targetFromEnv({ DOCKER_HOST: 'tcp://box:2376', DOCKER_CONFIG: certs });
    expect(target).toMatchObject({ protocol: 'https', tls: { ca: 'ca.pem text' } });
  });

  it('missing certificates make the target unusable, naming the file, never plain http', async () => {
    await rm(join(certs, 'key.pem'));
    const target = targetFromEnv({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    expect(target.protocol).toBe('https');
    expect(target.unusable).toContain(join(certs, 'key.pem'));
    expect(target.unusable).toContain('ENOENT');
  });

  it('plain tcp:// without TLS settings stays http', () => {
    expect(targetFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5' })).toMatchObject({ protocol: 'http', port: 2375 });
    expect(targetFromEnv({ DOCKER_HOST: 'tcp://10.0.0.5' }).tls).toBeUndefined();
  });

  it('a probed https endpoint (a context) reads its own certificate folder', () => {
    const target = targetFromEndpoint({
      label: 'tcp://h:2376',
      kind: 'docker',
      host: 'h',
      port: 2376,
      protocol: 'https',
      tlsCertDir: certs,
    });
    expect(target.tls?.cert).toBe('cert.pem text');
  });

  it('a context’s TLS folder is contexts/tls/<sha256 of the name>/docker, as the docker command keeps it', () => {
    expect(contextTlsDir('/c', 'remote')).toBe(
      '/c/contexts/tls/b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/docker',
    );
  });

  it('the Host header names the real engine host (Node takes the TLS name from it)', () => {
    expect(hostHeader({ host: '192.0.2.7', port: 2376 })).toBe('192.0.2.7:2376');
    expect(hostHeader({ host: '::1', port: 2376 })).toBe('[::1]:2376');
    expect(hostHeader({ socketPath: '/run/docker.sock' })).toBe('localhost');
  });
});

describe('the client reaches only the engine Porthole chose', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('a socket target is not overridden by this process’s DOCKER_HOST (docker-modem’s own defaults)', () => {
    process.env.DOCKER_HOST = 'tcp://elsewhere.example:2375';
    const docker = new Docker(
      dockerodeOptions({ socketPath: '/run/chosen.sock', label: 'unix:///run/chosen.sock', kind: 'docker' }),
    );
    const modem = docker.modem as unknown as { host?: string; socketPath?: string };
    expect(modem.host).toBeUndefined();
    expect(modem.socketPath).toBe('/run/chosen.sock');
  });
});

describe('an engine address with a password in it', () => {
  const secret = 'hunter2-s3cret';
  for (const host of [`ssh://ada:${secret}@box`, `tcp://ada:${secret}@box:2375`, `foo://ada:${secret}@box`]) {
    it(`${host.split(':')[0]}: never shows the password, in the target, the engine status or the check report`, async () => {
      const env = { ...process.env, DOCKER_HOST: host, HOME: tmpdir() };
      expect(JSON.stringify(targetFromEnv(env))).not.toContain(secret);
      const dir = await mkdtemp(join(tmpdir(), 'porthole-redact-'));
      const backend = await createBackend({
        configDir: join(dir, 'config'),
        dataDir: join(dir, 'data'),
        env,
        watch: false,
      });
      try {
        for (const action of ['engineStatus', 'checkHost', 'listMachines'] as const) {
          expect(JSON.stringify(await backend.invoke(action, {}))).not.toContain(secret);
        }
        expect(JSON.stringify(await backend.invoke('startMachine', { id: 'nope' }))).not.toContain(secret);
      } finally {
        await backend.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
