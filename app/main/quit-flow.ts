import { app, dialog, type BrowserWindow } from 'electron';
import type { MachineView } from '../api';
import { quitChoice, quitDialogOptions, runningMachines, type QuitChoice } from './quit';

export interface QuitFlowDeps {
  /** The machines as last heard of: those running are asked about. */
  machines(): Iterable<MachineView>;
  stopMachine(id: string): Promise<unknown>;
  /** The window a question sits on (the main window while visible), or none. */
  dialogParent(): BrowserWindow | null;
  /** Our windows, hidden while the machines stop. */
  windows(): BrowserWindow[];
}

/** Quitting Porthole: asks first when machines run, and stops them when told to. */
export class QuitFlow {
  /** Set once quitting is decided: closing windows and 'before-quit' then let it happen. */
  quitting = false;
  private asked = false;

  constructor(private readonly deps: QuitFlowDeps) {}

  async request(): Promise<void> {
    if (this.quitting || this.asked) return;
    this.asked = true;
    try {
      const running = runningMachines(this.deps.machines());
      const choice = await this.ask(running);
      if (choice === 'cancel') return;
      if (choice === 'stop') {
        for (const w of this.deps.windows()) w.hide();
        await Promise.allSettled(running.map((m) => this.deps.stopMachine(m.id)));
      }
      this.now();
    } finally {
      this.asked = false;
    }
  }

  /** Quits without asking. */
  now(): void {
    this.quitting = true;
    app.quit();
  }

  private async ask(running: MachineView[]): Promise<QuitChoice> {
    const options = quitDialogOptions(running);
    if (!options) return 'leave';
    const parent = this.deps.dialogParent();
    const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
    return quitChoice(response);
  }
}

/** How long quitting waits for the backend and the saved window places before it goes anyway. */
const CLEANUP_LIMIT_MS = 5000;

/**
 * The app's quit events: an unasked quit asks first, a decided one cleans up (`cleanup`, at most
 * CLEANUP_LIMIT_MS) then `done`; logout or `kill` quits without asking.
 */
export function installQuitHandlers(flow: QuitFlow, opts: { cleanup(): Promise<unknown>; done(): void }): void {
  app.on('before-quit', (event) => {
    if (!flow.quitting) {
      event.preventDefault();
      void flow.request();
    }
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    void Promise.race([opts.cleanup(), new Promise((r) => setTimeout(r, CLEANUP_LIMIT_MS))]).finally(() => {
      disposed = true;
      opts.done();
      app.quit();
    });
  });
  // Closing the last screen window while the main one sits in the tray keeps Porthole running.
  app.on('window-all-closed', () => undefined);
  // Logout or `kill`: quit without asking; the machines' containers carry on by themselves.
  const quitNow = (): void => flow.now();
  process.on('SIGTERM', quitNow);
  process.on('SIGINT', quitNow);
}
