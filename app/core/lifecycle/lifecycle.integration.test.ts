import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { docker, Harness, uniqueName } from '../testing/harness';

const image = inject('standinImage');

interface ContainerInfo {
  Id: string;
  Config: { Env: string[]; Labels: Record<string, string> };
  HostConfig: {
    Binds: string[];
    PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
    CapAdd: string[];
  };
}

async function inspect(name: string): Promise<ContainerInfo> {
  return (JSON.parse(await docker('inspect', name)) as ContainerInfo[])[0]!;
}

const running = (v: MachineView): boolean =>
  v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

describe('machine lifecycle against the real engine (stand-in image)', () => {
  let h: Harness;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await Harness.create();
  });
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('creates, starts, shows preparation then the screen, and stops gracefully keeping data.img', async () => {
    const machine = await h.call('createMachine', {
      name: uniqueName('Life'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(machine.id);
    expect(machine.status.phase).toBe('absent');
    expect(machine.ports.web).not.toBe(machine.ports.rdp);

    await h.call('startMachine', { id: machine.id });
    const preparing = await h.waitFor(
      machine.id,
      (v) => v.status.phase === 'preparing' && /\.\.\.$/.test(v.status.message ?? ''),
      60_000,
      'a preparation message',
    );
    expect(preparing.status.running).toBe(true);
    await h.waitFor(machine.id, running, 90_000, 'the screen');

    const info = await inspect(h.containerName(machine.id));
    expect(info.Config.Labels['io.porthole.machine']).toBe(machine.id);
    expect(info.Config.Env).toContain('KVM=N');
    expect(info.Config.Env).toContain('RAM_SIZE=2G');
    expect(info.HostConfig.CapAdd).toContain('NET_ADMIN');
    for (const bindings of Object.values(info.HostConfig.PortBindings)) {
      for (const b of bindings) expect(b.HostIp).toBe('127.0.0.1');
    }

    await h.call('stopMachine', { id: machine.id });
    const stopped = await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 60_000, 'stopped');
    expect(stopped.status.running).toBe(false);
    const logs = await h.call('machineLogs', { id: machine.id, tail: 200 });
    expect(logs.lines.join('\n')).toContain('Received SIGTERM signal, sending ACPI shutdown signal');
    const disk = await stat(join(machine.storageDir, 'data.img'));
    expect(disk.size).toBe(64 * 1024 ** 3);
  });
});

/**
 * Two machines side by side through every transition: start, a stop during Setup (N/10), the install,
 * a stop after it (N/100), restart, force off, apply (recreate), a container removed behind
 * Porthole's back, delete keeping the disk. At most two stand-in VMs run at once.
 */
