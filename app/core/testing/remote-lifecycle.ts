// One lifecycle pass on an engine reached some other way than the local socket (ssh, TLS): the
// machine's container must live on that engine, and a stop and a start must keep it.
import { expect } from 'vitest';
import type { MachineView } from '../../api';
import { uniqueName, type Harness } from './harness';

const running = (v: MachineView): boolean => v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

/** Create, start to a live screen, graceful stop, start again on the same container, force off. */
export async function remoteLifecyclePass(h: Harness, engine: { docker: (...args: string[]) => Promise<string> }, opts: { image: string; name: string; over: string }): Promise<MachineView> {
  const machine = await h.call('createMachine', { name: uniqueName(opts.name), image: opts.image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 });
  await h.call('startMachine', { id: machine.id });
  const up = await h.waitFor(machine.id, running, 120_000, `running over ${opts.over}`);
  // The container is on the engine behind the remote address (its own data root), not on the shared engine.
  expect(await engine.docker('ps', '-q', '--no-trunc')).toContain(up.status.containerId);
  await h.call('stopMachine', { id: machine.id });
  await h.waitFor(machine.id, (v) => !v.status.running && v.status.phase === 'stopped', 150_000, 'stopped');
  await h.call('startMachine', { id: machine.id });
  const again = await h.waitFor(machine.id, running, 120_000, 'running again');
  expect(again.status.containerId).toBe(up.status.containerId);
  await h.call('forceStopMachine', { id: machine.id });
  await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 30_000, 'off');
  return machine;
}
