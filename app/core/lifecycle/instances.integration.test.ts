import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { docker, Harness, uniqueName } from '../testing/harness';

const image = inject('standinImage');

interface Inspected {
  Id: string;
  Name: string;
  State: { Running: boolean };
  Config: { Labels: Record<string, string> };
  HostConfig: { Binds: string[] };
}

async function inspect(name: string): Promise<Inspected> {
  return (JSON.parse(await docker('inspect', name)) as Inspected[])[0]!;
}

const running = (v: MachineView): boolean =>
  v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

/**
 * Two Porthole configurations (two config dirs: two users, or a test and the app) on one engine,
 * each with a machine of the same name and so the same id: neither ever drives the other's container.
 */
describe('two configurations on one engine (stand-in image)', () => {
  let a: Harness;
  let b: Harness;
  let id: string;
  let legacyName: string | undefined;

  beforeAll(async () => {
    a = await Harness.create();
    b = await Harness.create();
  });
  afterAll(async () => {
    await a.cleanup(id ? [id] : []);
    await b.cleanup(id ? [id] : []);
    if (legacyName) await docker('rm', '-f', legacyName).catch(() => undefined);
  });

  it('keeps each configuration to its own container for a machine of the same id', async () => {
    const name = uniqueName('Twin');
    const settings = { name, image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 };
    const ma = await a.call('createMachine', settings);
    const mb = await b.call('createMachine', settings);
    id = ma.id;
    expect(mb.id).toBe(id);
    expect(a.instance).not.toBe(b.instance);
    expect(a.containerName(id)).not.toBe(b.containerName(id));

    await a.call('startMachine', { id });
    const first = await a.waitFor(id, running, 120_000, 'A running');
    const theirs = await inspect(a.containerName(id));
    expect(theirs.Id).toBe(first.status.containerId);
    expect(theirs.Config.Labels).toMatchObject({ 'io.porthole.machine': id, 'io.porthole.instance': a.instance });

    // B saw A's container start on the shared engine and took none of it.
    expect((await b.call('getMachine', { id })).status).toMatchObject({ phase: 'absent', running: false });
    expect((b.history.get(id) ?? []).some((s) => s.running || s.containerId === theirs.Id)).toBe(false);
    // B reconnecting (a restart of its app) does not take it either.
    await b.shutdown();
    await b.boot();
    expect((await b.call('getMachine', { id })).status).toMatchObject({ phase: 'absent', running: false });
    // Nor does a stop, a log read or an apply of B's machine reach it.
    await b.call('stopMachine', { id });
    await b.call('forceStopMachine', { id });
    expect((await b.call('machineLogs', { id, tail: 10 })).lines).toEqual([]);
    await b.call('applyMachine', { id });
    expect((await inspect(a.containerName(id))).State.Running).toBe(true);

    // B offers A's container for adoption only as another configuration's, never as its own.
    const offeredToB = (await b.call('adoptableContainers', {})).find((c) => c.containerId === theirs.Id);
    expect(offeredToB).toMatchObject({ porthole: false, foreign: true, running: true });
    expect((await a.call('adoptableContainers', {})).find((c) => c.containerId === theirs.Id)).toBeUndefined();

    // B starts its own: a second container, on B's disk; A's keeps running untouched.
    await b.call('startMachine', { id });
    const second = await b.waitFor(id, running, 120_000, 'B running');
    expect(second.status.containerId).not.toBe(theirs.Id);
    const ours = await inspect(b.containerName(id));
    expect(ours.Id).toBe(second.status.containerId);
    expect(ours.HostConfig.Binds).toContain(`${mb.storageDir}:/storage`);
    expect(theirs.HostConfig.Binds).toContain(`${ma.storageDir}:/storage`);
    expect(await a.containersOf(id)).toEqual([theirs.Id]);
    expect(await b.containersOf(id)).toEqual([ours.Id]);

    // B stops and removes its machine: A's machine runs on, with the same container.
    await b.call('stopMachine', { id });
    await b.waitFor(id, (v) => v.status.phase === 'stopped', 60_000, 'B stopped');
    await b.call('deleteMachine', { id, deleteDisk: true });
    await expect(docker('inspect', b.containerName(id))).rejects.toThrow();
    const after = await inspect(a.containerName(id));
    expect(after.Id).toBe(theirs.Id);
    expect(after.State.Running).toBe(true);
    expect(a.views.get(id)).toMatchObject({ status: { running: true, containerId: theirs.Id } });
    expect((a.history.get(id) ?? []).slice(-1)[0]?.running).toBe(true);

    await a.call('stopMachine', { id });
    await a.waitFor(id, (v) => v.status.phase === 'stopped', 60_000, 'A stopped');
  });

  it('keeps a container made before configurations had ids only where its /storage is the machine’s', async () => {
    // As Porthole made it before instances: the machine label, the old name, A's storage folder.
    const record = await a.call('getMachine', { id });
    await docker('rm', '-f', a.containerName(id));
    legacyName = `porthole-${id}`;
    await docker(
      'run',
      '-d',
      '--name',
      legacyName,
      '--label',
      `io.porthole.machine=${id}`,
      '-e',
      'KVM=N',
      '-e',
      'RAM_SIZE=2G',
      '-e',
      'CPU_CORES=1',
      '-v',
      `${record.storageDir}:/storage`,
      '--stop-timeout',
      '120',
      image,
    );
    const legacy = await inspect(legacyName);

    // A (whose storage it binds) takes it as its machine's after a restart, and drives it. Its record is
    // as old as the container: made before records had a nonce (which its containers would carry).
    await a.shutdown();
    const path = join(a.configDir, 'machines.json');
    const file = JSON.parse(await readFile(path, 'utf8')) as {
      machines: Array<{ settings: { id: string }; nonce?: string }>;
    };
    await writeFile(path, JSON.stringify({ ...file, machines: file.machines.map(({ nonce: _made, ...m }) => m) }));
    await a.boot();
    await a.waitFor(
      id,
      (v) => v.status.running && v.status.containerId === legacy.Id,
      60_000,
      'A following the older container',
    );

    // A configuration with a machine of the same id but another disk neither takes nor touches it.
    const c = await Harness.create();
    try {
      const mc = await c.call('createMachine', {
        name: record.name,
        image,
        kvm: false,
        ramGiB: 2,
        cpuCores: 1,
        diskGiB: 64,
      });
      expect(mc.id).toBe(id);
      expect((await c.call('getMachine', { id })).status).toMatchObject({ phase: 'absent', running: false });
      expect((await c.call('adoptableContainers', {})).find((x) => x.containerId === legacy.Id)).toMatchObject({
        porthole: false,
        foreign: true,
      });
      await c.call('deleteMachine', { id, deleteDisk: true });
      expect((await inspect(legacyName)).State.Running).toBe(true);
    } finally {
      await c.cleanup([]);
    }

    // A's stop reaches it; A's next start replaces it with a container carrying A's instance label.
    await a.call('stopMachine', { id });
    await a.waitFor(id, (v) => v.status.phase === 'stopped', 150_000, 'A stopped the older container');
    await a.call('startMachine', { id });
    const renewed = await a.waitFor(
      id,
      (v) => running(v) && v.status.containerId !== legacy.Id,
      120_000,
      'A in a labelled container',
    );
    await expect(docker('inspect', legacyName)).rejects.toThrow();
    legacyName = undefined;
    expect((await inspect(a.containerName(id))).Id).toBe(renewed.status.containerId);
    await a.call('stopMachine', { id });
    await a.waitFor(id, (v) => v.status.phase === 'stopped', 60_000, 'A stopped');
  });
});