describe('two machines side by side, every transition', () => {
  let h: Harness;
  let a: MachineView;
  let b: MachineView;
  const ids: string[] = [];
  const spec = { image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;

  beforeAll(async () => {
    h = await Harness.create();
    a = await h.call('createMachine', { name: uniqueName('Side A'), ...spec });
    b = await h.call('createMachine', { name: uniqueName('Side B'), ...spec });
    ids.push(a.id, b.id);
  });
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('runs both at once, each on its own ports, storage and container', async () => {
    await Promise.all([h.call('startMachine', { id: a.id }), h.call('startMachine', { id: b.id })]);
    const [va, vb] = await Promise.all([
      h.waitFor(a.id, running, 120_000, 'A running'),
      h.waitFor(b.id, running, 120_000, 'B running'),
    ]);
    expect(va.status.containerId).not.toBe(vb.status.containerId);
    expect(new Set([a.ports.web, a.ports.rdp, b.ports.web, b.ports.rdp]).size).toBe(4);
    expect(a.storageDir).not.toBe(b.storageDir);
    for (const m of [a, b]) {
      const info = await inspect(h.containerName(m.id));
      expect(info.HostConfig.Binds).toContain(`${m.storageDir}:/storage`);
      expect(info.HostConfig.PortBindings['8006/tcp']).toEqual([
        { HostIp: '127.0.0.1', HostPort: String(m.ports.web) },
      ]);
      // Each screen answers on its own port: /msg.html is 404 once QEMU runs.
      const response = await fetch(`http://127.0.0.1:${m.ports.web}/msg.html`);
      expect(response.status).toBe(404);
      expect((await stat(join(m.storageDir, 'data.img'))).size).toBe(64 * 1024 ** 3);
    }
  });

  it('stops B during Windows Setup with the count out of 10, while A keeps running', async () => {
    const from = h.mark(b.id);
    await h.call('stopMachine', { id: b.id });
    const stopped = await h.waitFor(b.id, (v) => v.status.phase === 'stopped', 90_000, 'B stopped');
    expect(stopped.status.failure).toBeUndefined();
    const steps = h
      .statusesSince(b.id, from)
      .flatMap((s) => (s.phase === 'stopping' && s.shutdown ? [s.shutdown] : []));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.of === 10)).toBe(true);
    expect(Math.max(...steps.map((s) => s.step))).toBeGreaterThanOrEqual(5);
    expect(h.views.get(a.id)!.status.running).toBe(true);
  });

  it('sees A install (COM1 marker), then stops it with the count out of 100', async () => {
    await h.waitFor(a.id, (v) => v.status.phase === 'ready', 90_000, 'A installed');
    const from = h.mark(a.id);
    await h.call('stopMachine', { id: a.id });
    await h.waitFor(a.id, (v) => v.status.phase === 'stopped', 60_000, 'A stopped');
    const steps = h
      .statusesSince(a.id, from)
      .flatMap((s) => (s.phase === 'stopping' && s.shutdown ? [s.shutdown] : []));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.of === 100)).toBe(true);
    await stat(join(a.storageDir, 'windows.boot'));
  });

  it('starts an installed machine straight to ready, and restarts it in the same container', async () => {
    await h.call('startMachine', { id: a.id });
    const ready = await h.waitFor(a.id, (v) => v.status.phase === 'ready' && v.status.screenReady, 60_000, 'A ready');
    const from = h.mark(a.id);
    await h.call('restartMachine', { id: a.id });
    const again = await h.waitFor(
      a.id,
      (v) => v.status.phase === 'ready' && v.status.screenReady,
      60_000,
      'A ready after restart',
    );
    const phases = h.statusesSince(a.id, from).map((s) => s.phase);
    expect(phases).toContain('stopping');
    expect(phases.indexOf('stopping')).toBeLessThan(phases.lastIndexOf('ready'));
    expect(again.status.containerId).toBe(ready.status.containerId);
  });

  it('forces A off: stopped at once, not failed', async () => {
    const started = Date.now();
    await h.call('forceStopMachine', { id: a.id });
    const off = await h.waitFor(a.id, (v) => v.status.phase === 'stopped', 30_000, 'A forced off');
    expect(off.status.failure).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('applies a change by recreating the container, keeping /storage', async () => {
    const before = await stat(join(a.storageDir, 'data.img'));
    const oldContainer = h.views.get(a.id)!.status.containerId;
    await h.call('startMachine', { id: a.id });
    await h.waitFor(a.id, running, 60_000, 'A running');
    const { appliesAt } = await h.call('updateMachine', { id: a.id, changes: { ramGiB: 3 } });
    expect(appliesAt).toBe('recreate');
    await h.call('applyMachine', { id: a.id });
    const applied = await h.waitFor(
      a.id,
      (v) => running(v) && v.status.containerId !== oldContainer,
      90_000,
      'A recreated',
    );
    const info = await inspect(h.containerName(a.id));
    expect(info.Id).toBe(applied.status.containerId);
    expect(info.Config.Env).toContain('RAM_SIZE=3G');
    const after = await stat(join(a.storageDir, 'data.img'));
    expect(after.ino).toBe(before.ino);
    expect(after.size).toBe(before.size);
    expect(await h.containersOf(a.id)).toHaveLength(1);
  });

  it('a container removed behind Porthole’s back: absent, and the next start recreates it with the same disk', async () => {
    const before = await stat(join(a.storageDir, 'data.img'));
    await docker('rm', '-f', h.containerName(a.id));
    await h.waitFor(a.id, (v) => v.status.phase === 'absent' && !v.status.running, 30_000, 'A absent');
    await h.call('startMachine', { id: a.id });
    await h.waitFor(a.id, running, 60_000, 'A running again');
    const after = await stat(join(a.storageDir, 'data.img'));
    expect(after.ino).toBe(before.ino);
    expect(await h.containersOf(a.id)).toHaveLength(1);
  });

  it('deletes B keeping its disk, and A with its disk', async () => {
    await h.call('deleteMachine', { id: b.id, deleteDisk: false });
    expect(await h.containersOf(b.id)).toEqual([]);
    expect((await stat(join(b.storageDir, 'data.img'))).size).toBe(64 * 1024 ** 3);
    await expect(h.call('getMachine', { id: b.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await h.call('deleteMachine', { id: a.id, deleteDisk: true });
    expect(await h.containersOf(a.id)).toEqual([]);
    await expect(stat(a.storageDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
