import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  protocol,
  screen,
  session,
  shell,
  type MessageBoxOptions,
} from 'electron';
import {
  fromEnvelope,
  toEnvelope,
  type ActionName,
  type ActionRequest,
  type AppList,
  type ErrorEnvelope,
  type MachineView,
} from '../api';
import { pickApp } from '../cli/apps-format';
import { createBackend, defaultDirs } from '../core/backend';
import { APP_LOG_NAME } from '../core/log/app-log';
import { showAppLogFile } from './app-log-file';
import { autostartFile, isAutostartEnabled, launchCommand, setAutostart } from './autostart';
import { registerDesktopIpc } from './desktop-ipc';
import { electronDesktopServices } from './desktop-services';
import {
  actOnArgs,
  handedLaunch,
  parseArgs,
  routeArgv,
  secondInstanceArgv,
  type AppLaunch,
  type InstanceActions,
  type LaunchArgs,
} from './instance-routing';
import { forwardBackendEvents, registerBackendIpc, registerStreamIpc, senderCheck } from './ipc';
import { buildAppMenuTemplate } from './menu';
import { HeldNotifications, MachineNotifier } from './notifications';
import { isOwnPageUrl, PAGE_SCHEME, PAGE_SCHEME_PRIVILEGES, pageLocation, pageUrl } from './page';
import {
  decideClose,
  hasStatusNotifierHost,
  quitChoice,
  quitDialogOptions,
  runningMachines,
  type QuitChoice,
} from './quit';
import { ScreenWindows } from './screen-window';
import { installTestHooks, type TestHooks } from './test-hooks';
import { TrayController } from './tray-controller';
import { createAppWindow, hardenSession, isAllowedExternalUrl, reveal, trackBounds } from './window';
import { clampToDisplays, DesktopPrefs, type Rect } from './window-state';

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
const MAIN_BOUNDS = { width: 1120, height: 740 };

const dirs = defaultDirs(process.env);
// Dialogs, notifications and the X11 WM_CLASS use this name (the .desktop StartupWMClass matches it).
app.setName('Porthole');
// Chromium's profile goes beside our settings, not into them; the single-instance lock lives there too.
app.setPath('userData', join(dirs.configDir, 'chromium'));
app.enableSandbox();

// The installed executable is the CLI too: `porthole check` runs the CLI here, `porthole app M A` (an
// app-menu launcher) goes to the running Porthole, anything else is the GUI. See instance-routing.ts routeArgv.
const route = routeArgv(process.argv, { defaultApp: !app.isPackaged });
const launchArgs = parseArgs(process.argv);
const pendingSecondInstances: LaunchArgs[] = [];
let onSecondInstance: ((args: LaunchArgs) => void) | null = null;

if (route.kind === 'cli') {
  // No window, no single-instance lock: a CLI run may go alongside the GUI, as `node out/node/cli.js` does.
  runCli(route.argv);
} else if (!app.requestSingleInstanceLock({ argv: process.argv })) {
  // The running Porthole gets our arguments (an app launch included) through 'second-instance'.
  app.quit();
} else if (route.kind === 'app') {
  // No Porthole runs: open the program from this process, as `porthole app` does, then exit.
  app.releaseSingleInstanceLock();
  runCli(route.argv);
} else {
  // Our page's scheme must be known before ready; it is handled in hardenSession (window.ts).
  protocol.registerSchemesAsPrivileged([{ scheme: PAGE_SCHEME, privileges: PAGE_SCHEME_PRIVILEGES }]);
  app.on('second-instance', (_event, argv, cwd, additionalData) => {
    const full = secondInstanceArgv(argv, additionalData);
    const launch = handedLaunch(routeArgv(full, { defaultApp: !app.isPackaged }), cwd);
    const args: LaunchArgs = { ...parseArgs(full), ...(launch ? { launch } : {}) };
    if (onSecondInstance) onSecondInstance(args);
    else pendingSecondInstances.push(args);
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => fail('Porthole could not start', err));
}

/** The CLI in this process, its output on ours; exits with its code once the output is written. */
function runCli(argv: string[]): void {
  // No GPU process and no display needed (a terminal over ssh has none).
  app.disableHardwareAcceleration();
  app.commandLine.appendSwitch('ozone-platform', 'headless');
  const write =
    (stream: NodeJS.WriteStream) =>
    (text: string): void =>
      void stream.write(text);
  void import('../cli/main')
    .then(({ run }) => run(argv, write(process.stdout), write(process.stderr)))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    })
    .then((code) => process.stdout.write('', () => process.stderr.write('', () => app.exit(code))));
}

