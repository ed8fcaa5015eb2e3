import { chmod, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { app, clipboard, dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { PortholeError, savedScreenshotName } from '../api';
import type { DesktopServices } from './desktop-ipc';

async function pick(parent: BrowserWindow | null, options: OpenDialogOptions): Promise<string | null> {
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** The Electron side of the desktop helpers. */
export function electronDesktopServices(
  openScreenWindow: (id: string) => Promise<void>,
  machineFolder: (id: string) => Promise<string>,
  openMachinePage: (id: string) => Promise<void>,
): DesktopServices<BrowserWindow> {
  return {
    readClipboard: () => clipboard.readText(),
    writeClipboard: (text) => clipboard.writeText(text),
    pickFolder: (parent) =>
      pick(parent, {
        title: 'Choose a folder to share with Windows',
        buttonLabel: 'Share',
        properties: ['openDirectory', 'createDirectory'],
      }),
    pickIso: (parent) =>
      pick(parent, {
        title: 'Choose an ISO image',
        buttonLabel: 'Use ISO',
        properties: ['openFile'],
        filters: [
          { name: 'ISO images', extensions: ['iso', 'ISO'] },
          { name: 'All files', extensions: ['*'] },
        ],
      }),
    saveScreenshot: async (parent, png, suggestedName) => {
      const options = {
        title: 'Save screenshot',
        defaultPath: join(app.getPath('pictures'), savedScreenshotName(suggestedName, new Date())),
        filters: [{ name: 'PNG images', extensions: ['png'] }],
      };
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return null;
      const file = extname(result.filePath).toLowerCase() === '.png' ? result.filePath : `${result.filePath}.png`;
      await writeFile(file, png);
      return file;
    },
    openScreenWindow,
    openMachineFolder: async (id) => {
      const folder = await machineFolder(id);
      // A folder only: openPath on a file would run its default application.
      const isFolder = await stat(folder).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isFolder)
        throw new PortholeError(
          'NOT_FOUND',
          `The storage folder ${folder} does not exist.`,
          'Check that its drive is mounted.',
        );
      const failed = await shell.openPath(folder);
      if (failed)
        throw new PortholeError(
          'INTERNAL',
          `The file manager could not open ${folder}: ${failed}`,
          'Open the folder by hand.',
        );
    },
    openMachinePage,
    saveTextFile: async (parent, text, suggestedName, privateFile) => {
      const options = {
        title: privateFile ? 'Save (the file holds the Windows password)' : 'Save',
        // Only a plain name from the page: the folder is the person's Documents, never a path the page chose.
        defaultPath: join(app.getPath('documents'), basename(suggestedName) || 'porthole.txt'),
      };
      const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (result.canceled || !result.filePath) return null;
      await writeFile(result.filePath, text, { mode: privateFile ? 0o600 : 0o644 });
      if (privateFile) await chmod(result.filePath, 0o600);
      return result.filePath;
    },
  };
}
