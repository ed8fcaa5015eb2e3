import { toEnvelope, type AppList } from '../api';
import { pickApp } from '../cli/apps-format';
import { actOnArgs, type AppLaunch, type InstanceActions, type LaunchArgs } from './instance-routing';
import type { Shell } from './shell';
import type { SecondInstances } from './single-instance';

/** An app-menu launcher's `porthole app MACHINE APP [FILE]`, handed over by a second instance. */
export async function openProgram(shell: Shell, { machine, app: wanted, file }: AppLaunch): Promise<void> {
  const { backend, showError } = shell;
  const title = `Could not open ${wanted} from ${shell.machineName(machine)}`;
  const listed = await backend.invoke('listApps', { id: machine });
  if (!listed.ok) return showError(title, listed.error);
  let id: string;
  try {
    id = pickApp((listed.value as AppList).apps, wanted).id;
  } catch (err) {
    return showError(title, toEnvelope(err));
  }
  const result = await backend.invoke('launchApp', { id: machine, app: id, ...(file ? { file } : {}) });
  if (!result.ok) return showError(title, result.error);
  const { launched, fix } = result.value as { launched: boolean; fix?: { text: string; commands: string[] } };
  if (!launched) {
    showError(title, {
      code: 'NOT_FOUND',
      message: fix?.text ?? 'No FreeRDP found.',
      ...(fix?.commands.length ? { remedy: fix.commands.join('\n') } : {}),
    });
  }
}

/** What a command line may ask of the running shell (instance-routing.ts actOnArgs). */
export function instanceActions(shell: Shell): InstanceActions {
  const { act, machineName: name } = shell;
  return {
    start: (id) => void act('startMachine', { id }, `Could not start ${name(id)}`),
    stop: (id) => void act('stopMachine', { id }, `Could not stop ${name(id)}`),
    showScreen: (id) =>
      void shell.openScreen(id).catch((err: unknown) =>
        shell.showError(`Could not show the screen of ${id}`, {
          code: 'NOT_FOUND',
          message: err instanceof Error ? err.message : String(err),
        }),
      ),
    showMainWindow: () => void shell.showMain(),
    reportProblems: (problems) => console.warn(`Porthole: ${problems.join('; ')}`),
    launchApp: (launch) => void openProgram(shell, launch),
  };
}

/**
 * Carries out this start's own command line, then each second instance's (those handed over while
 * starting first). `onHandedOver` (test hook) sees each second instance's arguments.
 */
export function actOnLaunches(
  shell: Shell,
  own: LaunchArgs,
  handover: SecondInstances,
  onHandedOver?: (args: LaunchArgs) => void,
): void {
  const actions = instanceActions(shell);
  // Starting hidden only makes sense where the tray icon can bring the window back.
  if (own.hidden && !shell.trayHostPresent) {
    console.warn(
      'Porthole: --hidden needs a tray, and none was found (or gdbus is not installed: "porthole check" says so); showing the window.',
    );
  }
  actOnArgs({ ...own, hidden: own.hidden && shell.trayHostPresent }, actions, { secondInstance: false });
  handover.handle((args) => {
    onHandedOver?.(args);
    actOnArgs(args, actions, { secondInstance: true });
  });
}
