import type { MachineView } from '../api';
import type { Shell } from './shell';

/** The parts that follow the machines: the notifier and the tray. */
export interface MachineFollowers {
  notifier: { seed(machines: MachineView[]): void; changed(view: MachineView): unknown; removed(id: string): void };
  tray: { update(machines: MachineView[]): void };
}

/**
 * Keeps the shell's list of machines from the backend's events (a removed machine's screen window closes),
 * and the notifier and tray with it; then reads the list once, without notifying what already was.
 */
export async function trackMachines(
  shell: Pick<Shell, 'backend' | 'machines' | 'screens'>,
  followers: MachineFollowers,
): Promise<void> {
  const { backend, machines, screens } = shell;
  const { notifier, tray } = followers;
  backend.subscribe((ev) => {
    if (ev.event === 'machineChanged') {
      notifier.changed(ev.payload);
      machines.set(ev.payload.id, ev.payload);
    } else if (ev.event === 'machineRemoved') {
      notifier.removed(ev.payload.id);
      machines.delete(ev.payload.id);
      screens.close(ev.payload.id);
    } else {
      return;
    }
    tray.update([...machines.values()]);
  });
  const listed = await backend.invoke('listMachines', {});
  if (listed.ok) {
    for (const m of listed.value as MachineView[]) machines.set(m.id, m);
    notifier.seed([...machines.values()]);
    tray.update([...machines.values()]);
  }
}
