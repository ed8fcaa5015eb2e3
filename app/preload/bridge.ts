import {
  actionNames,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_STREAM_CLOSE_CHANNEL,
  IPC_STREAM_END_CHANNEL,
  IPC_STREAM_ITEM_CHANNEL,
  IPC_STREAM_OPEN_CHANNEL,
  isEventName,
  isStreamName,
  type ActionName,
  type DesktopBridge,
  type ErrorCode,
  type EventName,
} from '../api';
import { DESKTOP_CHANNELS, type BridgeError, type PortholeBridge } from '../api';

/** The part of ipcRenderer the bridge uses; the bridge keeps it to itself. */
export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface BridgeDeps {
  ipc: BridgeIpc;
  getPathForFile(file: File): string;
}

type Listener = (payload: unknown) => void;

function bridgeError(code: ErrorCode, message: string, remedy?: string): BridgeError {
  return remedy === undefined
    ? { name: 'PortholeError', code, message }
    : { name: 'PortholeError', code, message, remedy };
}

/** Turns a CallResult envelope into its value, or rejects with a BridgeError that keeps the code. */
function unwrap(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const r = result as { ok: unknown; value?: unknown; error?: unknown };
    if (r.ok === true) return r.value;
    const e = r.error as { code?: unknown; message?: unknown; remedy?: unknown } | undefined;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') {
      throw bridgeError(e.code as ErrorCode, e.message, typeof e.remedy === 'string' ? e.remedy : undefined);
    }
  }
  throw bridgeError('INTERNAL', 'The main process sent an answer Porthole does not understand.');
}

async function call(ipc: BridgeIpc, channel: string, ...args: unknown[]): Promise<unknown> {
  let result: unknown;
  try {
    result = await ipc.invoke(channel, ...args);
  } catch (err) {
    // Only a crash of a main-process handler gets here: ours answer with envelopes.
    throw bridgeError('INTERNAL', err instanceof Error ? err.message : String(err));
  }
  return unwrap(result);
}

/** Errors the main process ends a stream with, as a BridgeError; anything else is no error. */
function streamError(error: unknown): BridgeError | undefined {
  const e = error as { code?: unknown; message?: unknown; remedy?: unknown } | null;
  return e && typeof e.code === 'string' && typeof e.message === 'string'
    ? bridgeError(e.code as ErrorCode, e.message, typeof e.remedy === 'string' ? e.remedy : undefined)
    : undefined;
}

/** `subscribe`: one IPC listener for every event, fanned out here, so the page never touches IPC. */
function eventSubscriptions(ipc: BridgeIpc): PortholeBridge['subscribe'] {
  const listeners = new Map<EventName, Set<Listener>>();
  ipc.on(IPC_EVENT_CHANNEL, (_event, name, payload) => {
    if (!isEventName(name)) return;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (err) {
        console.error(`A listener for "${name}" threw:`, err);
      }
    }
  });
  const subscribe = (event: EventName, listener: Listener): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`Porthole has no event named "${String(event)}".`);
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      listeners.get(event)?.delete(listener);
    };
  };
  return subscribe as PortholeBridge['subscribe'];
}

/** `openStream`: the page's id for each stream, its item and end callbacks. Main sends to this page only. */
function streamOpener(ipc: BridgeIpc): PortholeBridge['openStream'] {
  const streams = new Map<number, { onItem: Listener; onEnd?: (error?: BridgeError) => void }>();
  let nextStreamId = 1;
  ipc.on(IPC_STREAM_ITEM_CHANNEL, (_event, sid, item) => {
    if (typeof sid === 'number') streams.get(sid)?.onItem(item);
  });
  ipc.on(IPC_STREAM_END_CHANNEL, (_event, sid, error) => {
    if (typeof sid !== 'number') return;
    const s = streams.get(sid);
    streams.delete(sid);
    s?.onEnd?.(streamError(error));
  });
  const openStream = (
    stream: unknown,
    request: unknown,
    onItem: Listener,
    onEnd?: (error?: BridgeError) => void,
  ): (() => void) => {
    if (!isStreamName(stream)) throw new TypeError(`Porthole has no stream named "${String(stream)}".`);
    if (typeof onItem !== 'function') throw new TypeError('openStream needs an item listener function.');
    const sid = nextStreamId++;
    streams.set(sid, { onItem, ...(typeof onEnd === 'function' ? { onEnd } : {}) });
    call(ipc, IPC_STREAM_OPEN_CHANNEL, sid, stream, request ?? {}).catch((err: unknown) => {
      const s = streams.get(sid);
      streams.delete(sid);
      s?.onEnd?.(err as BridgeError);
    });
    return () => {
      if (streams.delete(sid)) void call(ipc, IPC_STREAM_CLOSE_CHANNEL, sid).catch(() => undefined);
    };
  };
  return openStream as unknown as PortholeBridge['openStream'];
}

/** The shell-only helpers (`window.porthole.desktop`), one IPC channel each. */
function desktopHelpers(ipc: BridgeIpc): DesktopBridge {
  return {
    readClipboard: async () => (await call(ipc, DESKTOP_CHANNELS.readClipboard)) as string,
    writeClipboard: async (text) => {
      await call(ipc, DESKTOP_CHANNELS.writeClipboard, text);
    },
    pickFolder: async () => (await call(ipc, DESKTOP_CHANNELS.pickFolder)) as string | null,
    pickIso: async () => (await call(ipc, DESKTOP_CHANNELS.pickIso)) as string | null,
    saveScreenshot: async (png, suggestedName) =>
      (await call(ipc, DESKTOP_CHANNELS.saveScreenshot, png, suggestedName)) as string | null,
    openScreenWindow: async (machineId) => {
      await call(ipc, DESKTOP_CHANNELS.openScreenWindow, machineId);
    },
    openMachineFolder: async (machineId) => {
      await call(ipc, DESKTOP_CHANNELS.openMachineFolder, machineId);
    },
    openMachinePage: async (machineId) => {
      await call(ipc, DESKTOP_CHANNELS.openMachinePage, machineId);
    },
    saveTextFile: async (text, suggestedName, privateFile) =>
      (await call(ipc, DESKTOP_CHANNELS.saveTextFile, text, suggestedName, privateFile)) as string | null,
  };
}

/**
 * Builds what `window.porthole` holds: one function per contract action, `subscribe`,
 * `pathForFile` and the desktop helpers. Functions and plain data only: never ipcRenderer.
 */
export function createBridge({ ipc, getPathForFile }: BridgeDeps): PortholeBridge {
  const subscribe = eventSubscriptions(ipc);
  const openStream = streamOpener(ipc);
  const actionFunctions = {} as Record<ActionName, (request?: unknown) => Promise<unknown>>;
  for (const name of actionNames) {
    actionFunctions[name] = (request?: unknown) => call(ipc, IPC_CALL_CHANNEL, name, request ?? {});
  }
  return {
    ...actionFunctions,
    subscribe,
    openStream,
    pathForFile: (file: File) => getPathForFile(file),
    desktop: desktopHelpers(ipc),
  } as unknown as PortholeBridge;
}
