import type Docker from 'dockerode';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOnStorage } from './bound-containers';

/** Issue 22, item 10: which containers count as using a disk (the list as the engine gives it; real folders for the paths). */
describe('containersOnStorage', () => {
  let root: string;
  let disk: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-bound-'));
    disk = join(root, 'vms', 'win');
    await mkdir(disk, { recursive: true });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const container = (
    name: string,
    image: string,
    source: string,
    labels: Record<string, string> = {},
  ): Docker.ContainerInfo =>
    ({
      Id: `${name}-id`,
      Names: [`/${name}`],
      Image: image,
      State: 'exited',
      Labels: labels,
      Mounts: [{ Type: 'bind', Source: source, Destination: '/storage' }],
    }) as unknown as Docker.ContainerInfo;

  it('counts Windows containers in or around the folder, and any container on exactly it; not a backup tool with / there', async () => {
    const list = [
      container('backup', 'restic/restic:latest', '/'),
      container('parent-tool', 'busybox', join(root, 'vms')),
      container('exact-tool', 'busybox', disk),
      container('dockur', 'docker.io/dockurr/windows:6.05', '/'),
      container('machine-image', 'localhost/porthole/standin-windows:abc', join(root, 'vms')),
      container('labelled', 'something/else', '/', { 'io.porthole.machine': 'other' }),
      container('untagged', 'sha256:' + 'a'.repeat(64), '/'),
      container('elsewhere', 'dockurr/windows', join(root, 'other')),
    ];
    const names = (await containersOnStorage(list, disk, undefined, ['porthole/standin-windows:def'])).map(
      (c) => c.name,
    );
    expect(names).toEqual(['exact-tool', 'dockur', 'machine-image', 'labelled', 'untagged']);
  });
});
