import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { STORAGE_MARKER } from './ownership';

const image = inject('standinImage');
const base = { image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
const hasDisk = (v: MachineView): boolean =>
  v.status.running && v.status.phase !== 'preparing' && v.status.phase !== 'pulling';

/**
 * Issue 10, "never lose a disk", against the real engine and the stand-in image: the backend, not
 * the renderer, refuses folders that are not a machine's own, and "delete the disk" removes only
 * what Porthole made (whole) or the image's files (in any other folder).
 */
describe('storage ownership and the path policy (stand-in image)', () => {
  let h: Harness;
  let root: string;
  let home: string;
  const ids: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-storage-'));
    // A temp folder poses as the user's home, through the env the backend gets.
    home = join(root, 'home');
    await mkdir(home);
    await writeFile(join(home, 'thesis.docx'), 'years of work');
    h = await Harness.create({ ...process.env, HOME: home });
  });
  afterAll(async () => {
    await h.cleanup(ids);
    await rm(root, { recursive: true, force: true });
  });

  /** Starts a machine until the stand-in has written its disk, then forces it off. */
  async function runOnce(id: string): Promise<void> {
    await h.call('startMachine', { id });
    await h.waitFor(id, hasDisk, 90_000, 'the disk written');
    await h.call('forceStopMachine', { id });
    await h.waitFor(id, (v) => !v.status.running, 30_000, 'stopped');
  }

  it('refuses an imported compose whose storage is the home folder, and creates nothing', async () => {
    const yaml = (storage: string): string =>
      `services:\n  ok:\n    image: dockurr/windows:latest\n  bad:\n    image: dockurr/windows:latest\n    volumes: ["${storage}:/storage"]\n`;
    await expect(h.call('importCompose', { yaml: yaml(home) })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`Porthole will not use ${home} as the storage folder: it is your home folder`),
      remedy: expect.any(String),
    });
    // Through a symlink too.
    await symlink(home, join(root, 'home-link'));
    await expect(h.call('importCompose', { yaml: yaml(join(root, 'home-link')) })).rejects.toThrow(
      /it leads to .*your home folder/,
    );
    expect(await h.call('listMachines', {})).toEqual([]);
    // Nothing of a machine landed in the home folder (other parts of the backend may keep a cache there).
    const entries = await readdir(home);
    expect(entries).toContain('thesis.docx');
    expect(entries).not.toContain(STORAGE_MARKER);
    expect(entries).not.toContain('data.img');
  });

  it('refuses another machine’s folder as storage, at create and at import', async () => {
    const a = await h.call('createMachine', { name: uniqueName('Owner'), ...base });
    ids.push(a.id);
    await expect(
      h.call('createMachine', { name: uniqueName('Thief'), ...base, storageDir: a.storageDir }),
    ).rejects.toThrow(/storage folder of the machine/);
    const yaml = `services:\n  w:\n    image: dockurr/windows:latest\n    volumes: ["${join(a.storageDir, '..')}:/storage"]\n`;
    await expect(h.call('importCompose', { yaml })).rejects.toThrow(
      /Porthole keeps every machine’s disk|storage folder of the machine/,
    );
    await h.call('deleteMachine', { id: a.id, deleteDisk: true });
  });

  it('deletes an own folder whole', async () => {
    const m = await h.call('createMachine', { name: uniqueName('Own'), ...base });
    ids.push(m.id);
    expect(JSON.parse(await readFile(join(m.storageDir, STORAGE_MARKER), 'utf8'))).toMatchObject({ machineId: m.id });
    await runOnce(m.id);
    expect(await exists(join(m.storageDir, 'data.img'))).toBe(true);
    const plan = await h.call('storageUsage', { id: m.id });
    expect(plan).toMatchObject({
      kind: 'folder',
      path: m.storageDir,
      keep: [],
      remove: expect.arrayContaining(['data.img', STORAGE_MARKER]),
    });
    const { disk } = await h.call('deleteMachine', { id: m.id, deleteDisk: true });
    expect(disk?.kind).toBe('folder');
    expect(await exists(m.storageDir)).toBe(false);
  });

  it('in a folder chosen by hand, deletes only the disk files: the folder and a foreign file stay', async () => {
    const storageDir = join(home, 'vms');
    await mkdir(storageDir);
    const m = await h.call('createMachine', { name: uniqueName('Hand'), ...base, storageDir });
    ids.push(m.id);
    expect(await exists(join(storageDir, STORAGE_MARKER))).toBe(false);
    await runOnce(m.id);
    await writeFile(join(storageDir, 'notes.txt'), 'mine');
    const plan = await h.call('storageUsage', { id: m.id });
    expect(plan).toMatchObject({ kind: 'files', keep: ['notes.txt'], remove: expect.arrayContaining(['data.img']) });
    const { disk } = await h.call('deleteMachine', { id: m.id, deleteDisk: true });
    expect(disk).toMatchObject({ kind: 'files', keep: ['notes.txt'] });
    expect(await readdir(storageDir)).toEqual(['notes.txt']);
    expect(await readFile(join(home, 'thesis.docx'), 'utf8')).toBe('years of work');
  });

  it('refuses a shared folder that is a symlink to /, at create and again at start', async () => {
    const link = join(home, 'share');
    await symlink('/', link);
    await expect(
      h.call('createMachine', {
        name: uniqueName('Share'),
        ...base,
        sharedFolders: [{ hostPath: link, readOnly: false }],
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/share \(it leads to \/\).*whole computer/),
    });
    await unlink(link);
    await mkdir(link);
    const m = await h.call('createMachine', {
      name: uniqueName('Share'),
      ...base,
      sharedFolders: [{ hostPath: link, readOnly: false }],
    });
    ids.push(m.id);
    // The folder becomes a symlink to / after the machine was made: the start refuses it before any container.
    await rm(link, { recursive: true });
    await symlink('/', link);
    await expect(h.call('startMachine', { id: m.id })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/whole computer/),
    });
    expect(await h.containersOf(m.id)).toEqual([]);
    // And the update path: changing the shared folders to it is refused too.
    await expect(
      h.call('updateMachine', { id: m.id, changes: { sharedFolders: [{ hostPath: link, readOnly: true }] } }),
    ).rejects.toThrow(/whole computer/);
  });

  it('does not make a missing hand-picked storage folder again at start (a drive not mounted), but does the default one', async () => {
    const storageDir = join(root, 'drive', 'vm');
    await mkdir(storageDir, { recursive: true });
    const m = await h.call('createMachine', { name: uniqueName('Drive'), ...base, storageDir });
    ids.push(m.id);
    await rm(join(root, 'drive'), { recursive: true });
    await expect(h.call('startMachine', { id: m.id })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/storage folder .*drive\/vm does not exist/),
    });
    expect(await exists(storageDir)).toBe(false);
    expect(await h.containersOf(m.id)).toEqual([]);
    expect(await h.call('storageUsage', { id: m.id })).toMatchObject({ kind: 'missing', remove: [] });
    const { disk } = await h.call('deleteMachine', { id: m.id, deleteDisk: true });
    expect(disk?.kind).toBe('missing');
  });
});
