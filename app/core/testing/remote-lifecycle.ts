// One lifecycle pass on an engine reached some other way than the local shared socket (ssh, TLS,
// Podman): the machine's container must live on that engine, and a stop and a start must keep it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { MachineView } from '../../api';
import { uniqueName, type Harness } from './harness';

const running = (v: MachineView): boolean =>
  v.status.running &&
  v.status.screenReady &&
  ['booting', 'installing', 'running-iso', 'ready'].includes(v.status.phase);

export interface LifecycleOptions {
  image: string;
  name: string;
  over: string;
  /**
   * Also: the app restarting adopts the running container (no duplicate), and a changed setting
   * recreates the container keeping the disk (data.img, same inode). For engines other than Docker.
   */
  full?: boolean;
  /** Runs after the machine is created, before its first start (e.g. hand its folders to a rootless engine's user). */
  prepare?: (machine: MachineView) => Promise<void>;
}

/** Create, start to a live screen, graceful stop, start again on the same container, force off. */
export async function remoteLifecyclePass(
  h: Harness,
  engine: { docker: (...args: string[]) => Promise<string> },
  opts: LifecycleOptions,
): Promise<MachineView> {
  const machine = await h.call('createMachine', {
    name: uniqueName(opts.name),
    image: opts.image,
    kvm: false,
    ramGiB: 2,
    cpuCores: 1,
    diskGiB: 64,
  });
  await opts.prepare?.(machine);
  const up = await startAndFollowOnce(h, machine.id, `running over ${opts.over}`);
  // The container is on the engine behind the remote address (its own data root), not on the shared engine.
  expect(await engine.docker('ps', '-q', '--no-trunc')).toContain(up.status.containerId);
  if (opts.full) {
    await h.shutdown();
    await h.boot();
    const adopted = await h.waitFor(machine.id, running, 60_000, `adopted after a restart over ${opts.over}`);
    expect(adopted.status.containerId).toBe(up.status.containerId);
    expect(await h.containersOf(machine.id)).toEqual([up.status.containerId]);
  }
  await h.call('stopMachine', { id: machine.id });
  await h.waitFor(machine.id, (v) => !v.status.running && v.status.phase === 'stopped', 150_000, 'stopped');
  const again = await startAndFollowOnce(h, machine.id, 'running again');
  expect(again.status.containerId).toBe(up.status.containerId);
  if (opts.full) {
    const disk = await stat(join(machine.storageDir, 'data.img'));
    const { appliesAt } = await h.call('updateMachine', { id: machine.id, changes: { ramGiB: 3 } });
    expect(appliesAt).toBe('recreate');
    await h.call('applyMachine', { id: machine.id });
    const recreated = await h.waitFor(
      machine.id,
      (v) => running(v) && v.status.containerId !== up.status.containerId,
      120_000,
      `recreated over ${opts.over}`,
    );
    expect(await h.containersOf(machine.id)).toEqual([recreated.status.containerId]);
    const after = await stat(join(machine.storageDir, 'data.img'));
    expect({ ino: after.ino, size: after.size }).toEqual({ ino: disk.ino, size: disk.size });
  }
  await h.call('forceStopMachine', { id: machine.id });
  await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 30_000, 'off');
  return machine;
}

/**
 * Starts the machine and waits for it to run. The start call ends with the machine shown starting (never
 * with a Start button for a machine already starting, as when Podman's start event came late), and the
 * run is followed once: the start call and the engine's start event do not each begin it again.
 */
async function startAndFollowOnce(h: Harness, id: string, what: string): Promise<MachineView> {
  const from = h.mark(id);
  await h.call('startMachine', { id });
  const answered = await h.call('getMachine', { id });
  expect(
    answered.status.running,
    `the machine runs when the start call answers: ${JSON.stringify(answered.status)}`,
  ).toBe(true);
  const up = await h.waitFor(id, running, 120_000, what);
  const phases = h.statusesSince(id, from).map((s) => s.phase);
  expect(
    phases.filter((p, i) => p === 'preparing' && phases[i - 1] !== 'preparing'),
    phases.join(' -> '),
  ).toHaveLength(1);
  return up;
}
