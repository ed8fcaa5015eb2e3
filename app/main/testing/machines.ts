// Fixtures for the main-process unit tests (not part of the app bundle).
import type { MachinePhase, MachineStatus, MachineView } from '../../api';

const RUNNING_PHASES: ReadonlySet<MachinePhase> = new Set(['preparing', 'booting', 'installing', 'ready', 'stopping']);

export function machine(id: string, phase: MachinePhase, status: Partial<MachineStatus> = {}, name = id): MachineView {
  return {
    id,
    name,
    image: 'dockurr/windows:6.05',
    version: '11',
    language: 'English',
    username: 'Docker',
    hasPassword: true,
    ramGiB: 4,
    cpuCores: 2,
    diskGiB: 64,
    diskFormat: 'raw',
    sharedFolders: [],
    customIso: null,
    screen: { width: 1280, height: 800 },
    storageDir: `/home/me/.local/share/porthole/machines/${id}`,
    ports: { web: 18006, rdp: 13389 },
    autoStart: false,
    kvm: true,
    status: {
      phase,
      running: RUNNING_PHASES.has(phase),
      screenReady: phase === 'installing' || phase === 'ready' || phase === 'booting',
      ...status,
    },
  };
}
