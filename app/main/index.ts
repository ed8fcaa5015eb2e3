// The Electron main process: a composition of the shell's parts, each in its own module.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session } from 'electron';
import { createBackend, defaultDirs } from '../core/backend';
import { APP_LOG_NAME } from '../core/log/app-log';
import { installAppMenu } from './app-menu';
import { ownCommand, routeStartup } from './cli-routing';
import { parseArgs } from './instance-routing';
import { actOnLaunches } from './launch-actions';
import { trackMachines } from './machine-tracking';
import { pageLocation } from './page';
import { registerPageScheme } from './page-scheme';
import { hasStatusNotifierHost } from './quit';
import { installQuitHandlers } from './quit-flow';
import { createShell } from './shell';
import { registerIpcHandlers } from './shell-ipc';
import { createNotifier } from './shell-notifications';
import { createTray } from './shell-tray';
import { SecondInstances } from './single-instance';
import { installTestHooks, shellTestHooks } from './test-hooks';
import { hardenSession } from './window';
import { DesktopPrefs } from './window-state';

// Bundled into out/main/index.js: the preload and the renderer sit beside it.
const here = dirname(fileURLToPath(import.meta.url));
const PRELOAD = join(here, '..', 'preload', 'index.cjs');
const location = pageLocation({
  indexFile: join(here, '..', 'renderer', 'index.html'),
  isPackaged: app.isPackaged,
  env: process.env,
});
const ICONS_DIR = app.isPackaged ? join(process.resourcesPath, 'icons') : join(app.getAppPath(), 'resources', 'icons');
const WINDOW_ICON = join(ICONS_DIR, 'app', '256x256.png');

const dirs = defaultDirs(process.env);
// Dialogs, notifications and the X11 WM_CLASS use this name (the .desktop StartupWMClass matches it).
app.setName('Porthole');
// Chromium's profile goes beside our settings, not into them; the single-instance lock lives there too.
app.setPath('userData', join(dirs.configDir, 'chromium'));
app.enableSandbox();

routeStartup(process.argv, () => {
  registerPageScheme();
  const handover = new SecondInstances();
  handover.listen();
  app
    .whenReady()
    .then(() => start(handover))
    .catch((err: unknown) => fail('Porthole could not start', err));
});

function fail(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`${title}:`, err);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

/** The GUI, once Electron is ready: the backend, then the shell's parts around it. */
async function start(handover: SecondInstances): Promise<void> {
  const prefs = new DesktopPrefs(dirs.configDir);
  await prefs.load();
  hardenSession(session.defaultSession, location);
  app.setAboutPanelOptions({
    applicationName: 'Porthole',
    applicationVersion: app.getVersion(),
    iconPath: WINDOW_ICON,
  });
  const [backend, trayHostPresent] = await Promise.all([
    createBackend({ ...dirs, env: process.env, autoStartMachines: true, cliCommand: ownCommand() }),
    hasStatusNotifierHost(),
  ]);
  const shell = createShell({ backend, prefs, trayHostPresent, location, preload: PRELOAD, icon: WINDOW_ICON });
  const tray = createTray(ICONS_DIR, shell);
  const notifier = createNotifier(WINDOW_ICON, shell);
  // Compiled out of a release build; in other builds still off unless PORTHOLE_TEST_HOOKS=1.
  const hooks = !__PORTHOLE_TEST_HOOKS__ ? undefined : installTestHooks(process.env, shellTestHooks(tray, shell.main));
  registerIpcHandlers(shell, hooks && ((action, request) => void hooks.calls.push({ action, request })));
  await trackMachines(shell, { notifier, tray });
  await installAppMenu(shell, join(dirs.stateDir, APP_LOG_NAME));
  installQuitHandlers(shell.quit, {
    cleanup: () => Promise.all([backend.dispose(), prefs.flush()]),
    done: () => tray.destroy(),
  });
  actOnLaunches(shell, parseArgs(process.argv), handover, hooks && ((args) => void hooks.secondInstances.push(args)));
}
