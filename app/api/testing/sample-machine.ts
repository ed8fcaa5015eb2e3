import type { MachineSettings } from '../machine';
import type { MachineStatus, MachineView } from '../state';

/** One complete, valid machine for tests: Windows 11 for user ada, with host ports 47001/47002. */
export function sampleMachine(overrides: Partial<MachineSettings> = {}): MachineSettings {
  return {
    id: 'win11',
    name: 'Windows 11',
    image: 'dockurr/windows:6.05',
    version: '11',
    language: 'en-US',
    username: 'ada',
    password: 'admin',
    ramGiB: 8,
    cpuCores: 4,
    diskGiB: 64,
    diskFormat: 'raw',
    sharedFolders: [],
    customIso: null,
    screen: { width: 1280, height: 720 },
    storageDir: '/home/ada/.local/share/porthole/machines/win11',
    ports: { web: 47001, rdp: 47002 },
    autoStart: false,
    kvm: true,
    audio: true,
    ...overrides,
  };
}

/** The same machine as the UI sees it (no password), stopped unless `overrides` say otherwise. */
export function sampleView(overrides: Partial<MachineView> = {}): MachineView {
  const { password: _password, ...settings } = sampleMachine();
  return {
    ...settings,
    hasPassword: true,
    status: { phase: 'stopped', running: false, screenReady: false } satisfies MachineStatus,
    ...overrides,
  };
}
