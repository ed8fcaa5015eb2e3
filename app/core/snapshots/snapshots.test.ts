import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError, snapshotManifestSchema, type SnapshotProgress } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { KeyedSerial } from '../lifecycle/serial';
import { MachineStore } from '../store/machine-store';
import { diskLockPath } from './lock';
import { MANIFEST, Snapshots } from './snapshots';

const MIB = 1024 * 1024;

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** A sparse 32 MiB disk with `fill` written at 0 and 16 MiB. */
async function writeDisk(path: string, fill: number): Promise<void> {
  const handle = await open(path, 'w');
  await handle.truncate(32 * MIB);
  await handle.write(Buffer.alloc(MIB, fill), 0, MIB, 0);
  await handle.write(Buffer.alloc(MIB, fill), 0, MIB, 16 * MIB);
  await handle.close();
}

describe('Snapshots', { timeout: 20_000 }, () => {
  let root: string;
  let storage: string;
  let store: MachineStore;
  let snapshots: Snapshots;
  let running: boolean;
  let progress: SnapshotProgress[];
  const id = 'win11';

  const make = (extra: { cp?: string } = {}): Snapshots => {
    const serial = new KeyedSerial();
    return new Snapshots({
      dataDir: join(root, 'data'),
      configDir: join(root, 'config'),
      store,
      onProgress: (p) => progress.push(p),
      ...extra,
      // The real Machines is exercised by snapshots.integration.test.ts; here only "is it running" is injected.
      machines: {
        exclusive: (key, op) => serial.run(key, op),
        assertDiskIdle: async (machineId, doing) => {
          if (running)
            throw new PortholeError('CONFLICT', `“Windows 11” is running: ${doing} only while it is stopped.`);
          return store.require(machineId).settings.storageDir;
        },
        setInstalled: async (machineId, installed) =>
          void (await store.update(machineId, (r) => ({ ...r, installed }))),
      },
    });
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-snap-'));
    storage = join(root, 'storage');
    await mkdir(storage);
    await mkdir(join(root, 'config'));
    store = new MachineStore(join(root, 'config'));
    await store.load();
    await store.put({ settings: sampleMachine({ id, storageDir: storage }), installed: true });
    running = false;
    progress = [];
    snapshots = make();
    await writeDisk(join(storage, 'data.img'), 0xaa);
    await writeFile(join(storage, 'windows.vars'), 'vars-1');
    await writeFile(join(storage, 'windows.boot'), 'boot');
    await writeFile(join(storage, 'win11x64.iso'), 'iso');
    await writeFile(join(storage, 'notes.txt'), 'mine');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('takes a named snapshot of the image files only, outside the storage folder, with date, sizes and progress', async () => {
    const snap = await snapshots.take(id, 'Before updates');
    expect(snap.name).toBe('Before updates');
    expect(snap.path).toBe(join(root, 'data', 'snapshots', id, snap.id));
    expect(Date.now() - Date.parse(snap.createdAt)).toBeLessThan(60_000);
    expect(snap.files.map((f) => f.name)).toEqual(['data.img', 'windows.boot', 'windows.vars']);
    expect(snap.apparentBytes).toBe(32 * MIB + 'boot'.length + 'vars-1'.length);
    // Sparse: 2 MiB of data, not 32.
    expect(snap.allocatedBytes).toBeLessThan(4 * MIB);
    expect(await readdir(snap.path)).toEqual(['data.img', 'manifest.json', 'windows.boot', 'windows.vars']);
    expect(await sha256(join(snap.path, 'data.img'))).toBe(await sha256(join(storage, 'data.img')));
    expect(
      snapshotManifestSchema.parse(JSON.parse(await readFile(join(snap.path, 'manifest.json'), 'utf8'))).installed,
    ).toBe(true);
    expect(progress[0]).toMatchObject({ machineId: id, operation: 'take', snapshotId: snap.id, doneBytes: 0 });
    expect(progress.at(-1)?.doneBytes).toBe(progress.at(-1)?.totalBytes);
    expect(await snapshots.list(id)).toEqual([snap]);
    // The storage folder is as it was: nothing added, nothing left behind; the lock is gone.
    expect((await readdir(storage)).sort()).toEqual([
      'data.img',
      'notes.txt',
      'win11x64.iso',
      'windows.boot',
      'windows.vars',
    ]);
    await expect(stat(diskLockPath(join(root, 'config'), id))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('take -> change -> restore gives back the snapshot byte for byte, and removes image files made after it', async () => {
    await rm(join(storage, 'windows.boot'));
    await store.update(id, (r) => ({ ...r, installed: false }));
    const snap = await snapshots.take(id);
    expect(snap.name).toMatch(/^Snapshot of \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const before = await sha256(join(snap.path, 'data.img'));
    await writeDisk(join(storage, 'data.img'), 0x55);
    await writeFile(join(storage, 'windows.vars'), 'vars-2');
    await writeFile(join(storage, 'windows.boot'), 'boot');
    await store.update(id, (r) => ({ ...r, installed: true }));
    expect(await sha256(join(storage, 'data.img'))).not.toBe(before);

    const result = await snapshots.restore(id, snap.id);
    expect(result.restored).toEqual(['data.img', 'windows.vars']);
    expect(result.removed).toEqual(['windows.boot']);
    expect(await sha256(join(storage, 'data.img'))).toBe(before);
    expect(await readFile(join(storage, 'windows.vars'), 'utf8')).toBe('vars-1');
    expect((await stat(join(storage, 'data.img'))).blocks * 512).toBeLessThan(4 * MIB);
    expect(store.require(id).installed).toBe(false);
    // Not the image's: kept. No temporary names left.
    expect((await readdir(storage)).sort()).toEqual(['data.img', 'notes.txt', 'win11x64.iso', 'windows.vars']);
    expect(progress.some((p) => p.operation === 'restore')).toBe(true);
  });

  it('refuses while the machine runs, changing nothing', async () => {
    const snap = await snapshots.take(id);
    running = true;
    await expect(snapshots.take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/running/) as string,
    });
    await writeFile(join(storage, 'windows.vars'), 'changed');
    await expect(snapshots.restore(id, snap.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await readFile(join(storage, 'windows.vars'), 'utf8')).toBe('changed');
    expect((await snapshots.list(id)).length).toBe(1);
  });

  it('refuses while another Porthole process holds the disk lock (say, starting the machine)', async () => {
    const lock = diskLockPath(join(root, 'config'), id);
    // A live holder on this host: this test process's parent, with its own nonce.
    await writeFile(
      lock,
      JSON.stringify({ pid: process.ppid, hostname: hostname(), time: Date.now(), nonce: 'other' }),
    );
    await expect(snapshots.take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/Another Porthole process/) as string,
    });
    expect(await readdir(join(root, 'data', 'snapshots', id)).catch(() => [])).toEqual([]);
    expect(await readFile(lock, 'utf8')).toContain('"other"');
  });

  it('a restore whose copy fails leaves the current disk exactly as it was, and no temporary files', async () => {
    const snap = await snapshots.take(id);
    await writeDisk(join(storage, 'data.img'), 0x55);
    const current = await sha256(join(storage, 'data.img'));
    const fakeCp = join(root, 'cp');
    await writeFile(
      fakeCp,
      '#!/bin/sh\nfor last; do :; done\nprintf half > "$last"\necho "cp: error writing: No space left on device" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    await expect(make({ cp: fakeCp }).restore(id, snap.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/filled up.*Nothing was changed/) as string,
    });
    expect(await sha256(join(storage, 'data.img'))).toBe(current);
    expect((await readdir(storage)).filter((n) => n.startsWith('.porthole'))).toEqual([]);
  });

  it('a restore that would not fit points at the machine’s storage folder, where the room is needed, not at its snapshots', async () => {
    const snap = await snapshots.take(id);
    const manifestPath = join(snap.path, MANIFEST);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { files: Array<{ allocatedBytes: number }> };
    for (const file of manifest.files) file.allocatedBytes = 2 ** 52;
    await writeFile(manifestPath, JSON.stringify(manifest));
    const failure = snapshots.restore(id, snap.id);
    await expect(failure).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        new RegExp(`Not enough free space for restoring the snapshot in ${storage}`),
      ) as string,
    });
    await expect(failure).rejects.toMatchObject({
      remedy: expect.stringMatching(
        new RegExp(`on the disk that holds ${storage}.*deleting them frees nothing there`),
      ) as string,
    });
  });

  it('a take whose copy fails leaves no snapshot and no half folder', async () => {
    const fakeCp = join(root, 'cp');
    await writeFile(fakeCp, '#!/bin/sh\necho "cp: read error: Input/output error" >&2\nexit 1\n', { mode: 0o755 });
    await expect(make({ cp: fakeCp }).take(id)).rejects.toThrow(/Input\/output error/);
    expect(await readdir(join(root, 'data', 'snapshots', id))).toEqual([]);
    expect(await snapshots.list(id)).toEqual([]);
  });

  it('refuses a machine without a disk, an unknown snapshot, and a damaged one', async () => {
    await rm(join(storage, 'data.img'));
    await expect(snapshots.take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/no Windows disk yet/) as string,
    });
    await writeDisk(join(storage, 'data.img'), 1);
    await expect(snapshots.restore(id, '20261129-023000-a1b2c3')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const snap = await snapshots.take(id);
    await writeFile(join(snap.path, 'data.img'), 'short');
    await expect(snapshots.restore(id, snap.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/damaged/) as string,
    });
    expect((await stat(join(storage, 'data.img'))).size).toBe(32 * MIB);
  });

  it('gives each snapshot of a machine its own name: a look-alike is refused, a default one numbered', async () => {
    await snapshots.take(id, 'Caf\u00e9');
    await expect(snapshots.take(id, 'CAFE\u0301')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already has a snapshot called “Café”') as string,
    });
    await expect(snapshots.take(id, 'a\u0085b')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const first = await snapshots.take(id);
    const second = await snapshots.take(id);
    // Both taken within the minute the default name shows, unless the minute turned in between.
    if (first.createdAt.slice(0, 16) === second.createdAt.slice(0, 16)) expect(second.name).toBe(`${first.name} 2`);
    expect(second.name).not.toBe(first.name);
  });

  it('lists newest first, ignores half-made folders, deletes one, and on machine delete keeps them unless asked', async () => {
    const a = await snapshots.take(id, 'first');
    const b = await snapshots.take(id, 'second');
    await mkdir(join(root, 'data', 'snapshots', id, '20991231-235959-ffffff.partial'));
    expect((await snapshots.list(id)).map((s) => s.name)).toEqual(['second', 'first']);
    await snapshots.remove(id, a.id);
    expect((await snapshots.list(id)).map((s) => s.id)).toEqual([b.id]);
    await expect(snapshots.remove(id, a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await snapshots.afterMachineDeleted(id, false)).toEqual({
      deleted: 0,
      kept: 1,
      path: join(root, 'data', 'snapshots', id),
    });
    expect((await snapshots.list(id)).length).toBe(1);
    expect(await snapshots.afterMachineDeleted(id, true)).toEqual({
      deleted: 1,
      kept: 0,
      path: join(root, 'data', 'snapshots', id),
    });
    await expect(stat(join(root, 'data', 'snapshots', id))).rejects.toMatchObject({ code: 'ENOENT' });
    // The disk itself was never touched by any of it.
    expect((await stat(join(storage, 'data.img'))).size).toBe(32 * MIB);
  });
});
