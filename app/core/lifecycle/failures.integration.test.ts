import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { realHostClass } from '../testing/test-host';
import { program } from '../testing/processes';

const image = inject('standinImage');
const testIso = inject('testIso');
const base = { image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;

const failed = (v: MachineView): boolean => v.status.phase === 'failed' && !v.status.running;

/**
 * Every exit code the stand-in can give through Porthole's own container spec, and what Porthole
 * makes of it: phase failed with the cause, the remedy and the image's ERROR line. RAM (16) and disk
 * (73) below the minimum are refused by Porthole's validation before any container; the adoption
 * tests show Porthole's reading of those exits from a hand-made container.
 */
describe('failures, each with its cause and remedy (stand-in image)', () => {
  let h: Harness;
  let tmp: string;
  const ids: string[] = [];
  const mounts: string[] = [];

  beforeAll(async () => {
    h = await Harness.create();
    tmp = await mkdtemp(join(tmpdir(), 'porthole-fail-'));
  });
  afterAll(async () => {
    await h.cleanup(ids);
    for (const mount of mounts) await program('umount', [mount]).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  });

  // What a machine with KVM on does depends on this machine (PORTHOLE_TEST_HOST cannot fake a container's CPU):
  // nested: the image's own KVM test refuses (88); none: the engine has no /dev/kvm to give; kvm: it runs.
  it('88 where the CPU hides vmx/svm ("not enabled in BIOS"); a refused start without /dev/kvm; a boot where KVM works', async () => {
    const cls = await realHostClass();
    const m = await h.call('createMachine', { name: uniqueName('Kvm'), ...base, kvm: true });
    ids.push(m.id);
    if (cls === 'none') {
      await expect(h.call('startMachine', { id: m.id })).rejects.toThrow(/\/dev\/kvm/);
      return;
    }
    await h.call('startMachine', { id: m.id });
    if (cls === 'nested') {
      const v = await h.waitFor(m.id, failed, 60_000, 'exit 88');
      expect(v.status.failure).toMatchObject({ exitCode: 88, cause: expect.stringContaining('KVM') });
      expect(v.status.failure!.remedy).toMatch(/software emulation/);
      expect(v.status.failure!.logLine).toContain('(not enabled in BIOS)');
    } else {
      const v = await h.waitFor(m.id, (view) => view.status.phase === 'booting' || failed(view), 120_000, 'booting');
      expect(v.status.phase).toBe('booting');
      const env = JSON.parse(
        await h.docker('inspect', '--format', '{{json .Config.Env}}', h.containerName(m.id)),
      ) as string[];
      expect(env).not.toContain('KVM=N');
    }
  });

  it('13: a storage folder the machine cannot write to (a read-only mount)', async () => {
    const source = join(tmp, 'storage-source');
    const storageDir = join(tmp, 'storage-read-only');
    await mkdir(source);
    await mkdir(storageDir);
    await program('mount', ['--bind', source, storageDir]);
    mounts.push(storageDir);
    await program('mount', ['-o', 'remount,bind,ro', storageDir]);
    const m = await h.call('createMachine', { name: uniqueName('Ro'), ...base, storageDir });
    ids.push(m.id);
    await h.call('startMachine', { id: m.id });
    const v = await h.waitFor(m.id, failed, 60_000, 'exit 13');
    expect(v.status.failure).toMatchObject({ exitCode: 13, cause: 'The machine cannot write to its storage folder.' });
    expect(v.status.failure!.remedy).toMatch(/permissions/);
    expect(v.status.failure!.logLine).toMatch(/Storage folder \(\/storage\) is not writeable/);
  });

  it('16 and 73 cannot come from Porthole’s spec: memory and disk below the minimum are refused first', async () => {
    await expect(h.call('createMachine', { name: uniqueName('Ram'), ...base, ramGiB: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('needs at least 2 GB of memory'),
    });
    await expect(h.call('createMachine', { name: uniqueName('Disk'), ...base, diskGiB: 16 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('needs a disk of at least 32 GB'),
    });
    const m = await h.call('createMachine', { name: uniqueName('Edit'), ...base });
    ids.push(m.id);
    await expect(h.call('updateMachine', { id: m.id, changes: { ramGiB: 1 } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    // A custom ISO lowers the minimums; taking it away again brings Windows 11's back.
    await h.call('updateMachine', { id: m.id, changes: { customIso: testIso } });
    await h.call('updateMachine', { id: m.id, changes: { ramGiB: 1 } });
    await expect(h.call('updateMachine', { id: m.id, changes: { customIso: null } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('74 and 64 cannot come from Porthole’s spec either: the custom ISO is checked before any container', async () => {
    const small = join(tmp, 'small.iso');
    await writeFile(small, Buffer.alloc(1024 * 1024));
    const iso = join(tmp, 'copy.iso');
    await copyFile(testIso, iso);
    const m = await h.call('createMachine', { name: uniqueName('Iso'), ...base, customIso: iso });
    ids.push(m.id);
    // 74 (under 10 MB): refused when chosen.
    await expect(h.call('updateMachine', { id: m.id, changes: { customIso: small } })).rejects.toMatchObject({
      code: 'ISO_INVALID',
    });
    // 64 (the file is gone, so Docker would mount an empty folder in its place): refused at start.
    await rm(iso);
    await expect(h.call('startMachine', { id: m.id })).rejects.toMatchObject({ code: 'ISO_INVALID' });
    expect(await h.containersOf(m.id)).toEqual([]);
  });
});
