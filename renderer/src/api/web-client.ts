import {
  actionNames,
  CLOSE_INVALID_DATA,
  CLOSE_TOO_BIG,
  fromEnvelope,
  MAX_CLIENT_FRAME_BYTES,
  PortholeError,
  serverMessageSchema,
  type ActionName,
  type EventName,
  type EventPayload,
  type PortholeApi,
  type ServerMessage,
  type StreamName,
} from '@porthole/api';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type AnyListener = (payload: unknown) => void;
/** An open stream: what it was opened with (to open it again after a reconnect) and where its items go. */
interface OpenStream {
  stream: StreamName;
  request: unknown;
  onItem: (item: unknown) => void;
  onEnd?: ((error?: PortholeError) => void) | undefined;
}

/** What a connection keeps across reconnects: calls awaiting answers, event listeners, open streams. */
interface ClientState {
  pending: Map<number, Pending>;
  listeners: Map<EventName, Set<AnyListener>>;
  streams: Map<number, OpenStream>;
}

/** A frame from the host, checked against the wire schema; null when it is not one. */
function readServerMessage(text: string): ServerMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = serverMessageSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** Hands one message from the host to the call, stream or listeners it is for. */
function deliver(state: ClientState, message: ServerMessage): void {
  const { pending, listeners, streams } = state;
  if (message.t === 'item') {
    streams.get(message.sid)?.onItem(message.item);
    return;
  }
  if (message.t === 'end') {
    const s = streams.get(message.sid);
    streams.delete(message.sid);
    s?.onEnd?.(message.error ? fromEnvelope(message.error) : undefined);
    return;
  }
  if (message.t === 'event') {
    for (const listener of listeners.get(message.event as EventName) ?? []) listener(message.payload);
    return;
  }
  if (message.t === 'protocolError') {
    // The host could not read a call of ours: fail that call, or say so when it could not tell which.
    const call = message.id === null ? undefined : pending.get(message.id);
    if (call) {
      pending.delete(message.id!);
      call.reject(fromEnvelope(message.error));
    } else console.error(`Porthole refused a message: ${message.error.message}`);
    return;
  }
  const call = pending.get(message.id);
  if (!call) return;
  pending.delete(message.id);
  if (message.ok) call.resolve(message.value);
  else call.reject(fromEnvelope(message.error));
}

/** The error the calls in flight fail with when the connection closes. */
function closedError(e: CloseEvent): PortholeError {
  // The host closes with 1007/1009 and a reason when a frame broke its rules: that is the calls' error.
  const refused = e.code === CLOSE_INVALID_DATA || e.code === CLOSE_TOO_BIG;
  return refused
    ? new PortholeError('INVALID_ARGUMENT', `Porthole closed the connection: ${e.reason || `code ${e.code}`}`)
    : new PortholeError('ENGINE_UNAVAILABLE', 'The connection to Porthole was lost.');
}

/** A call's frame; refused here when over the host's limit, since the host would close the connection on it. */
function callFrame(id: number, action: ActionName, request: unknown): string {
  const frame = JSON.stringify({ t: 'call', id, action, request: request ?? {} });
  if (new TextEncoder().encode(frame).byteLength > MAX_CLIENT_FRAME_BYTES) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `The request is too large to send (over ${MAX_CLIENT_FRAME_BYTES} bytes).`,
    );
  }
  return frame;
}

/** `subscribe` over the state's listeners. */
function subscriber(listeners: ClientState['listeners']): PortholeApi['subscribe'] {
  return <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    const set = listeners.get(event) ?? new Set<AnyListener>();
    listeners.set(event, set);
    const wrapped = listener as AnyListener;
    set.add(wrapped);
    return () => set.delete(wrapped);
  };
}

/**
 * The contract over the web host's WebSocket: the same `PortholeApi` the Electron preload exposes.
 * Reconnects by itself; calls made while disconnected wait for the connection.
 */
export function connectWebApi(url: string, onConnection?: (connected: boolean) => void): PortholeApi {
  const state: ClientState = { pending: new Map(), listeners: new Map(), streams: new Map() };
  const { pending, streams } = state;
  let nextId = 1;
  let nextStreamId = 1;
  const sendOpen = (sid: number, s: OpenStream): void => {
    if (socket.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ t: 'open', sid, stream: s.stream, request: s.request ?? {} }));
  };
  let socket: WebSocket;
  let ready: Promise<void>;
  let attempt = 0;

  const open = (): void => {
    socket = new WebSocket(url);
    ready = new Promise<void>((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('open', () => {
      attempt = 0;
      // Streams the host forgot when the connection dropped are opened again (a log re-sends its tail).
      for (const [sid, s] of streams) sendOpen(sid, s);
      // Subscribers re-read their state on (re)connection: events sent while away are not replayed.
      onConnection?.(true);
    });
    socket.addEventListener('message', (e: MessageEvent<string>) => {
      const message = readServerMessage(e.data);
      if (message) deliver(state, message);
    });
    socket.addEventListener('close', (e: CloseEvent) => {
      onConnection?.(false);
      const error = closedError(e);
      for (const [id, call] of pending) {
        call.reject(error);
        pending.delete(id);
      }
      const delay = Math.min(5000, 250 * 2 ** attempt++);
      setTimeout(open, delay);
    });
  };
  open();

  const call = async (action: ActionName, request: unknown): Promise<unknown> => {
    await ready;
    const id = nextId++;
    const frame = callFrame(id, action, request);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(frame);
    });
  };

  const api: Record<string, unknown> = { subscribe: subscriber(state.listeners) };
  api.openStream = (
    stream: StreamName,
    request: unknown,
    onItem: (item: unknown) => void,
    onEnd?: (error?: PortholeError) => void,
  ) => {
    const sid = nextStreamId++;
    const s: OpenStream = { stream, request, onItem, onEnd };
    streams.set(sid, s);
    sendOpen(sid, s); // When not connected yet, the 'open' handler sends it.
    return () => {
      if (!streams.delete(sid)) return;
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ t: 'close', sid }));
    };
  };
  for (const name of actionNames) api[name] = (request: unknown) => call(name, request);
  return api as PortholeApi;
}
