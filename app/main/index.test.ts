// The wiring in index.ts, with a fake Electron and a fake backend: single instance, the secure
// main window, IPC sender checks, the tray rebuilt on events, second instances, quitting.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_STREAM_CLOSE_CHANNEL,
  IPC_STREAM_OPEN_CHANNEL,
  type CallResult,
} from '../api';
import { DESKTOP_CHANNELS } from '../api';
import { fakeBackend, type FakeBackend } from './testing/fake-backend';
import {
  FakeBrowserWindow,
  FakeNotification,
  FakeTray,
  fakeElectron,
  ipcEventFrom,
  type FakeElectron,
  type FakeMenu,
} from './testing/fake-electron';
import { TEST_HOOKS_GLOBAL, type TestHooks } from './test-hooks';
import { machine } from './testing/machines';

const state = vi.hoisted(() => ({
  electron: {} as FakeElectron,
  backend: undefined as FakeBackend | undefined,
  dirs: { configDir: '', dataDir: '', stateDir: '' },
}));

vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  // One module object; each launch swaps fresh fakes into it.
  return 'app' in state.electron ? state.electron : Object.assign(state.electron, make());
});
vi.mock('../core/backend', () => ({
  defaultDirs: () => state.dirs,
  createBackend: async () => state.backend,
}));
// No session bus here: no tray host, so closing the window quits.
vi.mock('execa', () => ({
  execa: async () => {
    throw new Error('gdbus: no session bus');
  },
}));

const tmp = await mkdtemp(join(tmpdir(), 'porthole-main-'));
const savedArgv = process.argv;
const signalListeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

afterAll(async () => {
  process.argv = savedArgv;
  // index.ts listens for SIGTERM/SIGINT: leave the test worker's own handlers only.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const l of process.listeners(signal)) if (!signalListeners[signal].includes(l)) process.off(signal, l);
  }
  Reflect.deleteProperty(globalThis, TEST_HOOKS_GLOBAL);
  delete process.env.PORTHOLE_TEST_HOOKS;
  await rm(tmp, { recursive: true, force: true });
});

async function launch(argv: string[], opts: { lock?: boolean; engineConnected?: boolean } = {}) {
  vi.resetModules();
  Object.assign(state.electron, fakeElectron());
  state.electron.app.requestSingleInstanceLock.mockReturnValue(opts.lock ?? true);
  state.backend = fakeBackend([machine('win11', 'stopped', {}, 'Windows 11')]);
  if (opts.engineConnected)
    state.backend.handlers.engineStatus = async () => ({
      connected: true,
      kind: 'docker',
      endpoint: 'unix:///var/run/docker.sock',
    });
  state.dirs = { configDir: join(tmp, 'config'), dataDir: join(tmp, 'data'), stateDir: join(tmp, 'state') };
  FakeBrowserWindow.all = [];
  FakeTray.all = [];
  process.argv = ['/x/electron', '/work/main', ...argv];
  process.env.PORTHOLE_TEST_HOOKS = '1';
  await import('./index');
  return { electron: state.electron, backend: state.backend };
}

async function ready(electron: FakeElectron): Promise<void> {
  electron.app.becomeReady();
  await vi.waitFor(() => expect(electron.app.listeners('before-quit')).toHaveLength(1));
}

function hooks(): TestHooks {
  return (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] as TestHooks;
}
function mainWindow(): FakeBrowserWindow {
  return FakeBrowserWindow.all.find((w) => w.loaded?.endsWith('#/'))!;
}
function trayIds(): string[] {
  return hooks().trayItemIds();
}
function call(electron: FakeElectron, channel: string, event: unknown, ...args: unknown[]): Promise<CallResult> {
  return Promise.resolve(electron.ipcMain.handlers.get(channel)!(event, ...args)) as Promise<CallResult>;
}

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('starting', () => {
  it('a second copy hands over to the first and quits before doing anything', async () => {
    const { electron } = await launch(['--start', 'win11'], { lock: false });
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledWith({ argv: process.argv });
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(electron.app.listeners('second-instance')).toHaveLength(0);
  });

  it('keeps Chromium’s profile beside our settings and enables the sandbox before the lock', async () => {
    const { electron } = await launch([]);
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', join(tmp, 'config', 'chromium'));
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.app.setPath.mock.invocationCallOrder[0]!).toBeLessThan(
      electron.app.requestSingleInstanceLock.mock.invocationCallOrder[0]!,
    );
  });

  it('opens one secure main window on our page, serves IPC, and builds the tray', async () => {
    const { electron } = await launch([]);
    await ready(electron);
    const win = mainWindow();
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect((win.options as { webPreferences: Record<string, unknown> }).webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(win.loaded).toBe('porthole://app/index.html#/');
    // Our page's scheme: privileged before ready, served on the session once ready.
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'porthole', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(electron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]!).toBeLessThan(
      electron.app.whenReady.mock.invocationCallOrder[0]!,
    );
    expect(electron.session.defaultSession.protocol.handle).toHaveBeenCalledWith('porthole', expect.any(Function));
    expect(win.isVisible()).toBe(true);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(
      [IPC_CALL_CHANNEL, IPC_STREAM_OPEN_CHANNEL, IPC_STREAM_CLOSE_CHANNEL, ...Object.values(DESKTOP_CHANNELS)].sort(),
    );
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(trayIds()).toEqual([
      'machine:win11:state',
      'machine:win11:start',
      'machine:win11:stop',
      'machine:win11:restart',
      'machine:win11:screen',
      'open',
      'quit',
    ]);
  });

  it('starts a machine named on the command line', async () => {
    const { electron, backend } = await launch(['--start', 'win11']);
    await ready(electron);
    await vi.waitFor(() => expect(backend.calls).toContainEqual({ action: 'startMachine', request: { id: 'win11' } }));
  });

  it('ignores --hidden where no tray icon could bring the window back', async () => {
    const { electron } = await launch(['--hidden']);
    await ready(electron);
    expect(mainWindow().isVisible()).toBe(true);
  });
});

