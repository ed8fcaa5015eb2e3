import type { IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { machineIdSchema, PortholeError, toEnvelope, type CallResult, type DesktopBridge } from '../api';
import { DESKTOP_CHANNELS } from '../api';
import { UNAUTHORIZED, type IpcMainLike, type SenderCheck } from './ipc';

const MAX_CLIPBOARD_CHARS = 4 * 1024 * 1024;
const MAX_SCREENSHOT_BYTES = 64 * 1024 * 1024;
/** A saved log or compose file: the log viewer keeps far less than this. */
const MAX_TEXT_FILE_CHARS = 32 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const pngSchema = z
  .instanceof(Uint8Array, { message: 'a screenshot is PNG bytes' })
  .refine((b) => b.byteLength <= MAX_SCREENSHOT_BYTES, 'a screenshot is at most 64 MiB')
  .refine((b) => PNG_SIGNATURE.every((byte, i) => b[i] === byte), 'a screenshot must be a PNG image');

/** The arguments each helper accepts, checked in main: the page is not trusted to send the right shapes. */
export const desktopArgs = {
  readClipboard: z.tuple([]),
  writeClipboard: z.tuple([z.string().max(MAX_CLIPBOARD_CHARS, 'the text is too long for the clipboard')]),
  pickFolder: z.tuple([]),
  pickIso: z.tuple([]),
  saveScreenshot: z.tuple([pngSchema, z.string().max(200)]),
  openScreenWindow: z.tuple([machineIdSchema]),
  openMachineFolder: z.tuple([machineIdSchema]),
  openMachinePage: z.tuple([machineIdSchema]),
  saveTextFile: z.tuple([
    z.string().max(MAX_TEXT_FILE_CHARS, 'the text is too long to save'),
    z.string().max(200),
    z.boolean(),
  ]),
} as const satisfies Record<keyof DesktopBridge, z.ZodType>;

/** What main does for each helper, for the window that asked (null when it has none). */
export interface DesktopServices<W> {
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<void>;
  pickFolder(parent: W | null): Promise<string | null>;
  pickIso(parent: W | null): Promise<string | null>;
  saveScreenshot(parent: W | null, png: Uint8Array, suggestedName: string): Promise<string | null>;
  openScreenWindow(machineId: string): Promise<void>;
  /** Only a machine's own storage folder, looked up by its id: the page never names a path to open. */
  openMachineFolder(machineId: string): Promise<void>;
  saveTextFile(parent: W | null, text: string, suggestedName: string, privateFile: boolean): Promise<string | null>;
  openMachinePage(machineId: string): Promise<void>;
}

export function registerDesktopIpc<W>(deps: {
  ipcMain: IpcMainLike;
  allowSender: SenderCheck;
  services: DesktopServices<W>;
  windowOf(event: IpcMainInvokeEvent): W | null;
}): () => void {
  const { services } = deps;
  const run: {
    [K in keyof DesktopBridge]: (args: z.output<(typeof desktopArgs)[K]>, parent: W | null) => Promise<unknown>;
  } = {
    readClipboard: () => services.readClipboard(),
    writeClipboard: async ([text]) => {
      await services.writeClipboard(text);
      return null;
    },
    pickFolder: (_args, parent) => services.pickFolder(parent),
    pickIso: (_args, parent) => services.pickIso(parent),
    saveScreenshot: ([png, name], parent) => services.saveScreenshot(parent, png, name),
    openScreenWindow: async ([id]) => {
      await services.openScreenWindow(id);
      return null;
    },
    openMachineFolder: async ([id]) => {
      await services.openMachineFolder(id);
      return null;
    },
    openMachinePage: async ([id]) => {
      await services.openMachinePage(id);
      return null;
    },
    saveTextFile: ([text, name, privateFile], parent) => services.saveTextFile(parent, text, name, privateFile),
  };

  const names = Object.keys(DESKTOP_CHANNELS) as (keyof DesktopBridge)[];
  for (const name of names) {
    deps.ipcMain.handle(DESKTOP_CHANNELS[name], async (event, ...args): Promise<CallResult> => {
      if (!deps.allowSender(event)) return UNAUTHORIZED;
      try {
        const parsed = desktopArgs[name].safeParse(args);
        if (!parsed.success) {
          throw new PortholeError(
            'INVALID_ARGUMENT',
            `${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
          );
        }
        const handler = run[name] as (a: unknown, parent: W | null) => Promise<unknown>;
        return { ok: true, value: await handler(parsed.data, deps.windowOf(event)) };
      } catch (err) {
        return { ok: false, error: toEnvelope(err) };
      }
    });
  }
  return () => {
    for (const name of names) deps.ipcMain.removeHandler(DESKTOP_CHANNELS[name]);
  };
}
