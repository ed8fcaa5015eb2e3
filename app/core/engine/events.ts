import { INSTANCE_LABEL, MACHINE_LABEL, RECORD_LABEL } from './labels';

// The engine's container events: which Porthole asks for, and each line of the stream read into an EngineEvent.

/** The container events Porthole acts on: a start (inspect and follow), an exit, an OOM, a removal. */
export const CONTAINER_EVENTS = ['start', 'die', 'oom', 'destroy'] as const;

/**
 * Podman's names for the same events, where they differ. Its compatible API prints an exit as `die`
 * but filters on its own name, `died`: a stream filtered on `die` alone never carries an exit from
 * Podman (measured on 4.3). A removal is `remove` there. Docker ignores names it does not emit.
 */
const PODMAN_EVENT_NAMES: Readonly<Record<string, (typeof CONTAINER_EVENTS)[number]>> = {
  died: 'die',
  remove: 'destroy',
};

/** The event filter sent to the engine: Docker's names and Podman's. */
export const EVENT_FILTER = [...CONTAINER_EVENTS, ...Object.keys(PODMAN_EVENT_NAMES)];

/** A container state change from the engine's event stream. */
export interface EngineEvent {
  action: string;
  containerId: string;
  machineId: string | undefined;
  /** The Porthole configuration that made the container (its instance label); undefined before instances existed. */
  instance: string | undefined;
  /** The nonce of the machine record the container was made for (its record label); undefined for older containers. */
  record?: string | undefined;
  exitCode: number | undefined;
  time: number;
  /** The image the container runs, as the engine names it in the event (a name, or an id); undefined when it does not say. */
  image?: string;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export function parseEngineEvent(line: string): EngineEvent | null {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return null;
  }
  const named = (raw.Action ?? raw.status ?? '').split(':')[0] ?? '';
  const action = PODMAN_EVENT_NAMES[named] ?? named;
  const containerId = raw.Actor?.ID ?? raw.id;
  if (!action || !containerId) return null;
  const attrs = raw.Actor?.Attributes ?? {};
  const exit = attrs.exitCode;
  return {
    action,
    containerId,
    machineId: attrs[MACHINE_LABEL],
    instance: attrs[INSTANCE_LABEL],
    ...(attrs[RECORD_LABEL] ? { record: attrs[RECORD_LABEL] } : {}),
    exitCode: exit === undefined ? undefined : Number(exit),
    time: raw.time ?? Math.floor(Date.now() / 1000),
    ...(attrs.image ? { image: attrs.image } : {}),
  };
}
