import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView, SnapshotProgress, SnapshotView } from '../../api';
import { requireBuiltCli, runCli } from '../testing/cli';
import { Harness, uniqueName } from '../testing/harness';
import { sparseSha256 } from '../testing/sparse-hash';
import { withDiskLock } from './lock';

const image = inject('standinImage');
const MIB = 1024 * 1024;
const hasDisk = (v: MachineView): boolean =>
  v.status.running && v.status.phase !== 'preparing' && v.status.phase !== 'pulling';

/** The whole disk's checksum, reading only its data (a 64 GB sparse disk). */
const sha256 = sparseSha256;

/** Writes `fill` over 1 MiB at each offset of the disk (what Windows writing files would do). */
async function scribble(disk: string, fill: number, offsets: number[]): Promise<void> {
  const handle = await open(disk, 'r+');
  try {
    for (const at of offsets) await handle.write(Buffer.alloc(MIB, fill), 0, MIB, at);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Issue 14, snapshots, on the real engine with the stand-in image: taken and restored only while the
 * machine is stopped, the restored disk checksum-equal to the snapshot's, the CLI in its own process,
 * and a start from another process held back while the disk lock is taken.
 */
describe('snapshots (stand-in image)', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  const ids: string[] = [];
  let machine: MachineView;
  let disk: string;
  const progress: SnapshotProgress[] = [];
  const porthole = (...args: string[]) => runCli(args, env, 120_000);

  beforeAll(async () => {
    requireBuiltCli();
    h = await Harness.create();
    env = { ...process.env, PORTHOLE_CONFIG_DIR: h.configDir, PORTHOLE_DATA_DIR: h.dataDir };
    h.backend.subscribe((e) => {
      if (e.event === 'snapshotProgress') progress.push(e.payload);
    });
    machine = await h.call('createMachine', {
      name: uniqueName('Snap'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(machine.id);
    disk = join(machine.storageDir, 'data.img');
    await h.call('startMachine', { id: machine.id });
    await h.waitFor(machine.id, hasDisk, 120_000, 'the disk written');
  }, 180_000);
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('refuses to take or restore while the machine runs, with a clear message', async () => {
    await expect(h.call('takeSnapshot', { id: machine.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('is running: a snapshot can be taken only while it is stopped') as string,
      remedy: expect.stringContaining('porthole stop') as string,
    });
    expect(await h.call('listSnapshots', { id: machine.id })).toEqual([]);
    const cli = await porthole('snapshot', machine.id, '--json');
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout)).toMatchObject({ error: { code: 'CONFLICT' } });
    await h.call('stopMachine', { id: machine.id });
    await h.waitFor(machine.id, (v) => !v.status.running, 60_000, 'stopped');
  }, 120_000);

  let snap: SnapshotView;
  let snapSum: string;
  it('take -> change -> restore: the disk is checksum-equal to the snapshot, and the machine boots it', async () => {
    const size = (await stat(disk)).size;
    await scribble(disk, 0xa1, [0, Math.floor(size / 2 / MIB) * MIB, size - MIB]);
    const taken = await h.call('takeSnapshot', { id: machine.id, name: 'Before the change' });
    expect(taken).toMatchObject({
      name: 'Before the change',
      machineId: machine.id,
      apparentBytes: expect.any(Number) as number,
    });
    expect(taken.path.startsWith(join(h.dataDir, 'snapshots', machine.id))).toBe(true);
    expect(taken.path.startsWith(machine.storageDir)).toBe(false);
    // A sparse 64 GB disk: the snapshot holds only what was written.
    expect(taken.apparentBytes).toBeGreaterThanOrEqual(size);
    expect(taken.allocatedBytes).toBeLessThan(64 * MIB);
    expect(progress.filter((p) => p.snapshotId === taken.id).at(-1)).toMatchObject({ operation: 'take' });
    snap = taken;
    snapSum = await sha256(join(snap.path, 'data.img'));
    expect(await sha256(disk)).toBe(snapSum);

    await scribble(disk, 0xb2, [MIB, Math.floor(size / 3 / MIB) * MIB]);
    expect(await sha256(disk)).not.toBe(snapSum);
    // The contract asks first: no confirmation, nothing happens.
    const unconfirmed = await h.backend.invoke('restoreSnapshot', { id: machine.id, snapshotId: snap.id });
    expect(unconfirmed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await sha256(disk)).not.toBe(snapSum);

    const restored = await h.call('restoreSnapshot', { id: machine.id, snapshotId: snap.id, confirmLoss: true });
    expect(restored.restored).toContain('data.img');
    expect(await sha256(disk)).toBe(snapSum);
    expect((await readdir(machine.storageDir)).filter((n) => n.startsWith('.porthole-restore'))).toEqual([]);

    await h.call('startMachine', { id: machine.id });
    await h.waitFor(machine.id, hasDisk, 120_000, 'running on the restored disk');
    await h.call('stopMachine', { id: machine.id });
    await h.waitFor(machine.id, (v) => !v.status.running, 60_000, 'stopped');
  }, 300_000);

  it('the CLI lists, asks before restoring (saying what is lost), restores with --yes and deletes', async () => {
    const listed = await porthole('snapshots', machine.id, '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as SnapshotView[]).map((s) => s.id)).toEqual([snap.id]);
    const human = await porthole('snapshots', machine.id);
    expect(human.stdout).toContain('Before the change');

    const size = (await stat(disk)).size;
    await scribble(disk, 0xc3, [size - 2 * MIB]);
    const asked = await porthole('restore', machine.id, snap.id);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(/every change made in Windows since then .* is lost/);
    expect(asked.stderr).toContain('--yes');
    expect(await sha256(disk)).not.toBe(snapSum);

    // By the name the person gave it, not only its id.
    const done = await porthole('restore', machine.id, snap.name, '--yes', '--json');
    expect(done.code, done.stderr).toBe(0);
    expect(await sha256(disk)).toBe(snapSum);

    const second = await porthole('snapshot', machine.id, '--name', 'From the CLI', '--json');
    expect(second.code, second.stderr).toBe(0);
    const made = JSON.parse(second.stdout) as SnapshotView;
    expect(made.name).toBe('From the CLI');
    const removed = await porthole('rm-snapshot', machine.id, 'from the CLI');
    expect(removed.code, removed.stderr).toBe(0);
    expect((await h.call('listSnapshots', { id: machine.id })).map((s) => s.id)).toEqual([snap.id]);
  }, 300_000);

  it('a start from another Porthole process waits while the disk lock is held, then runs', async () => {
    let release: () => void = () => undefined;
    let held: () => void = () => undefined;
    const isHeld = new Promise<void>((resolve) => (held = resolve));
    // This test process plays the Porthole process copying the disk.
    const copying = withDiskLock(
      h.configDir,
      machine.id,
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          held();
        }),
      0,
    );
    await isHeld;
    const startedAt = Date.now();
    const start = porthole('start', machine.id, '--json');
    // A snapshot from a third party is refused at once meanwhile.
    await expect(h.call('takeSnapshot', { id: machine.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Another Porthole process') as string,
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(h.views.get(machine.id)?.status.running ?? false).toBe(false);
    release();
    await copying;
    const started = await start;
    expect(started.code, started.stderr).toBe(0);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3000);
    await h.waitFor(machine.id, (v) => v.status.running, 60_000, 'running');
    await h.call('stopMachine', { id: machine.id });
    await h.waitFor(machine.id, (v) => !v.status.running, 60_000, 'stopped');
  }, 240_000);

  it('deleting the machine with its disk keeps its snapshots unless asked', async () => {
    const result = await h.call('deleteMachine', { id: machine.id, deleteDisk: true });
    expect(result.snapshots).toEqual({ deleted: 0, kept: 1, path: join(h.dataDir, 'snapshots', machine.id) });
    expect(await sha256(join(snap.path, 'data.img'))).toBe(snapSum);
  }, 120_000);
});
