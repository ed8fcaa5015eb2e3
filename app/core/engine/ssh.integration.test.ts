import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { checkHost } from '../host/check';
import { resolveEngineEndpoint } from '../host/engine-probe';
import { Harness } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { remoteLifecyclePass } from '../testing/remote-lifecycle';
import { TestSshd } from '../testing/test-sshd';

const image = inject('standinImage');

/**
 * DOCKER_HOST=ssh://user@host:port, for real: the test's own sshd on 127.0.0.1 (generated keys, a
 * pinned host key) in front of a private dockerd. Before, ssh:// was refused as "not supported yet".
 */
describe('an engine over ssh (test sshd in front of a private dockerd)', () => {
  let engine: PrivateEngine;
  let sshd: TestSshd;
  let h: Harness | undefined;
  let machine: MachineView | undefined;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image });
    sshd = await TestSshd.start(engine.host);
  });
  afterAll(async () => {
    if (h) {
      if (machine)
        await engine.docker('rm', '-f', ...(await h.containersOf(machine.id).catch(() => []))).catch(() => undefined);
      await h.shutdown();
    }
    await sshd?.dispose();
    await engine?.dispose();
  });

  it('the host probe reaches the engine through ssh dial-stdio', async () => {
    const found = await resolveEngineEndpoint({ env: sshd.env() });
    expect(found).toMatchObject({
      kind: 'docker',
      label: sshd.env().DOCKER_HOST,
      ssh: { host: '127.0.0.1', port: sshd.port },
    });
  });

  it('porthole check names it remote-ssh and checks KVM on the engine computer', async () => {
    // ssh's handshake on a loaded machine can outlast the default 2 s per engine request.
    const report = await checkHost({ env: sshd.env(), probeImages: () => [image], timeoutMs: 15_000 });
    expect(report.facts.engine).toMatchObject({ kind: 'docker', flavor: 'remote-ssh' });
    expect(report.facts).toMatchObject({ kvmCheckedOn: 'engine-host', engineHost: '127.0.0.1' });
    expect(report.checks.find((c) => c.id === 'kvm')?.found).toMatch(/^On 127\.0\.0\.1 \(the engine's computer/);
  });

  it('a refused key is the error, not another engine', async () => {
    const bare = await Harness.create({ ...sshd.env(), PORTHOLE_SSH_CONFIG: '/dev/null' });
    try {
      const status = await bare.call('engineStatus', {});
      expect(status).toMatchObject({ connected: false, endpoint: sshd.env().DOCKER_HOST });
      // No key offered and no known host: ssh's own words reach the user.
      expect(status.message).toMatch(/ssh to 127\.0\.0\.1: .*(Permission denied|Host key verification failed)/);
    } finally {
      await bare.shutdown();
    }
  });

  it('DOCKER_HOST=ssh://: create, start to a live screen, graceful stop, start again on the same container', async () => {
    h = await Harness.create(sshd.env());
    await h.waitForEngine(true, 30_000);
    machine = await remoteLifecyclePass(h, engine, { image, name: 'Ssh', over: 'ssh' });
  });
});
