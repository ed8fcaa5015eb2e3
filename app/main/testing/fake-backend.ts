// A Backend for unit tests: validates like the real one (the contract's schemas), answers from a
// small table of machines, and lets the test push events.
import { actionNames, PortholeError, type CallResult, type Handlers, type MachineView } from '../../api';
import { dispatch, type Backend, type BackendEvent, type BackendListener } from '../../core/backend-types';

export interface FakeBackend extends Backend {
  calls: { action: string; request: unknown }[];
  emit(event: BackendEvent): void;
  machines: Map<string, MachineView>;
}

/** The one Windows program every fake machine lists. */
export const FAKE_APP = {
  id: '3561ec4a8629',
  name: 'Notepad',
  target: 'C:\\Windows\\notepad.exe',
  args: '',
  source: 'start-menu' as const,
  icon: null,
  inMenu: false,
};

export function fakeBackend(machines: MachineView[] = []): FakeBackend {
  const listeners = new Set<BackendListener>();
  const table = new Map(machines.map((m) => [m.id, m]));
  const calls: { action: string; request: unknown }[] = [];
  const find = (id: string): MachineView => {
    const m = table.get(id);
    if (!m) throw new PortholeError('NOT_FOUND', `No machine "${id}".`);
    return m;
  };
  const ok = { ok: true } as const;
  const notHere = async (): Promise<never> => {
    throw new PortholeError('INTERNAL', 'not in the fake backend');
  };
  // Every action answers; the few the shell uses answer for real. (Survives the contract growing.)
  const handlers = Object.fromEntries(actionNames.map((name) => [name, notHere])) as unknown as Handlers;
  Object.assign(handlers, {
    listMachines: async () => [...table.values()],
    getMachine: async ({ id }) => find(id),
    startMachine: async ({ id }) => (find(id), ok),
    stopMachine: async ({ id }) => (find(id), ok),
    forceStopMachine: async ({ id }) => (find(id), ok),
    restartMachine: async ({ id }) => (find(id), ok),
    deleteMachine: async ({ id }) => (find(id), ok),
    listApps: async ({ id }) => (
      find(id),
      { state: 'ok' as const, folder: '/shared/.porthole/apps', written: null, apps: [FAKE_APP], warnings: [] }
    ),
    launchApp: async ({ id, app }) => {
      find(id);
      if (app !== FAKE_APP.id) throw new PortholeError('NOT_FOUND', `No program ${app}.`);
      return { launched: true, client: 'xfreerdp' };
    },
    engineStatus: async () => ({ connected: false, kind: 'unknown', endpoint: 'unix:///var/run/docker.sock' }),
  } satisfies Partial<Handlers>);
  return {
    handlers,
    calls,
    machines: table,
    invoke: (action: unknown, request: unknown): Promise<CallResult> =>
      dispatch(handlers, action, request, (name, req) => calls.push({ action: name, request: req })),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async openStream() {
      return {
        ok: false as const,
        error: { code: 'INVALID_ARGUMENT' as const, message: 'This double has no streams.' },
      };
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    async dispose() {
      listeners.clear();
    },
  };
}