function fail(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`${title}:`, err);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

/** What starts this Porthole again (login entry, app-menu launchers): the installed executable or the AppImage. */
function ownCommand(): string[] {
  return launchCommand({
    execPath: process.execPath,
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    env: process.env,
  });
}

function workAreas(): Rect[] {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}

async function start(): Promise<void> {
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

  const machines = new Map<string, MachineView>();
  let mainWindow: BrowserWindow | null = null;
  let quitting = false;

  const screens = new ScreenWindows({
    location,
    preload: PRELOAD,
    icon: WINDOW_ICON,
    workAreas,
    savedBounds: (key) => prefs.windowBounds(key),
    saveBounds: (key, bounds) => prefs.setWindowBounds(key, bounds),
  });
  const ourWindows = (): BrowserWindow[] =>
    [mainWindow, ...screens.all()].filter((w): w is BrowserWindow => w !== null && !w.isDestroyed());

  const showError = (title: string, error: ErrorEnvelope): void => {
    const options: MessageBoxOptions = {
      type: 'error',
      title: 'Porthole',
      message: title,
      detail: error.remedy ? `${error.message}\n\n${error.remedy}` : error.message,
    };
    const parent = mainWindow?.isVisible() ? mainWindow : null;
    void (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
  };

  /** A call made by the shell itself (tray, command line): failures are shown, never thrown. */
  const act = async <K extends ActionName>(
    action: K,
    request: ActionRequest<K>,
    failTitle: string,
  ): Promise<boolean> => {
    const result = await backend.invoke(action, request);
    if (!result.ok) showError(failTitle, result.error);
    return result.ok;
  };

  const machineName = (id: string): string => machines.get(id)?.name ?? id;

  const openScreen = async (id: string): Promise<void> => {
    let view = machines.get(id);
    if (!view) {
      const result = await backend.invoke('getMachine', { id });
      if (!result.ok) throw fromEnvelope(result.error);
      view = result.value as MachineView;
    }
    screens.open(id, view.name);
  };

  const showMain = (): BrowserWindow => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      reveal(mainWindow);
      return mainWindow;
    }
    const win = createAppWindow({
      location,
      preload: PRELOAD,
      route: '/',
      title: 'Porthole',
      bounds: clampToDisplays(prefs.windowBounds('main'), workAreas(), MAIN_BOUNDS),
      icon: WINDOW_ICON,
      minWidth: 800,
      minHeight: 560,
    });
    trackBounds(win, (b) => prefs.setWindowBounds('main', b));
    win.on('close', (event) => {
      const action = decideClose({ quitting, trayHostPresent, closeToTray: prefs.closeToTray });
      if (action === 'hide') {
        event.preventDefault();
        win.hide();
      } else if (!quitting) {
        event.preventDefault();
        void requestQuit();
      }
    });
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    mainWindow = win;
    return win;
  };

  let quitAsked = false;
  const requestQuit = async (): Promise<void> => {
    if (quitting || quitAsked) return;
    quitAsked = true;
    try {
      const running = runningMachines(machines.values());
      const options = quitDialogOptions(running);
      let choice: QuitChoice = 'leave';
      if (options) {
        const parent = mainWindow?.isVisible() ? mainWindow : null;
        const { response } = parent
          ? await dialog.showMessageBox(parent, options)
          : await dialog.showMessageBox(options);
        choice = quitChoice(response);
      }
      if (choice === 'cancel') return;
      if (choice === 'stop') {
        for (const w of ourWindows()) w.hide();
        await Promise.allSettled(running.map((m) => backend.invoke('stopMachine', { id: m.id })));
      }
      quitting = true;
      app.quit();
    } finally {
      quitAsked = false;
    }
  };

  const tray = new TrayController(ICONS_DIR, {
    start: (id) => void act('startMachine', { id }, `Could not start ${machineName(id)}`),
    stop: (id) => void act('stopMachine', { id }, `Could not stop ${machineName(id)}`),
    restart: (id) => void act('restartMachine', { id }, `Could not restart ${machineName(id)}`),
    showScreen: (id) => void openScreen(id).catch((err: unknown) => console.error(err)),
    usb: (id, { vendorId, productId }, attach) =>
      void (attach
        ? act('attachUsb', { id, vendorId, productId }, `Could not attach the USB device to ${machineName(id)}`)
        : act('detachUsb', { id, vendorId, productId }, `Could not detach the USB device from ${machineName(id)}`)),
    openApp: () => void showMain(),
    quit: () => void requestQuit(),
  });

  const heldNotifications = new HeldNotifications<Notification>();
  const notifier = new MachineNotifier({
    isSupported: () => Notification.isSupported(),
    show: (n) =>
      heldNotifications.show(new Notification({ title: n.title, body: n.body, icon: WINDOW_ICON }), () => {
        if (n.kind === 'ready' || n.kind === 'installed') void openScreen(n.machineId).catch(() => showMain());
        else showMain();
      }),
  });

  // Compiled out of a release build; in other builds still off unless PORTHOLE_TEST_HOOKS=1.
  const hooks: TestHooks | undefined = !__PORTHOLE_TEST_HOOKS__
    ? undefined
    : installTestHooks(process.env, {
        clickTrayItem: (id) => {
          const item = tray.item(id);
          if (!item || !item.enabled) return false;
          (item.click as () => void)();
          return true;
        },
        trayItemIds: () => tray.itemIds(),
        calls: [],
        secondInstances: [],
        mainWindowVisible: () => mainWindow?.isVisible() ?? false,
        hideMainWindow: () => mainWindow?.hide(),
      });

  // IPC: only our own pages, in our own windows, may call.
  const allowSender = senderCheck({
    isOwnPageUrl: (url) => isOwnPageUrl(url, location),
    isOurWebContents: (wc) => ourWindows().some((w) => w.webContents === wc),
  });
  registerBackendIpc({
    ipcMain,
    backend,
    allowSender,
    ...(hooks ? { onCall: (action: unknown, request: unknown) => hooks.calls.push({ action, request }) } : {}),
  });
  registerStreamIpc({ ipcMain, backend, allowSender });
  registerDesktopIpc({
    ipcMain,
    allowSender,
    services: electronDesktopServices(
      openScreen,
      async (id) => {
        const result = await backend.invoke('fixMachine', { id, fix: 'make-room' });
        if (!result.ok) throw fromEnvelope(result.error);
        const { folder } = result.value as { folder?: string };
        if (!folder) throw new Error(`no storage folder for ${id}`);
        return folder;
      },
      async (id) => {
        // The id was checked by the contract's schema (desktop-ipc) before it reaches the URL.
        await showMain().loadURL(pageUrl(location, `/machines/${id}`));
      },
    ),
    windowOf: (event) => BrowserWindow.fromWebContents(event.sender),
  });
  forwardBackendEvents(backend, () => ourWindows().map((w) => w.webContents));

  backend.subscribe((ev) => {
    if (ev.event === 'machineChanged') {
      notifier.changed(ev.payload);
      machines.set(ev.payload.id, ev.payload);
    } else if (ev.event === 'machineRemoved') {
      notifier.removed(ev.payload.id);
      machines.delete(ev.payload.id);
      screens.close(ev.payload.id);
    } else {
      return;
    }
    tray.update([...machines.values()]);
  });
  const listed = await backend.invoke('listMachines', {});
  if (listed.ok) {
    for (const m of listed.value as MachineView[]) machines.set(m.id, m);
    notifier.seed([...machines.values()]);
    tray.update([...machines.values()]);
  }

  const autostart = autostartFile(process.env);
  const buildMenu = async (): Promise<void> => {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildAppMenuTemplate({
          dev: !app.isPackaged,
          autostartEnabled: await isAutostartEnabled(autostart),
          actions: {
            quit: () => void requestQuit(),
            toggleAutostart: (enabled) => {
              setAutostart(autostart, enabled, ownCommand())
                .catch((err: unknown) =>
                  showError('Could not change the login start', { code: 'INTERNAL', message: String(err) }),
                )
                .finally(() => void buildMenu());
            },
            openExternal: (url) => {
              if (isAllowedExternalUrl(url)) void shell.openExternal(url);
            },
            openAppLog: () => void showMain().loadURL(pageUrl(location, '/app-log')),
            showAppLogFile: () =>
              void showAppLogFile(join(dirs.stateDir, APP_LOG_NAME), shell).catch((err: unknown) =>
                showError('Could not show Porthole’s log', toEnvelope(err)),
              ),
          },
        }),
      ),
    );
  };
  await buildMenu();

  app.on('before-quit', (event) => {
    if (!quitting) {
      event.preventDefault();
      void requestQuit();
    }
  });
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    const cleanup = Promise.all([backend.dispose(), prefs.flush()]);
    void Promise.race([cleanup, new Promise((r) => setTimeout(r, 5000))]).finally(() => {
      disposed = true;
      tray.destroy();
      app.quit();
    });
  });
  // Closing the last screen window while the main one sits in the tray keeps Porthole running.
  app.on('window-all-closed', () => undefined);
  // Logout or `kill`: quit without asking; the machines' containers carry on by themselves.
  const quitNow = (): void => {
    quitting = true;
    app.quit();
  };
  process.on('SIGTERM', quitNow);
  process.on('SIGINT', quitNow);

  /** An app-menu launcher's `porthole app MACHINE APP [FILE]`, handed over by a second instance. */
  const openProgram = async ({ machine, app: wanted, file }: AppLaunch): Promise<void> => {
    const title = `Could not open ${wanted} from ${machineName(machine)}`;
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
  };

  const instanceActions: InstanceActions = {
    start: (id) => void act('startMachine', { id }, `Could not start ${machineName(id)}`),
    stop: (id) => void act('stopMachine', { id }, `Could not stop ${machineName(id)}`),
    showScreen: (id) =>
      void openScreen(id).catch((err: unknown) =>
        showError(`Could not show the screen of ${id}`, {
          code: 'NOT_FOUND',
          message: err instanceof Error ? err.message : String(err),
        }),
      ),
    showMainWindow: () => void showMain(),
    reportProblems: (problems) => console.warn(`Porthole: ${problems.join('; ')}`),
    launchApp: (launch) => void openProgram(launch),
  };
  // Starting hidden only makes sense where the tray icon can bring the window back.
  if (launchArgs.hidden && !trayHostPresent) {
    console.warn(
      'Porthole: --hidden needs a tray, and none was found (or gdbus is not installed: "porthole check" says so); showing the window.',
    );
  }
  actOnArgs({ ...launchArgs, hidden: launchArgs.hidden && trayHostPresent }, instanceActions, {
    secondInstance: false,
  });
  onSecondInstance = (args) => {
    hooks?.secondInstances.push(args);
    actOnArgs(args, instanceActions, { secondInstance: true });
  };
  for (const args of pendingSecondInstances.splice(0)) onSecondInstance(args);
}
