import { statfs } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerAt } from '../testing/processes';
import { TestSshd } from '../testing/test-sshd';
import { checkHost } from './check';
import { PROBE_LABEL } from './engine-host-probe';

const image = inject('standinImage');
const SHARED = 'unix:///var/run/docker.sock';
const docker = dockerAt(SHARED);

/**
 * A remote engine's KVM and free space are read on its computer, in a short-lived container: here
 * the test sshd in front of the shared engine (the "far" computer is this one, so the answer can be
 * compared with what this computer says directly).
 */
describe('the KVM and disk probe on an ssh engine computer', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await TestSshd.start(SHARED);
  });
  afterAll(async () => {
    await sshd?.dispose();
  });

  it('porthole check: KVM and disk checked on the engine computer, the probe container gone afterwards', async () => {
    const storageDir = '/var/lib/porthole-probe-test/does/not/exist';
    const before = Date.now();
    const report = await checkHost({ env: sshd.env(), storageDir, probeImages: () => [image] });
    const elapsed = Date.now() - before;
    expect(report.facts.engine).toMatchObject({ flavor: 'remote-ssh' });
    expect(report.facts).toMatchObject({ kvmCheckedOn: 'engine-host', engineHost: '127.0.0.1' });
    const kvm = report.checks.find((c) => c.id === 'kvm')!;
    expect(kvm.found).toMatch(
      new RegExp(
        `^On 127\\.0\\.0\\.1 \\(the engine's computer, checked in a short-lived container of ${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`,
      ),
    );
    // The shared engine's computer has /dev/kvm and the engine (root) passes it: it opens in the container.
    expect(report.facts.kvmUsable).toBe(true);
    expect(kvm.found).toMatch(/\/dev\/kvm opens read-write/);
    // The far folder does not exist: measured on its nearest existing folder there (/var/lib), as df sees it.
    const disk = report.checks.find((c) => c.id === 'disk')!;
    expect(disk.found).toMatch(
      /^On 127\.0\.0\.1: .* free at \/var\/lib\/porthole-probe-test\/does\/not\/exist \(measured on \/var\/lib, which exists\)/,
    );
    const here = await statfs('/var/lib');
    const hereFree = here.bavail * here.bsize;
    expect(Math.abs((report.facts.freeDiskBytes ?? 0) - hereFree)).toBeLessThan(2 * 1024 ** 3);
    expect(await docker('ps', '-aq', '--filter', `label=${PROBE_LABEL}`)).toBe('');
    console.info(`porthole check over ssh with the engine-host probe: ${elapsed} ms`);
  });

  it('no usable image on the engine: the check says so and falls back to this computer, never pulling', async () => {
    const report = await checkHost({
      env: { ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: 'porthole/not-here:never' },
      probeImages: () => [],
    });
    expect(report.facts.kvmCheckedOn).toBe('this-computer');
    expect(report.checks.find((c) => c.id === 'kvm')?.found).toMatch(
      /checked KVM on this computer only, not on the engine's \(its check there did not run: none of the images porthole\/not-here:never is on the engine yet/,
    );
  });
});
