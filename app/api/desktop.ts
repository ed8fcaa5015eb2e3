import type { PortholeApi } from './contract';
import type { ErrorCode } from './errors';

/** Shell-only helpers the Electron preload exposes beside the contract (`window.porthole.desktop`); absent in the web host. */
export interface DesktopBridge {
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
  pickFolder(): Promise<string | null>;
  pickIso(): Promise<string | null>;
  saveScreenshot(png: Uint8Array, suggestedName: string): Promise<string | null>;
  openScreenWindow(machineId: string): Promise<void>;
  /** Opens the machine's storage folder in the file manager (the "Make room" fix); main looks the folder up itself. */
  openMachineFolder(machineId: string): Promise<void>;
  /** Save dialog, then writes the text (0600 when `privateFile`: a compose export holds the password). Null: cancelled. */
  saveTextFile(text: string, suggestedName: string, privateFile: boolean): Promise<string | null>;
  /** Shows the main window at the machine's page (from a screen window, which stays open). */
  openMachinePage(machineId: string): Promise<void>;
}

/** What `window.porthole` holds in the desktop app: the contract, plus what only the shell can do. */
export type PortholeBridge = PortholeApi & {
  /** The absolute path of a dropped or picked file (Electron no longer sets File.path). */
  pathForFile(file: File): string;
  desktop: DesktopBridge;
};

/**
 * How a failed call arrives in the page. Electron's contextBridge copies a thrown Error by its
 * message only (custom properties such as `code` are dropped), so the preload rejects with this
 * plain object instead. The page's side turns it back into an Error:
 * `catch (e) { throw isBridgeError(e) ? new PortholeError(e.code, e.message, e.remedy) : e }`.
 */
export interface BridgeError {
  name: 'PortholeError';
  code: ErrorCode;
  message: string;
  remedy?: string;
}

export function isBridgeError(value: unknown): value is BridgeError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.name === 'PortholeError' && typeof v.code === 'string' && typeof v.message === 'string';
}

export const DESKTOP_CHANNELS = {
  readClipboard: 'porthole:desktop:read-clipboard',
  writeClipboard: 'porthole:desktop:write-clipboard',
  pickFolder: 'porthole:desktop:pick-folder',
  pickIso: 'porthole:desktop:pick-iso',
  saveScreenshot: 'porthole:desktop:save-screenshot',
  openScreenWindow: 'porthole:desktop:open-screen-window',
  openMachineFolder: 'porthole:desktop:open-machine-folder',
  saveTextFile: 'porthole:desktop:save-text-file',
  openMachinePage: 'porthole:desktop:open-machine-page',
} as const satisfies Record<keyof DesktopBridge, string>;

export type DesktopChannel = (typeof DESKTOP_CHANNELS)[keyof DesktopBridge];

/** The global the preload defines: `window.porthole`. */
export const BRIDGE_KEY = 'porthole';
