import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { EngineClient, targetFromEnv } from '../engine/client';
import { Harness, uniqueName } from '../testing/harness';
import { TestSshd } from '../testing/test-sshd';
import { STORAGE_MARKER } from './disk-delete-plan';
import { engineHostFs } from './engine-host-fs';
import { executeDiskDelete, planDiskDelete } from './ownership';
import { shThere, helperContainers } from '../testing/engine-there';

const image = inject('standinImage');
const SHARED = 'unix:///var/run/docker.sock';

/**
 * "Delete the disk" of machines on an ssh engine: the storage folders are on the engine's computer (this
 * one, behind the test's own sshd in front of the shared engine), listed and emptied there in short-lived
 * containers. Once the machines exist, their machines folder stands for "there": every call of this
 * process's fs module on a path under it fails (failure injection), so nothing is read or removed here.
 */
const remote = vi.hoisted(() => ({ root: '/nonexistent-until-set', touched: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { guardedFsPromises } = await import('../testing/guarded-fs');
  return guardedFsPromises(await importOriginal<typeof import('node:fs/promises')>(), remote);
});

/** The names in a folder there, one a record (NUL-separated: a name may hold a newline). */
const names = async (dir: string): Promise<string[]> =>
  Buffer.from(await shThere('cd "$1" && find . -mindepth 1 -maxdepth 1 -printf "%P\\\\0" | base64 -w 0', dir), 'base64')
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .sort();
const EVIL = 'notes\nwindows.vars';

describe(
  'deleting the disk of a machine on an ssh engine (the folder on the engine’s computer)',
  { timeout: 60_000 },
  () => {
    let sshd: TestSshd;
    let h: Harness;
    const ids: string[] = [];
    let outside: string;
    const started = Date.now();

    const create = async (name: string): Promise<{ id: string; storageDir: string }> => {
      const m = await h.call('createMachine', {
        name: uniqueName(name),
        image,
        kvm: false,
        ramGiB: 2,
        cpuCores: 1,
        diskGiB: 64,
      });
      ids.push(m.id);
      return m;
    };

    beforeAll(async () => {
      sshd = await TestSshd.start(SHARED);
      h = await Harness.create({ ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: image });
      await h.waitForEngine(true, 30_000);
      outside = await shThere('mktemp -d /tmp/porthole-rdel-outside-XXXXXX');
      await shThere('printf "not the machine’s" > "$1/target.img"', outside);
    }, 60_000);

    afterAll(async () => {
      remote.root = '/nonexistent-until-set';
      await h?.cleanup(ids).catch(() => undefined);
      await sshd?.dispose();
      if (outside) await shThere('rm -rf -- "$1"', outside);
      console.info(`ssh disk delete: ${Date.now() - started} ms in all`);
    }, 60_000);

    it('a folder Porthole made, holding only the image’s files, goes whole; one with a foreign file and a link keeps them', async () => {
      const own = await create('Rdel own');
      const mixed = await create('Rdel mixed');
      // From now on this process keeps out of the machines folder: it is "there".
      remote.root = `${h.dataDir}/machines`;
      // A sparse 64 MiB disk with a few written blocks, the UEFI variables, the ISO and the install's tmp/.
      const writeDisk =
        'truncate -s 64M "$1/data.img" && dd if=/dev/urandom of="$1/data.img" bs=1M count=1 seek=3 conv=notrunc status=none && printf vars > "$1/windows.vars"';
      await shThere(
        `${writeDisk} && printf iso > "$1/win11x64.iso" && printf "win11x64.iso\\n" > "$1/windows.base" && mkdir -p "$1/tmp/unpack" && printf x > "$1/tmp/unpack/x"`,
        own.storageDir,
      );
      await shThere(
        `${writeDisk} && printf mine > "$1/notes.txt" && printf evil > "$1/$2" && ln -s "$3/target.img" "$1/data.qcow2"`,
        mixed.storageDir,
        EVIL,
        outside,
      );

      let at = Date.now();
      const plan = await h.call('storageUsage', { id: own.id });
      console.info(`plan over ssh: ${Date.now() - at} ms`);
      expect(plan).toMatchObject({
        kind: 'folder',
        path: own.storageDir,
        keep: [],
        remove: [STORAGE_MARKER, 'data.img', 'tmp', 'win11x64.iso', 'windows.base', 'windows.vars'],
      });
      expect(plan.apparentBytes).toBeGreaterThan(64 * 1024 * 1024);
      expect(plan.allocatedBytes).toBeLessThan(8 * 1024 * 1024);
      at = Date.now();
      const { disk } = await h.call('deleteMachine', { id: own.id, deleteDisk: true });
      console.info(`delete over ssh: ${Date.now() - at} ms`);
      expect(disk?.kind).toBe('folder');
      expect(await shThere('test -e "$1" && echo there || echo gone', own.storageDir)).toBe('gone');

      const mixedPlan = await h.call('storageUsage', { id: mixed.id });
      expect(mixedPlan).toMatchObject({
        kind: 'files',
        remove: [STORAGE_MARKER, 'data.img', 'windows.vars'],
        keep: ['data.qcow2', EVIL, 'notes.txt'],
      });
      expect((await h.call('deleteMachine', { id: mixed.id, deleteDisk: true })).disk).toMatchObject({ kind: 'files' });
      expect(await names(mixed.storageDir)).toEqual(['data.qcow2', EVIL, 'notes.txt']);
      expect(await shThere('readlink "$1/data.qcow2"', mixed.storageDir)).toBe(`${outside}/target.img`);
      expect(await shThere('cat "$1/target.img"', outside)).toBe('not the machine’s');
      expect(await shThere('cat "$1/notes.txt"', mixed.storageDir)).toBe('mine');

      expect(remote.touched).toEqual([]);
      expect(await helperContainers()).toBe('');
    });

    it('a folder changed between the plan and the delete is refused, nothing removed; a folder that is a link is not deleted through', async () => {
      const client = new EngineClient(targetFromEnv(sshd.env()));
      const fs = engineHostFs(client.docker, { host: '127.0.0.1', images: () => [image] });
      remote.root = `${h.dataDir}/machines`;
      const dir = `${h.dataDir}/machines/changing`;
      await shThere(
        'mkdir -p "$1" && printf "{\\"machineId\\":\\"vm-x\\",\\"createdAt\\":\\"x\\"}" > "$1/.porthole-storage" && printf disk > "$1/data.img"',
        dir,
      );
      const plan = await planDiskDelete(dir, 'vm-x', [], fs);
      expect(plan).toMatchObject({ kind: 'folder', remove: [STORAGE_MARKER, 'data.img'] });
      await shThere('printf late > "$1/late.txt"', dir);
      await expect(executeDiskDelete(plan, fs)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('the folder changed since Porthole looked at it') as string,
      });
      expect(await names(dir)).toEqual([STORAGE_MARKER, 'data.img', 'late.txt']);

      // The same folder planted as a link to it: refused, saying so; the folder behind it untouched.
      const linked = `${h.dataDir}/machines/linked`;
      await shThere('ln -s "$1" "$2"', dir, linked);
      expect(await planDiskDelete(linked, 'vm-x', [], fs)).toMatchObject({
        kind: 'refused',
        reason: expect.stringContaining('is a link') as string,
      });
      expect(await names(dir)).toEqual([STORAGE_MARKER, 'data.img', 'late.txt']);
      await shThere('rm -rf -- "$1" "$2"', dir, linked);

      expect(remote.touched).toEqual([]);
      expect(await helperContainers()).toBe('');
    });

    it('a folder chosen there holds names before the machine: they stay, even tmp/ that looks like the image’s', async () => {
      const hand = `${outside}/vms`;
      remote.root = hand;
      await shThere('mkdir -p "$1/tmp" && printf mine > "$1/notes.txt" && printf iso > "$1/tmp/win11x64.iso"', hand);
      const m = await h.call('createMachine', {
        name: uniqueName('Rdel hand'),
        image,
        kvm: false,
        ramGiB: 2,
        cpuCores: 1,
        diskGiB: 64,
        storageDir: hand,
      });
      ids.push(m.id);
      expect(m.warnings?.join('\n')).toMatch(/notes\.txt/);
      // The machine's disk appears there (Windows installs); only it goes.
      await shThere('truncate -s 64M "$1/data.img" && printf vars > "$1/windows.vars"', hand);
      expect(await h.call('storageUsage', { id: m.id })).toMatchObject({
        kind: 'files',
        host: '127.0.0.1',
        remove: ['data.img', 'windows.vars'],
        keep: ['notes.txt', 'tmp'],
      });
      await h.call('deleteMachine', { id: m.id, deleteDisk: true });
      expect(await names(hand)).toEqual(['notes.txt', 'tmp']);
      expect(await shThere('cat "$1/tmp/win11x64.iso"', hand)).toBe('iso');
      expect(remote.touched).toEqual([]);
      expect(await helperContainers()).toBe('');
    });
  },
);