describe('running', () => {
  it('serves our page and refuses a foreign one', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    const wc = mainWindow().webContents;
    expect(await call(electron, IPC_CALL_CHANNEL, ipcEventFrom(wc), 'getMachine', { id: 'win11' })).toMatchObject({
      ok: true,
    });
    wc.mainFrame.url = 'https://evil.example/';
    expect(await call(electron, IPC_CALL_CHANNEL, ipcEventFrom(wc), 'startMachine', { id: 'win11' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(backend.calls.filter((c) => c.action === 'startMachine')).toEqual([]);
    expect(hooks().calls).toEqual([{ action: 'getMachine', request: { id: 'win11' } }]);
  });

  it('rebuilds the tray and tells the page on every machine change', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    const view = machine('win11', 'ready', {}, 'Windows 11');
    backend.emit({ event: 'machineChanged', payload: view });
    const tray = FakeTray.all[0]!;
    const state = (tray.menu as FakeMenu).template[0]!;
    expect(state.label).toBe('Windows 11: Running');
    expect(tray.image).toEqual({ path: expect.stringMatching(/tray-running\.png$/) });
    expect(mainWindow().webContents.sent).toContainEqual([IPC_EVENT_CHANNEL, 'machineChanged', view]);
    backend.emit({ event: 'machineRemoved', payload: { id: 'win11' } });
    expect(trayIds()).toEqual(['no-machines', 'open', 'quit']);
  });

  it('holds each notification, and its click opens the machine’s screen', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    FakeNotification.all = [];
    backend.emit({ event: 'machineChanged', payload: machine('win11', 'installing', {}, 'Windows 11') });
    backend.emit({ event: 'machineChanged', payload: machine('win11', 'ready', {}, 'Windows 11') });
    const [shown] = FakeNotification.all;
    expect(shown?.options.title).toBe('Windows is installed');
    expect(shown!.listenerCount('close')).toBe(1);
    shown!.emit('click');
    await vi.waitFor(() =>
      expect(FakeBrowserWindow.all.map((w) => w.loaded)).toContainEqual(expect.stringMatching(/#\/screen\/win11$/)),
    );
  });

  it('acts on tray clicks through the same backend', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    expect(hooks().clickTrayItem('machine:win11:start')).toBe(true);
    await vi.waitFor(() => expect(backend.calls).toContainEqual({ action: 'startMachine', request: { id: 'win11' } }));
    expect(hooks().clickTrayItem('machine:win11:stop')).toBe(false); // disabled while stopped
  });

  it('brings the window back for a second instance, and opens a screen window when asked', async () => {
    const { electron } = await launch([]);
    await ready(electron);
    mainWindow().hide();
    electron.app.emit('second-instance', {}, ['porthole'], '/', { argv: ['porthole'] });
    expect(mainWindow().isVisible()).toBe(true);
    electron.app.emit('second-instance', {}, ['x'], '/', { argv: ['porthole', '--screen', 'win11'] });
    await vi.waitFor(() =>
      expect(FakeBrowserWindow.all.map((w) => w.loaded)).toContainEqual(expect.stringMatching(/#\/screen\/win11$/)),
    );
    expect(hooks().secondInstances.map((a) => a.screen)).toEqual([[], ['win11']]);
  });
});

describe('quitting', () => {
  it('closing the window without a tray host quits at once when no machine runs', async () => {
    const { electron } = await launch([]);
    await ready(electron);
    mainWindow().close();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('asks first when machines run, and stops them when told to', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    backend.emit({ event: 'machineChanged', payload: machine('win11', 'ready', {}, 'Windows 11') });
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    mainWindow().close();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox).toHaveBeenCalledOnce();
    expect(backend.calls).toContainEqual({ action: 'stopMachine', request: { id: 'win11' } });
  });

  it('stays open when the person cancels', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    backend.emit({ event: 'machineChanged', payload: machine('win11', 'ready', {}, 'Windows 11') });
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    mainWindow().close();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 10));
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(mainWindow().isDestroyed()).toBe(false);
  });

  it('shows Porthole’s own log from the Help menu: the log view in the main window, the file in its folder', async () => {
    const { electron } = await launch([]);
    await ready(electron);
    const win = mainWindow();
    const menu = electron.Menu.setApplicationMenu.mock.lastCall![0] as FakeMenu;
    menu.getMenuItemById('app-log')!.click();
    await vi.waitFor(() => expect(win.loaded).toBe('porthole://app/index.html#/app-log'));
    // No log written yet (the backend is a fake): its folder is missing, so Porthole says where it will be.
    menu.getMenuItemById('app-log-file')!.click();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    const shown = JSON.stringify(electron.dialog.showMessageBox.mock.lastCall);
    expect(shown).toContain(join(tmp, 'state', 'porthole.log'));
    expect(electron.shell.openPath).not.toHaveBeenCalled();
  });
});

