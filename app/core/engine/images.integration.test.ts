import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { checkHost } from '../host/check';
import { engineHostFs } from '../storage/engine-host-fs';
import { dockerAt } from '../testing/processes';
import { PrivatePodman } from '../testing/private-podman';
import { TestSshd } from '../testing/test-sshd';
import { EngineClient, targetFromEnv } from './client';
import { presentImages } from './images';

const image = inject('standinImage');
/** The name a person's machine records, which Podman keeps as docker.io/dockurr/windows:6.05 after a pull. */
const UPSTREAM = 'dockurr/windows:6.05';

/**
 * An engine over ssh in front of Podman: Podman names a loaded image `localhost/<name>` and a pulled one
 * `docker.io/<name>`, while a machine records `<name>`. Porthole finds the image under either name and uses the
 * engine's own name for it; before, the check could not check KVM there and a create said the engine had no image.
 */
describe('images on Podman over ssh, by the names machines record', () => {
  let podman: PrivatePodman;
  let sshd: TestSshd;
  beforeAll(async () => {
    podman = await PrivatePodman.start({ image });
    await dockerAt(podman.host)('tag', image, `docker.io/${UPSTREAM}`);
    sshd = await TestSshd.start(podman.host);
  }, 180_000);
  afterAll(async () => {
    await sshd?.dispose();
    await podman?.dispose();
  }, 120_000);

  it('the listing matches names after normalising and answers with the engine’s own names', async () => {
    const client = new EngineClient({ ...targetFromEnv(sshd.env()), kind: 'podman' });
    const found = await presentImages(client.docker, [UPSTREAM, image, 'porthole/not-here:1'], 'the test engine');
    expect(found.wanted).toEqual([`docker.io/${UPSTREAM}`, `localhost/${image}`]);
  });

  it('porthole check checks KVM on the engine’s computer in the image a machine names', async () => {
    const report = await checkHost({
      env: { ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: UPSTREAM },
      storageDir: '/var/lib',
      probeImages: () => [],
    });
    expect(report.facts.kvmCheckedOn).toBe('engine-host');
    expect(report.checks.find((c) => c.id === 'kvm')?.found).toContain(
      `checked in a short-lived container of docker.io/${UPSTREAM}`,
    );
  });

  it('a folder on the engine’s computer is looked at in that image', async () => {
    const client = new EngineClient({ ...targetFromEnv(sshd.env()), kind: 'podman' });
    const fs = engineHostFs(client.docker, { host: '127.0.0.1', images: () => [UPSTREAM] });
    expect(await fs.kind('/var/lib')).toBe('folder');
  });

  it('a listing the engine refuses is named with its cause, not as "no image"', async () => {
    const client = new EngineClient(targetFromEnv({ DOCKER_HOST: 'unix:///nonexistent/porthole-test.sock' }));
    await expect(presentImages(client.docker, [UPSTREAM], 'unix:///nonexistent/porthole-test.sock')).rejects.toThrow(
      /did not list its images: No container engine answers at unix:\/\/\/nonexistent\/porthole-test\.sock/,
    );
  });
});
