import type { IpcMainInvokeEvent, WebContents } from 'electron';
import {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_STREAM_CLOSE_CHANNEL,
  IPC_STREAM_END_CHANNEL,
  IPC_STREAM_ITEM_CHANNEL,
  IPC_STREAM_OPEN_CHANNEL,
  toEnvelope,
  type CallResult,
} from '../api';
import type { Backend } from '../core/backend-types';

/** The part of ipcMain we use (tests pass a fake). */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown> | unknown,
  ): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export const UNAUTHORIZED: CallResult = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'Only Porthole’s own page may call Porthole.' },
};

/**
 * A call is ours when it comes from the main frame of one of our windows showing our page.
 * Checked on every call: a page that navigated away, or an iframe, gets nothing.
 */
export function senderCheck(deps: {
  isOwnPageUrl(url: string): boolean;
  isOurWebContents(wc: WebContents): boolean;
}): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame) return false;
    if (frame !== event.sender.mainFrame || frame.parent !== null) return false;
    if (!deps.isOurWebContents(event.sender)) return false;
    return deps.isOwnPageUrl(frame.url);
  };
}

/** Serves the contract over IPC: every call goes through backend.invoke, which validates it. */
export function registerBackendIpc(deps: {
  ipcMain: IpcMainLike;
  backend: Backend;
  allowSender: SenderCheck;
  /** Test hook: sees every admitted call. */
  onCall?: (action: unknown, request: unknown) => void;
}): () => void {
  deps.ipcMain.handle(IPC_CALL_CHANNEL, async (event, ...args: unknown[]): Promise<CallResult> => {
    try {
      if (!deps.allowSender(event)) return UNAUTHORIZED;
      const [action, request] = args;
      const malformed = malformedCall(args);
      if (malformed) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: malformed } };
      deps.onCall?.(action, request);
      return await deps.backend.invoke(action, request);
    } catch (err) {
      // invoke promises never to throw; if it (or a check) does, the page still gets an envelope.
      return { ok: false, error: toEnvelope(err) };
    }
  });
  return () => deps.ipcMain.removeHandler(IPC_CALL_CHANNEL);
}

/** What is wrong with a call's arguments before the contract looks at them: (action name, request). */
function malformedCall(args: unknown[]): string | null {
  if (args.length > 2) return `A call takes an action name and one request, not ${args.length} arguments.`;
  if (typeof args[0] !== 'string')
    return `A call names its action with a string, not ${args[0] === null ? 'null' : typeof args[0]}.`;
  return null;
}

/** Pushes every backend event to each of our pages. */
export function forwardBackendEvents(backend: Backend, targets: () => WebContents[]): () => void {
  return backend.subscribe(({ event, payload }) => {
    for (const wc of targets()) {
      if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, event, payload);
    }
  });
}

/** The part of a WebContents the stream relay uses. */
export interface StreamTarget {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
  on(
    event: 'did-start-navigation',
    listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void,
  ): unknown;
}

/** A stream a page opened: its close once the backend has opened it (null while it is opening). */
interface OpenStream {
  close: (() => void) | null;
}

/**
 * Streams over IPC: the page opens one with an id of its choosing and closes it by that id; items
 * and the end go to that page only. A page that goes (its window closed, a reload, a navigation)
 * stops every stream it had open, so nothing is followed for nobody.
 */
export function registerStreamIpc(deps: {
  ipcMain: IpcMainLike;
  backend: Backend;
  allowSender: SenderCheck;
}): () => void {
  // One entry per open, compared by identity: a page that reloads numbers its streams from 1 again,
  // so a key alone could hand the old page's stream (still opening) to the new page's.
  const open = new Map<string, OpenStream>();
  const watched = new Set<number>();
  const closeAllOf = (wcId: number): void => {
    for (const [key, entry] of open) {
      if (key.startsWith(`${wcId}:`)) {
        open.delete(key);
        entry.close?.();
      }
    }
  };
  deps.ipcMain.handle(IPC_STREAM_OPEN_CHANNEL, async (event, ...args: unknown[]): Promise<CallResult> => {
    if (!deps.allowSender(event)) return UNAUTHORIZED;
    const [sid, stream, request] = args;
    if (typeof sid !== 'number' || !Number.isSafeInteger(sid) || sid < 0 || args.length > 3) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'A stream is opened with (id, stream name, request).' },
      };
    }
    const wc = event.sender as unknown as StreamTarget;
    const key = `${wc.id}:${sid}`;
    if (open.has(key))
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `A stream with id ${sid} is already open.` } };
    if (!watched.has(wc.id)) {
      watched.add(wc.id);
      wc.once('destroyed', () => {
        watched.delete(wc.id);
        closeAllOf(wc.id);
      });
      wc.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) closeAllOf(wc.id);
      });
    }
    const entry: OpenStream = { close: null };
    open.set(key, entry);
    const isOpen = (): boolean => open.get(key) === entry;
    const result = await deps.backend.openStream(stream, request, {
      item: (item) => {
        if (isOpen() && !wc.isDestroyed()) wc.send(IPC_STREAM_ITEM_CHANNEL, sid, item);
      },
      end: (error) => {
        if (!isOpen()) return;
        open.delete(key);
        if (!wc.isDestroyed()) wc.send(IPC_STREAM_END_CHANNEL, sid, error ?? null);
      },
    });
    if (!result.ok) {
      if (isOpen()) open.delete(key);
      return result;
    }
    if (isOpen()) entry.close = result.close;
    else result.close();
    return { ok: true, value: null };
  });
  deps.ipcMain.handle(IPC_STREAM_CLOSE_CHANNEL, (event, sid: unknown): CallResult => {
    if (!deps.allowSender(event)) return UNAUTHORIZED;
    const key = `${(event.sender as unknown as StreamTarget).id}:${String(sid)}`;
    const entry = open.get(key);
    open.delete(key);
    entry?.close?.();
    return { ok: true, value: null };
  });
  return () => {
    deps.ipcMain.removeHandler(IPC_STREAM_OPEN_CHANNEL);
    deps.ipcMain.removeHandler(IPC_STREAM_CLOSE_CHANNEL);
    const entries = [...open.values()];
    open.clear();
    for (const entry of entries) entry.close?.();
  };
}
