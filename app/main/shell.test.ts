// The shell's windows, its own calls and quitting (shell.ts, main-window.ts, quit-flow.ts), with a fake
// Electron and a fake backend; the window places are saved for real.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, type FakeBackend } from './testing/fake-backend';
import { FakeBrowserWindow, fakeElectron, type FakeElectron } from './testing/fake-electron';
import { machine } from './testing/machines';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { createShell } = await import('./shell');
const { pageLocation } = await import('./page');
const { DesktopPrefs } = await import('./window-state');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-shell-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));
const location = pageLocation({ indexFile: '/opt/Porthole/out/renderer/index.html', isPackaged: true, env: {} });

let backend: FakeBackend;
beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
  backend = fakeBackend([machine('win11', 'stopped', {}, 'Windows 11')]);
});

async function shell(opts: { trayHostPresent?: boolean } = {}) {
  const prefs = new DesktopPrefs(await mkdtemp(join(tmp, 'config-')));
  await prefs.load();
  const made = createShell({
    backend,
    prefs,
    trayHostPresent: opts.trayHostPresent ?? false,
    location,
    preload: '/opt/Porthole/out/preload/index.cjs',
    icon: '/opt/Porthole/icons/app.png',
  });
  return { shell: made, prefs };
}

describe('the main window', () => {
  it('is made once, on our page, and brought back when shown again', async () => {
    const { shell: s } = await shell();
    const win = s.showMain() as unknown as FakeBrowserWindow;
    expect(win.loaded).toBe('porthole://app/index.html#/');
    expect(win.isVisible()).toBe(true);
    win.hide();
    expect(s.showMain()).toBe(win);
    expect(win.isVisible()).toBe(true);
    expect(FakeBrowserWindow.all).toHaveLength(1);
    expect(s.ourWindows()).toEqual([win]);
  });

  it('hides to the tray on close where a tray host can bring it back', async () => {
    const { shell: s } = await shell({ trayHostPresent: true });
    const win = s.showMain() as unknown as FakeBrowserWindow;
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.isVisible()).toBe(false);
    expect(s.main.dialogParent()).toBeNull();
    expect(electron.app.quit).not.toHaveBeenCalled();
  });

  it('quits on close where no tray host is, and a new one is made after it closed', async () => {
    const { shell: s } = await shell();
    const win = s.showMain() as unknown as FakeBrowserWindow;
    win.close();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(s.quit.quitting).toBe(true);
    win.close(); // Electron closes it again while quitting: now it goes.
    expect(win.isDestroyed()).toBe(true);
    expect(s.main.current()).toBeNull();
    expect(s.showMain()).not.toBe(win);
  });

  it('keeps its place in the settings', async () => {
    const { shell: s, prefs } = await shell();
    const win = s.showMain() as unknown as FakeBrowserWindow;
    win.emit('moved');
    expect(prefs.windowBounds('main')).toEqual({ x: 10, y: 20, width: 1000, height: 700 });
  });
});

describe('the shell’s own calls', () => {
  it('shows a failure over the visible main window and answers false, never throwing', async () => {
    const { shell: s } = await shell();
    const win = s.showMain();
    expect(await s.act('startMachine', { id: 'nope' }, 'Could not start nope')).toBe(false);
    expect(electron.dialog.showMessageBox).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ type: 'error', message: 'Could not start nope', detail: 'No machine "nope".' }),
    );
    expect(await s.act('startMachine', { id: 'win11' }, 'Could not start')).toBe(true);
    expect(backend.calls).toContainEqual({ action: 'startMachine', request: { id: 'win11' } });
  });

  it('names a machine by what it last heard, else by its id', async () => {
    const { shell: s } = await shell();
    expect(s.machineName('win11')).toBe('win11');
    s.machines.set('win11', machine('win11', 'stopped', {}, 'Windows 11'));
    expect(s.machineName('win11')).toBe('Windows 11');
  });

  it('opens a screen window for a machine it has not heard of yet, and refuses an unknown one', async () => {
    const { shell: s } = await shell();
    await s.openScreen('win11');
    expect(backend.calls).toContainEqual({ action: 'getMachine', request: { id: 'win11' } });
    const screen = FakeBrowserWindow.all[0]!;
    expect(screen.loaded).toBe('porthole://app/index.html#/screen/win11');
    expect(screen.options.title).toBe('Windows 11: Screen');
    await expect(s.openScreen('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(s.ourWindows()).toEqual([screen]);
  });
});

describe('quitting', () => {
  it('quits without asking when no machine runs', async () => {
    const { shell: s } = await shell();
    await s.quit.request();
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
    expect(electron.app.quit).toHaveBeenCalledOnce();
  });

  it('asks when machines run: Stop and Quit hides our windows and stops them first', async () => {
    const { shell: s } = await shell();
    s.machines.set('win11', machine('win11', 'ready', {}, 'Windows 11'));
    const win = s.showMain() as unknown as FakeBrowserWindow;
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    await s.quit.request();
    expect(electron.dialog.showMessageBox).toHaveBeenCalledWith(
      win,
      expect.objectContaining({ message: '"Windows 11" is still running.' }),
    );
    expect(win.isVisible()).toBe(false);
    expect(backend.calls).toContainEqual({ action: 'stopMachine', request: { id: 'win11' } });
    expect(electron.app.quit).toHaveBeenCalledOnce();
  });

  it('leaves machines running when told to, and stays open on Cancel', async () => {
    const { shell: s } = await shell();
    s.machines.set('win11', machine('win11', 'ready', {}, 'Windows 11'));
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 2, checkboxChecked: false });
    await s.quit.request();
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(s.quit.quitting).toBe(false);
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await s.quit.request();
    expect(backend.calls.filter((c) => c.action === 'stopMachine')).toEqual([]);
    expect(electron.app.quit).toHaveBeenCalledOnce();
  });

  it('asks once while the question is open', async () => {
    const { shell: s } = await shell();
    s.machines.set('win11', machine('win11', 'ready', {}, 'Windows 11'));
    let answer: (v: { response: number; checkboxChecked: boolean }) => void = () => undefined;
    electron.dialog.showMessageBox.mockReturnValueOnce(new Promise((r) => (answer = r)));
    const first = s.quit.request();
    await s.quit.request();
    answer({ response: 1, checkboxChecked: false });
    await first;
    expect(electron.dialog.showMessageBox).toHaveBeenCalledOnce();
    expect(electron.app.quit).toHaveBeenCalledOnce();
  });
});
