import type { MessageBoxOptions } from 'electron';
import { execa } from 'execa';
import type { MachineView } from '../api';

export type CloseAction = 'hide' | 'quit';

/**
 * Closing the main window hides it to the tray only where a tray icon can be seen: on a desktop
 * without a StatusNotifier host (GNOME without an extension) a hidden window could not come back.
 * The person's own setting wins either way.
 */
export function decideClose(opts: {
  quitting: boolean;
  trayHostPresent: boolean;
  closeToTray: boolean | null;
}): CloseAction {
  if (opts.quitting) return 'quit';
  if (opts.closeToTray !== null) return opts.closeToTray ? 'hide' : 'quit';
  return opts.trayHostPresent ? 'hide' : 'quit';
}

/** Runs a program with an argument array and gives its stdout. */
export type Runner = (file: string, args: string[]) => Promise<string>;

const execaRunner: Runner = async (file, args) => (await execa(file, args, { timeout: 3000 })).stdout;

/** True when a StatusNotifier watcher owns its name on the session bus; false on any error. */
export async function hasStatusNotifierHost(run: Runner = execaRunner): Promise<boolean> {
  try {
    const out = await run('gdbus', [
      'call',
      '--session',
      '--dest',
      'org.freedesktop.DBus',
      '--object-path',
      '/org/freedesktop/DBus',
      '--method',
      'org.freedesktop.DBus.NameHasOwner',
      'org.kde.StatusNotifierWatcher',
    ]);
    return /^\(true,?\)$/.test(out.trim());
  } catch {
    return false;
  }
}

export type QuitChoice = 'stop' | 'leave' | 'cancel';

/** The machines that keep running after Porthole quits unless the person stops them. */
export function runningMachines(machines: Iterable<MachineView>): MachineView[] {
  return [...machines].filter((m) => m.status.running);
}

const QUIT_BUTTONS: { label: string; choice: QuitChoice }[] = [
  { label: 'Stop and Quit', choice: 'stop' },
  { label: 'Leave Running', choice: 'leave' },
  { label: 'Cancel', choice: 'cancel' },
];

/** The question asked when quitting with machines running; null when there is nothing to ask. */
export function quitDialogOptions(running: MachineView[]): MessageBoxOptions | null {
  if (running.length === 0) return null;
  const names = running.map((m) => m.name);
  const which = names.length === 1 ? `"${names[0]}" is` : `${names.length} machines are`;
  return {
    type: 'question',
    title: 'Quit Porthole',
    message: `${which} still running.`,
    detail:
      'Stop shuts Windows down cleanly first, which can take a minute or two. ' +
      'Left running, Windows goes on in its container: open Porthole again to see its screen.' +
      (names.length > 1 ? `\n\nRunning: ${names.join(', ')}` : ''),
    buttons: QUIT_BUTTONS.map((b) => b.label),
    defaultId: 0,
    cancelId: 2,
    noLink: true,
  };
}

export function quitChoice(response: number): QuitChoice {
  return QUIT_BUTTONS[response]?.choice ?? 'cancel';
}
