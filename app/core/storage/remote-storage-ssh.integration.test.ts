import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { program } from '../testing/processes';
import { TestSshd } from '../testing/test-sshd';

const image = inject('standinImage');
const testIso = inject('testIso');

/**
 * DOCKER_HOST=ssh://…: the storage folder and the custom ISO of a machine are paths on the engine's
 * computer. That computer is this one here (the test's own sshd in front of a private engine), so a
 * folder tree stands for it that this process never touches itself: every call of this process's fs
 * module on a path under it fails (failure injection). The machine is still created and runs from
 * there: its folder was made and its ISO read through the engine, in short-lived containers.
 */
const remote = vi.hoisted(() => ({ root: `/tmp/porthole-ssh-host-it-${process.pid}`, touched: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { guardedFsPromises } = await import('../testing/guarded-fs');
  return guardedFsPromises(await importOriginal<typeof import('node:fs/promises')>(), remote);
});

const sh = (...args: string[]): Promise<string> => program(args[0]!, args.slice(1));

describe('a machine on an ssh engine keeps its storage and ISO on the engine’s computer', () => {
  let engine: PrivateEngine;
  let sshd: TestSshd;
  let h: Harness | undefined;
  let machine: MachineView | undefined;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image });
    sshd = await TestSshd.start(engine.host);
    // "There": an ISO put by another program, as a person would copy one to that computer.
    await sh('mkdir', '-p', `${remote.root}/isos`);
    await sh('cp', testIso, `${remote.root}/isos/shell.iso`);
  }, 180_000);
  afterAll(async () => {
    if (h) await h.cleanup(machine ? [machine.id] : []).catch(() => undefined);
    await sshd?.dispose();
    await engine?.dispose();
    await sh('rm', '-rf', remote.root).catch(() => undefined);
  }, 180_000);

  it('the wizard’s ISO check, create (folder made there, with its marker) and start read nothing here', async () => {
    // The helper containers run in a machine image already there (never pulled): the default one, here the stand-in.
    h = await Harness.create({ ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: image });
    await h.waitForEngine(true, 30_000);
    const iso = `${remote.root}/isos/shell.iso`;
    expect(await h.call('inspectIso', { path: iso })).toMatchObject({ path: iso, format: 'iso9660' });
    await expect(h.call('inspectIso', { path: `${remote.root}/isos/none.iso` })).rejects.toThrow(
      /does not exist.*\(on 127\.0\.0\.1, the engine's computer\)/,
    );

    const storageDir = `${remote.root}/vms/win`;
    machine = await h.call('createMachine', {
      name: uniqueName('Ssh storage'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      storageDir,
      customIso: iso,
    });
    expect(await sh('stat', '-c', '%U %F', storageDir)).toBe('root directory');
    expect(JSON.parse(await sh('cat', `${storageDir}/.porthole-storage`))).toMatchObject({ machineId: machine.id });

    await h.call('startMachine', { id: machine.id });
    const up = await h.waitFor(machine.id, (v) => v.status.running, 120_000, 'running over ssh');
    expect(await engine.docker('ps', '-q', '--no-trunc')).toContain(up.status.containerId);
    const mounts = JSON.parse(
      await engine.docker('inspect', '--format', '{{json .Mounts}}', up.status.containerId!),
    ) as Array<{ Source: string; Destination: string }>;
    expect(mounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Source: storageDir, Destination: '/storage' }),
        expect.objectContaining({ Source: iso, Destination: '/custom.iso' }),
      ]),
    );
    // The /oem folder there holds Porthole's scripts (copied through the engine).
    const oem = mounts.find((m) => m.Destination === '/oem')!.Source;
    expect(await engine.docker('exec', up.status.containerId!, 'ls', '/oem')).toContain('install.bat');
    expect(oem).toContain(machine.id);
    // Only Porthole's machine runs there: the helper containers are gone.
    expect((await engine.docker('ps', '-aq')).split('\n').filter(Boolean)).toHaveLength(1);
    expect(remote.touched.join('\n')).toBe('');
  });

  it('a folder inside that running machine’s storage there is refused (its container is found by the path as written there)', async () => {
    await expect(
      h!.call('createMachine', {
        name: uniqueName('Ssh clash'),
        image,
        kvm: false,
        ramGiB: 2,
        cpuCores: 1,
        diskGiB: 64,
        storageDir: `${remote.root}/vms/win/inner`,
      }),
    ).rejects.toThrow(/The container “porthole-ssh-storage/);
    await expect(sh('test', '-e', `${remote.root}/vms/win/inner`)).rejects.toThrow();
    expect(remote.touched).toEqual([]);
  });
});
