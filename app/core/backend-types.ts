import {
  actions,
  isActionName,
  PortholeError,
  toEnvelope,
  type ActionName,
  type CallResult,
  type ErrorEnvelope,
  type EventName,
  type EventPayload,
  type Handlers,
} from '../api';

export type BackendEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];
export type BackendListener = (event: BackendEvent) => void;

/**
 * The one backend. Every transport (Electron IPC, the web host's WebSocket, the CLI)
 * calls `invoke` with an untrusted action name and request, and relays `subscribe` events.
 */
export interface Backend {
  /** Validates the name and the request against the contract, runs the handler, never throws. */
  invoke(action: unknown, request: unknown): Promise<CallResult>;
  subscribe(listener: BackendListener): () => void;
  /**
   * Opens a stream of the contract (an untrusted name and request, validated like a call) for one
   * client; `close` stops it and the work behind it. A transport closes every stream of a client that goes.
   */
  openStream(
    stream: unknown,
    request: unknown,
    sink: StreamEnvelopeSink,
  ): Promise<{ ok: true; close: () => void } | { ok: false; error: ErrorEnvelope }>;
  readonly handlers: Handlers;
  dispose(): Promise<void>;
}

/**
 * One call of the contract on a handler table: the name checked, the request parsed by its schema, the
 * handler run; never throws (errors come back as envelopes). `admitted` sees each call with a known name
 * before its request is parsed. The backend and the tests' fake backend both serve calls through this.
 */
export async function dispatch(
  handlers: Handlers,
  action: unknown,
  request: unknown,
  admitted?: (action: ActionName, request: unknown) => void,
): Promise<CallResult> {
  try {
    if (!isActionName(action)) {
      throw new PortholeError('INVALID_ARGUMENT', `Unknown action ${describeActionName(action)}.`);
    }
    admitted?.(action, request);
    const parsed: unknown = actions[action].request.parse(request ?? {});
    const handler = handlers[action] as (req: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed) };
  } catch (err) {
    return { ok: false, error: toEnvelope(err) };
  }
}

/** An unknown action (or stream) name as an error may quote it: short, and never by calling the caller's toString. */
export function describeActionName(action: unknown): string {
  if (typeof action !== 'string') return `(a ${action === null ? 'null' : typeof action}, not a name)`;
  return `"${action.length > 64 ? `${action.slice(0, 64)}…` : action}"`;
}

/** A stream's items as they cross a transport: plain data, and the ending error as an envelope. */
export interface StreamEnvelopeSink {
  item(item: unknown): void;
  end(error?: ErrorEnvelope): void;
}
