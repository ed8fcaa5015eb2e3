import {
  actionNames,
  type ActionName,
  type ActionRequest,
  type ActionResponse,
  type CreationDefaults,
  type EventName,
  type EventPayload,
  type PortholeApi,
} from '@porthole/api';
import { sampleView } from '@porthole/api/testing/sample-machine';

type Handler<K extends ActionName> = (request: ActionRequest<K>) => Promise<ActionResponse<K>>;
export type FakeHandlers = { [K in ActionName]?: Handler<K> };

/** A PortholeApi for component tests: records every call, answers from `handlers`, and lets a test push events. */
export interface FakeApi {
  api: PortholeApi;
  calls: Array<{ action: ActionName; request: unknown }>;
  callsOf<K extends ActionName>(action: K): Array<ActionRequest<K>>;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  handlers: FakeHandlers;
  /** Streams the component opened, in order: push items with `onItem`; `closed` once it closed it. */
  streams: Array<{ stream: string; request: unknown; onItem: (item: unknown) => void; closed: boolean }>;
}

export function fakeApi(handlers: FakeHandlers = {}): FakeApi {
  const calls: FakeApi['calls'] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const api: Record<string, unknown> = {
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    openStream(stream: string, request: unknown, onItem: (item: unknown) => void) {
      const entry = { stream, request, onItem, closed: false };
      fake.streams.push(entry);
      return () => {
        entry.closed = true;
      };
    },
  };
  const fake: FakeApi = {
    api: api as PortholeApi,
    calls,
    handlers,
    streams: [],
    callsOf: <K extends ActionName>(action: K) =>
      calls.filter((c) => c.action === action).map((c) => c.request as ActionRequest<K>),
    emit: (event, payload) => {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    },
  };
  for (const name of actionNames) {
    api[name] = (request: unknown) => {
      calls.push({ action: name, request });
      const handler = fake.handlers[name] as ((r: unknown) => Promise<unknown>) | undefined;
      return handler ? handler(request) : Promise.reject(new Error(`The fake API has no answer for ${name}.`));
    };
  }
  return fake;
}

const GIB = 1024 ** 3;

/** A host like the test machines: 16 GiB (12 free), 8 threads, 100 GiB free, nested KVM. */
export function hostDefaults(overrides: Partial<CreationDefaults> = {}): CreationDefaults {
  return {
    ramTotalBytes: 16 * GIB,
    ramAvailableBytes: 12 * GIB,
    cpuThreads: 8,
    storageRoot: '/home/ada/.local/share/porthole/machines',
    freeDiskBytes: 100 * GIB,
    storageExists: true,
    language: 'en-US',
    region: 'en-GB',
    keyboard: 'de-CH',
    username: 'ada',
    kvmForMachines: true,
    kvmNested: false,
    ramGiB: 8,
    cpuCores: 4,
    diskGiB: 64,
    ...overrides,
  };
}

/** A machine view as the backend sends it. */
export const machineView = sampleView;
