import { BrowserWindow, ipcMain } from 'electron';
import { fromEnvelope } from '../api';
import type { Backend } from '../core/backend-types';
import { registerDesktopIpc } from './desktop-ipc';
import { electronDesktopServices } from './desktop-services';
import { forwardBackendEvents, registerBackendIpc, registerStreamIpc, senderCheck } from './ipc';
import { isOwnPageUrl, pageUrl } from './page';
import type { Shell } from './shell';

/** A machine's storage folder, for the "Make room" fix. */
async function machineFolder(backend: Backend, id: string): Promise<string> {
  const result = await backend.invoke('fixMachine', { id, fix: 'make-room' });
  if (!result.ok) throw fromEnvelope(result.error);
  const { folder } = result.value as { folder?: string };
  if (!folder) throw new Error(`no storage folder for ${id}`);
  return folder;
}

/**
 * Every IPC handler: the contract, its streams and the desktop helpers, each behind the sender check
 * (only our own pages, in our own windows, may call); and the backend's events to each of our pages.
 * `onCall` (test hook) sees each admitted contract call.
 */
export function registerIpcHandlers(shell: Shell, onCall?: (action: unknown, request: unknown) => void): void {
  const { backend, location } = shell;
  const allowSender = senderCheck({
    isOwnPageUrl: (url) => isOwnPageUrl(url, location),
    isOurWebContents: (wc) => shell.ourWindows().some((w) => w.webContents === wc),
  });
  registerBackendIpc({ ipcMain, backend, allowSender, ...(onCall ? { onCall } : {}) });
  registerStreamIpc({ ipcMain, backend, allowSender });
  registerDesktopIpc({
    ipcMain,
    allowSender,
    services: electronDesktopServices(
      shell.openScreen,
      (id) => machineFolder(backend, id),
      async (id) => {
        // The id was checked by the contract's schema (desktop-ipc) before it reaches the URL.
        await shell.showMain().loadURL(pageUrl(location, `/machines/${id}`));
      },
    ),
    windowOf: (event) => BrowserWindow.fromWebContents(event.sender),
  });
  forwardBackendEvents(backend, () => shell.ourWindows().map((w) => w.webContents));
}
