import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, toEnvelope, type CallResult } from '../api';
import type { Backend } from '../core/backend-types';

/** The part of ipcMain we use (tests pass a fake). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown> | unknown): void;
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
  if (typeof args[0] !== 'string') return `A call names its action with a string, not ${args[0] === null ? 'null' : typeof args[0]}.`;
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
