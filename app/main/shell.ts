import { dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import { fromEnvelope, type ActionName, type ActionRequest, type ErrorEnvelope, type MachineView } from '../api';
import type { Backend } from '../core/backend-types';
import { MainWindow, workAreas } from './main-window';
import type { PageLocation } from './page';
import { QuitFlow } from './quit-flow';
import { ScreenWindows } from './screen-window';
import type { DesktopPrefs } from './window-state';

export interface ShellOptions {
  backend: Backend;
  prefs: DesktopPrefs;
  trayHostPresent: boolean;
  location: PageLocation;
  preload: string;
  icon: string;
}

/** What the shell's parts (tray, menu, IPC, notifications, command line) share. */
export interface Shell {
  backend: Backend;
  location: PageLocation;
  trayHostPresent: boolean;
  /** The machines as last heard of from the backend's events. */
  machines: Map<string, MachineView>;
  main: MainWindow;
  screens: ScreenWindows;
  quit: QuitFlow;
  /** Every window of ours still open: only these may call over IPC. */
  ourWindows(): BrowserWindow[];
  /** A machine's name for a message; its id when not known. */
  machineName(id: string): string;
  /** An error dialog, over the main window while it can be seen. */
  showError(title: string, error: ErrorEnvelope): void;
  /** A call made by the shell itself (tray, command line): failures are shown, never thrown. */
  act<K extends ActionName>(action: K, request: ActionRequest<K>, failTitle: string): Promise<boolean>;
  /** The machine's screen window, opened or brought forward. */
  openScreen(id: string): Promise<void>;
  showMain(): BrowserWindow;
}

function showErrorDialog(parent: BrowserWindow | null, title: string, error: ErrorEnvelope): void {
  const options: MessageBoxOptions = {
    type: 'error',
    title: 'Porthole',
    message: title,
    detail: error.remedy ? `${error.message}\n\n${error.remedy}` : error.message,
  };
  void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
}

/** The shell's windows and quitting, and the helpers its parts use, around one backend. */
export function createShell(opts: ShellOptions): Shell {
  const { backend, prefs } = opts;
  const machines = new Map<string, MachineView>();
  const screens = new ScreenWindows({
    location: opts.location,
    preload: opts.preload,
    icon: opts.icon,
    workAreas,
    savedBounds: (key) => prefs.windowBounds(key),
    saveBounds: (key, bounds) => prefs.setWindowBounds(key, bounds),
  });
  const ourWindows = (): BrowserWindow[] =>
    [main.current(), ...screens.all()].filter((w): w is BrowserWindow => w !== null && !w.isDestroyed());
  const quit: QuitFlow = new QuitFlow({
    machines: () => machines.values(),
    stopMachine: (id) => backend.invoke('stopMachine', { id }),
    dialogParent: () => main.dialogParent(),
    windows: ourWindows,
  });
  const main: MainWindow = new MainWindow({ ...opts, quit });
  const showError = (title: string, error: ErrorEnvelope): void => showErrorDialog(main.dialogParent(), title, error);
  return {
    backend,
    location: opts.location,
    trayHostPresent: opts.trayHostPresent,
    machines,
    main,
    screens,
    quit,
    ourWindows,
    showError,
    machineName: (id) => machines.get(id)?.name ?? id,
    act: async (action, request, failTitle) => {
      const result = await backend.invoke(action, request);
      if (!result.ok) showError(failTitle, result.error);
      return result.ok;
    },
    openScreen: async (id) => {
      let view = machines.get(id);
      if (!view) {
        const result = await backend.invoke('getMachine', { id });
        if (!result.ok) throw fromEnvelope(result.error);
        view = result.value as MachineView;
      }
      screens.open(id, view.name);
    },
    showMain: () => main.show(),
  };
}
