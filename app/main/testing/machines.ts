// Machines in a given phase for the main-process unit tests, built on the one sample machine.
import type { MachinePhase, MachineStatus, MachineView } from '../../api';
import { sampleView } from '../../api/testing/sample-machine';

const RUNNING_PHASES: ReadonlySet<MachinePhase> = new Set([
  'preparing',
  'booting',
  'installing',
  'running-iso',
  'ready',
  'stopping',
]);

export function machine(id: string, phase: MachinePhase, status: Partial<MachineStatus> = {}, name = id): MachineView {
  return sampleView({
    id,
    name,
    storageDir: `/home/ada/.local/share/porthole/machines/${id}`,
    status: {
      phase,
      running: RUNNING_PHASES.has(phase),
      screenReady: phase === 'installing' || phase === 'running-iso' || phase === 'ready' || phase === 'booting',
      ...status,
    },
  });
}
