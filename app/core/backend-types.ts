import type { CallResult, EventName, EventPayload, Handlers } from '../api';

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
  readonly handlers: Handlers;
  dispose(): Promise<void>;
}
