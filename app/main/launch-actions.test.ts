// What a command line asks of the running shell (launch-actions.ts), with a fake Electron and a fake backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from './instance-routing';
import { fakeBackend, type FakeBackend } from './testing/fake-backend';
import { FakeBrowserWindow, fakeElectron, type FakeElectron } from './testing/fake-electron';
import { machine } from './testing/machines';
import { testShell } from './testing/shell';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { actOnLaunches, openProgram } = await import('./launch-actions');
const { SecondInstances } = await import('./single-instance');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-launch-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

let backend: FakeBackend;
beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
  backend = fakeBackend([machine('win11', 'stopped', {}, 'Windows 11')]);
  vi.spyOn(console, 'warn')
    .mockClear()
    .mockImplementation(() => undefined);
});

function shownDetail(): string {
  const options = electron.dialog.showMessageBox.mock.lastCall!.at(-1) as unknown as {
    message: string;
    detail: string;
  };
  return `${options.message} | ${options.detail}`;
}

describe('a handed-over program', () => {
  it('opens by name, its file passed on', async () => {
    const shell = await testShell(backend, tmp);
    await openProgram(shell, { machine: 'win11', app: 'Notepad', file: '/home/me/a.txt' });
    expect(backend.calls).toContainEqual({
      action: 'launchApp',
      request: { id: 'win11', app: '3561ec4a8629', file: '/home/me/a.txt' },
    });
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('says why it cannot open: no such program, no such machine, no FreeRDP', async () => {
    const shell = await testShell(backend, tmp);
    await openProgram(shell, { machine: 'win11', app: 'Paint' });
    expect(shownDetail()).toMatch(/^Could not open Paint from win11 \| No program called "Paint" is listed/);
    await openProgram(shell, { machine: 'nope', app: 'Notepad' });
    expect(shownDetail()).toBe('Could not open Notepad from nope | No machine "nope".');
    backend.handlers.launchApp = async () => ({
      launched: false,
      client: null,
      fix: { text: 'Install FreeRDP.', commands: ['sudo apt install freerdp3-x11'] },
    });
    await openProgram(shell, { machine: 'win11', app: 'Notepad' });
    expect(shownDetail()).toBe('Could not open Notepad from win11 | Install FreeRDP.\n\nsudo apt install freerdp3-x11');
  });
});

describe('the command line', () => {
  it('starts a machine and shows the main window; --hidden without a tray shows it anyway, and says so', async () => {
    const shell = await testShell(backend, tmp);
    actOnLaunches(shell, parseArgs(['porthole', '--start', 'win11', '--hidden']), new SecondInstances());
    await vi.waitFor(() => expect(backend.calls).toContainEqual({ action: 'startMachine', request: { id: 'win11' } }));
    expect(shell.main.current()?.isVisible()).toBe(true);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('--hidden needs a tray'));
  });

  it('--hidden with a tray keeps the window away', async () => {
    const shell = await testShell(backend, tmp, { trayHostPresent: true });
    actOnLaunches(shell, parseArgs(['porthole', '--hidden']), new SecondInstances());
    expect(shell.main.current()).toBeNull();
    expect(console.warn).not.toHaveBeenCalled();
  });

  it('acts on second instances, those that came while starting first, and tells the hook', async () => {
    const shell = await testShell(backend, tmp, { trayHostPresent: true });
    const handover = new SecondInstances();
    handover.listen();
    electron.app.emit('second-instance', {}, ['x'], '/', { argv: ['porthole', '--stop', 'win11'] });
    const seen = vi.fn();
    actOnLaunches(shell, parseArgs(['porthole', '--hidden']), handover, seen);
    expect(seen).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(backend.calls).toContainEqual({ action: 'stopMachine', request: { id: 'win11' } }));
    // A scripted start or stop from a second instance leaves the window where it is.
    expect(shell.main.current()).toBeNull();
    electron.app.emit('second-instance', {}, ['x'], '/', { argv: ['porthole', '--screen', 'nope'] });
    await vi.waitFor(() => expect(shownDetail()).toBe('Could not show the screen of nope | No machine "nope".'));
    expect(seen).toHaveBeenCalledTimes(2);
  });
});
