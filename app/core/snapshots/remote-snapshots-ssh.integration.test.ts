import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { ActionResponse, MachineView } from '../../api';
import { requireBuiltCli, runCli } from '../testing/cli';
import { Harness, uniqueName } from '../testing/harness';
import { dockerAt } from '../testing/processes';
import { TestSshd } from '../testing/test-sshd';
import { shThere, sha256There, helperContainers } from '../testing/engine-there';

const image = inject('standinImage');
const SHARED = 'unix:///var/run/docker.sock';
const docker = dockerAt(SHARED);

/**
 * Snapshots of a machine on an ssh engine: the disk and its snapshots are on the engine's computer (this
 * one, behind the test's own sshd in front of the shared engine), taken, listed, restored and deleted in
 * short-lived containers there. Once the machine exists, its data folder stands for "there": every call of
 * this process's fs module on a path under it fails (failure injection), so nothing is read or copied here.
 */
const remote = vi.hoisted(() => ({ root: '/nonexistent-until-set', touched: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { guardedFsPromises } = await import('../testing/guarded-fs');
  return guardedFsPromises(await importOriginal<typeof import('node:fs/promises')>(), remote);
});

const allocated = async (path: string): Promise<number> =>
  Number(await shThere('echo $(( $(stat -c "%b*%B" "$1") ))', path));

describe('snapshots of a machine on an ssh engine (the disk on the engine’s computer)', { timeout: 60_000 }, () => {
  let sshd: TestSshd;
  let h: Harness;
  let machine: MachineView;
  let disk: string;
  const started = Date.now();

  /** The CLI in its own process, through the same ssh engine and configuration. */
  const porthole = (...args: string[]) =>
    runCli(
      args,
      { ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: image, PORTHOLE_CONFIG_DIR: h.configDir, PORTHOLE_DATA_DIR: h.dataDir },
      30_000,
    );

  beforeAll(async () => {
    requireBuiltCli();
    sshd = await TestSshd.start(SHARED);
    h = await Harness.create({ ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: image });
    await h.waitForEngine(true, 30_000);
    machine = await h.call('createMachine', {
      name: uniqueName('Ssh snap'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    // The storage folder was made there (through the engine); from now on this process keeps out of the data folder.
    remote.root = h.dataDir;
    disk = `${machine.storageDir}/data.img`;
    // A sparse 64 MiB disk with a few written blocks, and the UEFI variables, as a stopped machine leaves them.
    await shThere(
      'truncate -s 64M "$1/data.img" && dd if=/dev/urandom of="$1/data.img" bs=1M count=2 seek=3 conv=notrunc status=none && dd if=/dev/urandom of="$1/data.img" bs=1M count=1 seek=50 conv=notrunc status=none && printf vars-1 > "$1/windows.vars"',
      machine.storageDir,
    );
  }, 60_000);

  afterAll(async () => {
    remote.root = '/nonexistent-until-set';
    await h?.cleanup(machine ? [machine.id] : []).catch(() => undefined);
    await sshd?.dispose();
    console.info(`ssh snapshots: ${Date.now() - started} ms in all`);
  }, 60_000);

  it('takes, lists, restores byte for byte and deletes there; reads nothing here and leaves no helper behind', async () => {
    const before = await sha256There(disk);
    expect(await allocated(disk)).toBeLessThan(8 * 1024 * 1024);

    let at = Date.now();
    const snap = await h.call('takeSnapshot', { id: machine.id, name: 'Before' });
    console.info(`take over ssh: ${Date.now() - at} ms`);
    const root = `${h.dataDir}/snapshots/${machine.id}`;
    expect(snap).toMatchObject({ name: 'Before', machineId: machine.id, path: `${root}/${snap.id}`, installed: false });
    expect(snap.files.map((f) => f.name)).toEqual(['data.img', 'windows.vars']);
    expect(snap.apparentBytes).toBe(64 * 1024 * 1024 + 6);
    // Sparse there too: the copy holds the written 3 MiB, not 64.
    expect(await allocated(`${snap.path}/data.img`)).toBeLessThan(8 * 1024 * 1024);
    expect(await sha256There(`${snap.path}/data.img`)).toBe(before);
    expect((await shThere('ls -A "$1"', root)).split('\n')).toEqual([snap.id]);

    // Hostile neighbours there: a link named like a snapshot pointing out, a folder with a foreign manifest, junk.
    await shThere(
      'ln -s /etc "$1/20200101-000000-aaaaaa" && mkdir "$1/20200101-000000-bbbbbb" && printf "{\\"oops\\":1}" > "$1/20200101-000000-bbbbbb/manifest.json" && mkdir "$1/x y" && ln -s /etc/passwd "$1/20200101-000000-bbbbbb/data.img"',
      root,
    );
    expect((await h.call('listSnapshots', { id: machine.id })).map((s) => s.id)).toEqual([snap.id]);
    await expect(
      h.call('restoreSnapshot', { id: machine.id, snapshotId: '20200101-000000-bbbbbb', confirmLoss: true }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      h.call('deleteSnapshot', { id: machine.id, snapshotId: '20200101-000000-aaaaaa' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await shThere('test -d /etc/ssh && echo yes')).toBe('yes');

    // Windows changes the disk, and the install finishes (windows.boot appears).
    await shThere(
      'dd if=/dev/urandom of="$1/data.img" bs=1M count=1 seek=20 conv=notrunc status=none && printf boot > "$1/windows.boot" && printf vars-2 > "$1/windows.vars"',
      machine.storageDir,
    );
    expect(await sha256There(disk)).not.toBe(before);

    // The CLI, another process: lists it, says first what a restore loses, then restores with --yes.
    const human = await porthole('snapshots', machine.id);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('Before');
    const asked = await porthole('restore', machine.id, snap.id);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(/every change made in Windows since then .* is lost/);
    expect(await sha256There(disk)).not.toBe(before);
    at = Date.now();
    const done = await porthole('restore', machine.id, snap.id, '--yes', '--json');
    console.info(`restore over ssh (the CLI, its own process): ${Date.now() - at} ms`);
    expect(done.code, done.stderr).toBe(0);
    const restored = JSON.parse(done.stdout) as ActionResponse<'restoreSnapshot'>;
    expect(restored).toMatchObject({ restored: ['data.img', 'windows.vars'], removed: ['windows.boot'] });
    expect(await sha256There(disk)).toBe(before);
    expect(await allocated(disk)).toBeLessThan(8 * 1024 * 1024);
    expect(await shThere('cat "$1/windows.vars"', machine.storageDir)).toBe('vars-1');
    expect((await shThere('ls -A "$1"', machine.storageDir)).split('\n').sort()).toEqual([
      '.porthole-storage',
      'data.img',
      'windows.vars',
    ]);

    await h.call('deleteSnapshot', { id: machine.id, snapshotId: snap.id });
    expect(await h.call('listSnapshots', { id: machine.id })).toEqual([]);
    expect((await shThere('ls -A "$1"', root)).split('\n').sort()).toEqual([
      '20200101-000000-aaaaaa',
      '20200101-000000-bbbbbb',
      'x y',
    ]);

    expect(remote.touched).toEqual([]);
    expect(await helperContainers()).toBe('');
  });

  it('refused while a container runs on the disk there (the same check as a local engine), nothing copied', async () => {
    const name = `porthole-rsnap-it-${process.pid}`;
    await docker(
      'run',
      '-d',
      '--name',
      name,
      '--entrypoint',
      'sleep',
      '-v',
      `${machine.storageDir}:/storage`,
      image,
      '60',
    );
    try {
      for (const attempt of [
        h.call('takeSnapshot', { id: machine.id }),
        h.call('restoreSnapshot', { id: machine.id, snapshotId: '20200101-000000-cccccc', confirmLoss: true }),
      ]) {
        await expect(attempt).rejects.toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining(`The container “${name}” is running on`) as string,
        });
      }
    } finally {
      await docker('rm', '-f', name);
    }
    expect((await h.call('listSnapshots', { id: machine.id })).length).toBe(0);
    expect(remote.touched).toEqual([]);
    expect(await helperContainers()).toBe('');
  });

  it('a machine with no disk there yet: refused, saying where it looked', async () => {
    await shThere('rm -f "$1/data.img"', machine.storageDir);
    await expect(h.call('takeSnapshot', { id: machine.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/has no Windows disk yet \(.* on 127\.0\.0\.1 holds no data\.img\)/) as string,
    });
    expect(remote.touched).toEqual([]);
    expect(await helperContainers()).toBe('');
  });
});
