import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { docker, Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { program } from '../testing/processes';

const image = inject('standinImage');
const base = { image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;

/**
 * Issue 22, item 10, on the real engine: a container of another image (a backup tool) that binds / at
 * /storage, even stopped, does not stop machines from being made or started; one on exactly a
 * machine's folder still does.
 */
describe('containers that bind a disk (real engine, stand-in image)', () => {
  let h: Harness;
  let root: string;
  const tag = `porthole-test/backup-tool:${process.pid}-${Date.now()}`;
  const containers: string[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-bound-'));
    // A tiny image that is not Windows, made here (no registry): one file in a tarball.
    await mkdir(join(root, 'image'));
    await writeFile(join(root, 'image', 'tool'), 'not a program\n');
    await program('tar', ['-cf', join(root, 'image.tar'), '-C', join(root, 'image'), '.']);
    await docker('import', join(root, 'image.tar'), tag);
    h = await Harness.create();
  });
  afterAll(async () => {
    if (containers.length > 0) await docker('rm', '-f', ...containers).catch(() => undefined);
    await h?.cleanup(ids);
    await docker('rmi', tag).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it('a stopped backup-tool container with / at /storage blocks no machine; one on exactly its folder does', async () => {
    const backup = `porthole-test-backup-${Math.random().toString(36).slice(2, 8)}`;
    containers.push(await docker('create', '--name', backup, '-v', '/:/storage:ro', tag, '/tool'));
    const storageDir = join(root, 'vm');
    const m = await h.call('createMachine', { name: uniqueName('Beside backup'), ...base, storageDir });
    ids.push(m.id);

    // Another image on exactly this folder could write into the disk: refused, before any container.
    const onIt = `porthole-test-on-disk-${Math.random().toString(36).slice(2, 8)}`;
    containers.push(await docker('create', '--name', onIt, '-v', `${storageDir}:/storage`, tag, '/tool'));
    await expect(h.call('startMachine', { id: m.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`“${onIt}” already uses ${storageDir}`),
    });
    expect(await h.containersOf(m.id)).toEqual([]);
    await docker('rm', '-f', onIt);

    await h.call('startMachine', { id: m.id });
    expect(await h.containersOf(m.id)).toHaveLength(1);
    await h.call('forceStopMachine', { id: m.id });
  });
});

/**
 * Issue 22, item 2, on a real engine whose data root is not a default one (a private dockerd with
 * --data-root under /tmp): where it keeps its files comes from its own GET /info.
 */
describe('the engine’s own folder (a private engine with --data-root elsewhere)', () => {
  let engine: PrivateEngine;
  let h: Harness;

  beforeAll(async () => {
    engine = await PrivateEngine.start();
    h = await Harness.create(engine.env());
  }, 120_000);
  afterAll(async () => {
    await h?.cleanup([]);
    await engine?.dispose();
  }, 120_000);

  it('refuses its data root, a folder inside it, and one holding it, as storage and as a share', async () => {
    const dataRoot = (await engine.docker('info', '--format', '{{.DockerRootDir}}')).trim();
    expect(dataRoot).toBe(join(engine.root, 'data'));
    for (const storageDir of [dataRoot, join(dataRoot, 'tmp'), engine.root]) {
      await expect(h.call('createMachine', { name: uniqueName('Engine'), ...base, storageDir })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(`it is, holds or lies inside ${dataRoot}, the container engine’s own folder`),
      });
    }
    await expect(
      h.call('createMachine', {
        name: uniqueName('Engine'),
        ...base,
        sharedFolders: [{ hostPath: join(dataRoot, 'volumes'), readOnly: true }],
      }),
    ).rejects.toThrow(/container engine’s own folder/);
    expect(await h.call('listMachines', {})).toEqual([]);
  });
});
