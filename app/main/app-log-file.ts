import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PortholeError } from '../api';

/** The part of Electron's shell used here (tests pass a fake). */
export interface ShellLike {
  showItemInFolder(fullPath: string): void;
  /** Resolves to '' on success, else the reason it failed (Electron's contract). */
  openPath(path: string): Promise<string>;
}

const isKind = (path: string, kind: 'file' | 'dir'): Promise<boolean> =>
  stat(path).then(
    (s) => (kind === 'file' ? s.isFile() : s.isDirectory()),
    () => false,
  );

/**
 * Help ▸ "Show Porthole's Log File": the file manager opens on `porthole.log`, selected. Before the
 * first line is written there is no file yet: then its folder opens, and with no folder either the
 * person is told where the log will be. Only ever a folder or a selection: never openPath on the
 * log itself, which would run whatever the desktop associates with it.
 */
export async function showAppLogFile(file: string, shell: ShellLike): Promise<void> {
  if (await isKind(file, 'file')) {
    shell.showItemInFolder(file);
    return;
  }
  const folder = dirname(file);
  if (!(await isKind(folder, 'dir'))) {
    throw new PortholeError(
      'NOT_FOUND',
      `Porthole has not written its log yet: it will be ${file}.`,
      'Start or create a machine, then look again.',
    );
  }
  const failed = await shell.openPath(folder);
  if (failed)
    throw new PortholeError(
      'INTERNAL',
      `The file manager could not open ${folder}: ${failed}`,
      'Open the folder by hand.',
    );
}
