import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { checkHost } from '../host/check';
import { resolveEngineEndpoint } from '../host/engine-probe';
import { Harness } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { remoteLifecyclePass } from '../testing/remote-lifecycle';
import { contextTlsDir } from './tls';

const image = inject('standinImage');

/**
 * A remote engine over mutual TLS: a private dockerd listening on tcp://127.0.0.1 with a server
 * certificate for that IP only, reached with DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, and through a
 * Docker context that keeps its own certificates. Before, tcp:// was plain http without
 * certificates, the probe named "localhost" (failing the certificate's name check) and a context's
 * TLS folder was never read.
 */
describe('an engine over TLS (private dockerd with generated certificates)', () => {
  let engine: PrivateEngine;
  let h: Harness | undefined;
  let machine: MachineView | undefined;
  let configDir: string;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image, tls: true });
    configDir = await mkdtemp(join(tmpdir(), 'porthole-docker-config-'));
  });
  afterAll(async () => {
    if (h) await h.cleanup(machine ? [machine.id] : []);
    await engine?.dispose();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('the host probe reaches it and checks the certificate against the real address', async () => {
    const found = await resolveEngineEndpoint({ env: engine.tlsEnv() });
    expect(found).toMatchObject({
      kind: 'docker',
      host: '127.0.0.1',
      port: engine.tlsPort,
      protocol: 'https',
      tlsCertDir: engine.certDir,
    });
  });

  it('porthole check names it remote-tls and checks KVM and free space on the engine computer, in a probe container', async () => {
    const report = await checkHost({ env: engine.tlsEnv(), probeImages: () => [image] });
    expect(report.facts.engine).toMatchObject({
      kind: 'docker',
      flavor: 'remote-tls',
      endpoint: `tcp://127.0.0.1:${engine.tlsPort}`,
    });
    expect(report.facts).toMatchObject({ kvmCheckedOn: 'engine-host', engineHost: '127.0.0.1' });
    expect(report.checks.find((c) => c.id === 'kvm')!.found).toMatch(
      /^On 127\.0\.0\.1 \(the engine's computer, checked in a short-lived container/,
    );
    expect(report.checks.find((c) => c.id === 'disk')!.found).toMatch(/^On 127\.0\.0\.1: /);
    expect(await engine.docker('ps', '-aq')).toBe('');
  });

  it('with no machine image on the engine yet, the check says KVM was checked on this computer only, and why', async () => {
    const report = await checkHost({ env: { ...engine.tlsEnv(), PORTHOLE_DEFAULT_IMAGE: 'porthole/not-here:never' } });
    expect(report.facts.kvmCheckedOn).toBe('this-computer');
    const kvm = report.checks.find((c) => c.id === 'kvm')!;
    expect(kvm.status).toBe('warn');
    expect(kvm.found).toMatch(
      /checked KVM on this computer only, not on the engine's \(its check there did not run: none of the images/,
    );
  });

  it('without the certificates it says which file is missing and reaches no other engine', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'porthole-nocerts-'));
    const bare = await Harness.create({ ...engine.tlsEnv(), DOCKER_CERT_PATH: empty });
    try {
      const status = await bare.call('engineStatus', {});
      expect(status.connected).toBe(false);
      expect(status.endpoint).toBe(`tcp://127.0.0.1:${engine.tlsPort}`);
      expect(status.message).toContain(join(empty, 'ca.pem'));
    } finally {
      await bare.shutdown();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY: create, start to a live screen, graceful stop, start again on the same container', async () => {
    h = await Harness.create(engine.tlsEnv());
    const status = await h.waitForEngine(true, 30_000);
    expect(status.endpoint).toBe(`tcp://127.0.0.1:${engine.tlsPort}`);
    machine = await remoteLifecyclePass(h, engine, { image, name: 'Tls', over: 'TLS' });
  });

  it('a Docker context with its own TLS folder (no DOCKER_HOST) is the engine, with the context’s certificates', async () => {
    const name = 'porthole-tls-it';
    const metaDir = join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    await mkdir(metaDir, { recursive: true });
    await writeFile(
      join(metaDir, 'meta.json'),
      JSON.stringify({
        Name: name,
        Metadata: {},
        Endpoints: { docker: { Host: `tcp://127.0.0.1:${engine.tlsPort}`, SkipTLSVerify: false } },
      }),
    );
    const tlsDir = contextTlsDir(configDir, name);
    await mkdir(tlsDir, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem'])
      await copyFile(join(engine.certDir, file), join(tlsDir, file));
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ currentContext: name }));
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: configDir };
    delete env.DOCKER_HOST;
    delete env.DOCKER_TLS_VERIFY;
    delete env.DOCKER_CERT_PATH;
    delete env.DOCKER_CONTEXT;
    const viaContext = await Harness.create(env);
    try {
      const status = await viaContext.waitForEngine(true, 30_000);
      expect(status.endpoint).toBe(`tcp://127.0.0.1:${engine.tlsPort}`);
      expect(status.kind).toBe('docker');
    } finally {
      await viaContext.shutdown();
    }
  });
});