describe('one executable: CLI verbs and app launchers', () => {
  /** Standard output and error as the in-process CLI writes them. */
  function captureOutput(): { out: () => string } {
    let text = '';
    const fake = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      text += String(chunk);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
    vi.spyOn(process.stdout, 'write').mockImplementation(fake);
    vi.spyOn(process.stderr, 'write').mockImplementation(fake);
    return { out: () => text };
  }

  it('given a CLI verb, runs the CLI in-process and exits with its code: no lock, no window, no RunAsNode', async () => {
    expect(process.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    const output = captureOutput();
    const { electron, backend } = await launch(['machines', '--json'], { engineConnected: true });
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(0), { timeout: 10_000 });
    expect(JSON.parse(output.out())).toEqual([expect.objectContaining({ id: 'win11', name: 'Windows 11' })]);
    expect(backend.calls.map((c) => c.action)).toEqual(['listMachines', 'engineStatus']);
    expect(electron.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toEqual([]);
    expect(electron.protocol.registerSchemesAsPrivileged).not.toHaveBeenCalled();
    // A terminal over ssh has no display: the CLI asks for none.
    expect(electron.app.commandLine.appendSwitch).toHaveBeenCalledWith('ozone-platform', 'headless');
  });

  it('a CLI failure is its exit code, and its message on standard error', async () => {
    const output = captureOutput();
    const { electron } = await launch(['start']);
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(2), { timeout: 10_000 });
    expect(output.out()).toContain('"porthole start" needs a machine id');
  });

  it('a launcher’s `app MACHINE APP` with no Porthole running opens the program from this process, then exits', async () => {
    const output = captureOutput();
    const { electron, backend } = await launch(['app', 'win11', '3561ec4a8629']);
    await vi.waitFor(() => expect(electron.app.exit).toHaveBeenCalledWith(0), { timeout: 10_000 });
    expect(electron.app.releaseSingleInstanceLock).toHaveBeenCalled();
    expect(backend.calls).toContainEqual({ action: 'launchApp', request: { id: 'win11', app: '3561ec4a8629' } });
    expect(output.out()).toContain('Opened Notepad from win11 in xfreerdp');
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toEqual([]);
  });

  it('a launcher’s `app MACHINE APP` hands the launch to the running Porthole and quits', async () => {
    const { electron, backend } = await launch(['app', 'win11', '3561ec4a8629'], { lock: false });
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledWith({ argv: process.argv });
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.exit).not.toHaveBeenCalled();
    expect(backend.calls).toEqual([]);
  });

  it('the running Porthole opens a handed-over program, by id or name, without raising its window', async () => {
    const { electron, backend } = await launch([]);
    await ready(electron);
    mainWindow().hide();
    electron.app.emit('second-instance', {}, ['x'], '/home/me', {
      argv: ['/x/electron', '/work/main', 'app', 'win11', 'Notepad', 'a.txt'],
    });
    await vi.waitFor(() =>
      expect(backend.calls).toContainEqual({
        action: 'launchApp',
        request: { id: 'win11', app: '3561ec4a8629', file: '/home/me/a.txt' },
      }),
    );
    expect(mainWindow().isVisible()).toBe(false);
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('the running Porthole says why a handed-over program cannot open', async () => {
    const { electron } = await launch([]);
    await ready(electron);
    electron.app.emit('second-instance', {}, ['x'], '/', {
      argv: ['/x/electron', '/work/main', 'app', 'win11', 'Paint'],
    });
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    expect(JSON.stringify(electron.dialog.showMessageBox.mock.lastCall)).toContain(
      'No program called \\"Paint\\" is listed.',
    );
  });
});
