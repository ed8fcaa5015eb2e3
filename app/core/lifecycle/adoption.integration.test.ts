import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { freePorts } from './ports';

const standin = inject('standinImage');
/** The stand-in under the name a person's own container would use: only in the private engine. */
const DOCKUR = 'dockurr/windows:porthole-standin';

interface Inspected {
  Id: string;
  Config: { Env: string[]; Labels: Record<string, string> | null };
  HostConfig: { Binds: string[] | null; PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
  State: { Running: boolean; ExitCode: number };
}

const running = (v: MachineView): boolean =>
  v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

/**
 * Adoption against a private engine: after the app restarts, after its records were lost, and of
 * containers a person made by hand (running, failed with 16 or 73, or keeping its disk in a volume).
 */
describe('adopting containers (private engine, stand-in image)', () => {
  let engine: PrivateEngine;
  let h: Harness;
  let tmp: string;
  const harnesses: Harness[] = [];
  let machine: MachineView;

  const inspect = async (name: string): Promise<Inspected> =>
    (JSON.parse(await engine.docker('inspect', name)) as Inspected[])[0]!;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image: standin });
    await engine.docker('tag', standin, DOCKUR);
    tmp = await mkdtemp(join(tmpdir(), 'porthole-adopt-'));
    h = await Harness.create(engine.env());
    harnesses.push(h);
  });
  afterAll(async () => {
    for (const harness of harnesses) await harness.cleanup([]);
    await engine.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  it('after the app restarts, adopts the running container with its phase and makes no duplicate', async () => {
    machine = await h.call('createMachine', {
      name: uniqueName('Restart'),
      image: standin,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    await h.call('startMachine', { id: machine.id });
    const before = await h.waitFor(machine.id, (v) => v.status.phase === 'ready', 120_000, 'installed and ready');

    await h.shutdown();
    await h.boot();
    const after = await h.waitFor(
      machine.id,
      (v) => v.status.phase === 'ready' && v.status.screenReady,
      60_000,
      'ready again',
    );
    expect(after.status.containerId).toBe(before.status.containerId);
    expect(await h.containersOf(machine.id)).toHaveLength(1);

    // Stopped while the app was away: the next boot says so.
    await h.shutdown();
    await engine.docker('stop', h.containerName(machine.id));
    await h.boot();
    const stopped = await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 30_000, 'stopped while away');
    expect(stopped.status.failure).toBeUndefined();
    expect(await h.containersOf(machine.id)).toHaveLength(1);
  });

  it('offers Porthole’s own container when its record is lost, and adopts it with its id and disk', async () => {
    // The records are lost; the configuration (its instance id) is not: the container is still its own.
    await h.shutdown();
    // The file and its backup, which the store would otherwise restore.
    await rm(join(h.configDir, 'machines.json'));
    await rm(join(h.configDir, 'machines.json.bak'), { force: true });
    await h.boot();
    const fresh = h;
    const offered = await fresh.call('adoptableContainers', {});
    expect(offered).toContainEqual(
      expect.objectContaining({ name: h.containerName(machine.id), porthole: true, foreign: false, running: false }),
    );
    const container = offered.find((c) => c.name === h.containerName(machine.id))!;

    const { machine: adopted } = await fresh.call('adoptContainer', { containerId: container.containerId });
    expect(adopted).toMatchObject({
      id: machine.id,
      storageDir: machine.storageDir,
      ramGiB: 2,
      cpuCores: 1,
      kvm: false,
      ports: machine.ports,
    });
    expect(adopted.status.phase).toBe('stopped');
    expect(await fresh.call('adoptableContainers', {})).not.toContainEqual(
      expect.objectContaining({ containerId: container.containerId }),
    );
    await expect(fresh.call('adoptContainer', { containerId: container.containerId })).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    const disk = await stat(join(machine.storageDir, 'data.img'));
    await fresh.call('startMachine', { id: machine.id });
    await fresh.waitFor(machine.id, (v) => v.status.phase === 'ready', 60_000, 'ready under the new records');
    expect(await fresh.containersOf(machine.id)).toHaveLength(1);
    expect((await stat(join(machine.storageDir, 'data.img'))).ino).toBe(disk.ino);
    await fresh.call('stopMachine', { id: machine.id });
    await fresh.waitFor(machine.id, (v) => v.status.phase === 'stopped', 60_000, 'stopped');
  });

  it('adopts a running hand-made dockur container, follows it, and replaces it at the next start', async () => {
    const storage = join(tmp, 'handmade');
    await mkdir(storage);
    const [web, rdp] = await freePorts(2, new Set());
    const name = `handmade-${Math.random().toString(36).slice(2, 8)}`;
    // As a person runs it from upstream's README: every interface, no Porthole label.
    await engine.docker(
      'run',
      '-d',
      '--name',
      name,
      '-e',
      'KVM=N',
      '-e',
      'RAM_SIZE=2G',
      '-e',
      'CPU_CORES=1',
      '-e',
      'USERNAME=ada',
      '-p',
      `${web}:8006`,
      '-p',
      `${rdp}:3389`,
      '-v',
      `${storage}:/storage`,
      '--stop-timeout',
      '120',
      DOCKUR,
    );
    // Something that is not Windows is never offered.
    await engine.docker('run', '-d', '--name', `${name}-other`, '--entrypoint', 'sleep', standin, '600');

    const fresh = await Harness.create(engine.env());
    harnesses.push(fresh);
    const offered = await fresh.call('adoptableContainers', {});
    const mine = offered.find((c) => c.name === name);
    expect(mine).toMatchObject({ porthole: false, foreign: false, running: true, image: DOCKUR });
    expect(offered.find((c) => c.name === `${name}-other`)).toBeUndefined();

    const { machine: adopted } = await fresh.call('adoptContainer', { containerId: mine!.containerId });
    expect(adopted).toMatchObject({
      name,
      storageDir: storage,
      ports: { web, rdp },
      ramGiB: 2,
      cpuCores: 1,
      kvm: false,
      username: 'ada',
    });
    expect(adopted.status.running).toBe(true);
    await fresh.waitFor(adopted.id, running, 90_000, 'the hand-made machine on screen');
    expect(await fresh.containersOf(adopted.id)).toEqual([]);

    // Its stop comes back as an engine event although it has no label.
    await fresh.call('stopMachine', { id: adopted.id });
    await fresh.waitFor(adopted.id, (v) => v.status.phase === 'stopped', 60_000, 'stopped');
    const disk = await stat(join(storage, 'data.img'));

    await fresh.call('startMachine', { id: adopted.id });
    const replaced = await fresh.waitFor(adopted.id, running, 90_000, 'running in Porthole’s own container');
    await expect(engine.docker('inspect', name)).rejects.toThrow();
    const own = await inspect(fresh.containerName(adopted.id));
    expect(own.Id).toBe(replaced.status.containerId);
    expect(own.Config.Labels?.['io.porthole.machine']).toBe(adopted.id);
    expect(own.HostConfig.Binds).toContain(`${storage}:/storage`);
    expect(own.HostConfig.PortBindings['8006/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(web) }]);
    expect(own.Config.Env).toEqual(
      expect.arrayContaining(['RAM_SIZE=2G', 'CPU_CORES=1', 'KVM=N', 'USERNAME=ada', 'PASSWORD=admin']),
    );
    expect((await stat(join(storage, 'data.img'))).ino).toBe(disk.ino);
    expect((await fresh.call('adoptableContainers', {})).find((c) => c.name === name)).toBeUndefined();

    await fresh.call('stopMachine', { id: adopted.id });
    await fresh.waitFor(adopted.id, (v) => v.status.phase === 'stopped', 60_000, 'stopped');
    await engine.docker('rm', '-f', `${name}-other`);
  });

  it.each([
    { exit: 16, env: ['RAM_SIZE=1G'], logLine: /requires at least 2 GB of RAM/, fixed: { ramGiB: 2 } },
    {
      exit: 73,
      env: ['DISK_SIZE=20G'],
      logLine: /increase the DISK_SIZE variable to at least 32 GB/,
      fixed: { diskGiB: 32 },
    },
  ])(
    'shows why a hand-made container exited $exit, and runs it within the limits once adopted',
    async ({ exit, env, logLine, fixed }) => {
      const storage = join(tmp, `exit-${exit}`);
      await mkdir(storage);
      const name = `handmade-${exit}-${Math.random().toString(36).slice(2, 8)}`;
      const envArgs = ['KVM=N', 'CPU_CORES=1', 'RAM_SIZE=2G', ...env].flatMap((e) => ['-e', e]);
      await engine.docker('run', '-d', '--name', name, ...envArgs, '-v', `${storage}:/storage`, DOCKUR);
      expect(await engine.docker('wait', name)).toBe(String(exit));

      const fresh = await Harness.create(engine.env());
      harnesses.push(fresh);
      const containerId = (await inspect(name)).Id;
      const {
        machine: { id },
      } = await fresh.call('adoptContainer', { containerId });
      const failed = await fresh.waitFor(id, (v) => v.status.phase === 'failed', 30_000, `failed with ${exit}`);
      expect(failed.status.failure).toMatchObject({ exitCode: exit });
      expect(failed.status.failure!.logLine).toMatch(logLine);
      expect(failed.status.failure!.remedy.length).toBeGreaterThan(20);
      expect(failed).toMatchObject(fixed);

      await fresh.call('startMachine', { id });
      await fresh.waitFor(id, running, 120_000, 'running within the limits');
      await fresh.call('forceStopMachine', { id });
      await fresh.waitFor(id, (v) => v.status.phase === 'stopped', 30_000, 'off');
    },
  );

  it('refuses a container whose disk is in an engine volume, saying what to do', async () => {
    const name = `handmade-volume-${Math.random().toString(36).slice(2, 8)}`;
    await engine.docker('create', '--name', name, '-v', `${name}:/storage`, DOCKUR);
    const fresh = await Harness.create(engine.env());
    harnesses.push(fresh);
    const containerId = (await inspect(name)).Id;
    await expect(fresh.call('adoptContainer', { containerId })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining(`the engine volume “${name}”`),
      remedy: expect.stringContaining('-v /path/to/folder:/storage'),
    });
    expect(await fresh.call('listMachines', {})).toEqual([]);
  });
});
