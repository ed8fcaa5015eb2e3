// The tray's items act through the shell (shell-tray.ts), with a fake Electron and a fake backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend, type FakeBackend } from './testing/fake-backend';
import { FakeBrowserWindow, FakeTray, fakeElectron, type FakeElectron } from './testing/fake-electron';
import { machine } from './testing/machines';
import { testShell } from './testing/shell';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { createTray } = await import('./shell-tray');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-shell-tray-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

let backend: FakeBackend;
beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
  FakeTray.all = [];
  backend = fakeBackend([machine('win11', 'ready', {}, 'Windows 11')]);
});

describe('the tray', () => {
  it('starts, stops and shows machines through the backend, and shows a failure by the machine’s name', async () => {
    const shell = await testShell(backend, tmp);
    const tray = createTray('/opt/Porthole/icons', shell);
    const view = machine('win11', 'ready', {}, 'Windows 11');
    shell.machines.set('win11', view);
    tray.update([view]);
    tray.item('machine:win11:screen')!.click();
    await vi.waitFor(() =>
      expect(FakeBrowserWindow.all.map((w) => w.loaded)).toContain('porthole://app/index.html#/screen/win11'),
    );
    backend.handlers.restartMachine = async () => {
      throw new Error('engine away');
    };
    tray.item('machine:win11:restart')!.click();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    expect(electron.dialog.showMessageBox.mock.lastCall!.at(-1)).toMatchObject({
      message: 'Could not restart Windows 11',
    });
    tray.item('machine:win11:stop')!.click();
    await vi.waitFor(() => expect(backend.calls).toContainEqual({ action: 'stopMachine', request: { id: 'win11' } }));
  });

  it('opens the main window, and quits through the question', async () => {
    const shell = await testShell(backend, tmp);
    const tray = createTray('/opt/Porthole/icons', shell);
    tray.item('open')!.click();
    expect(shell.main.current()?.isVisible()).toBe(true);
    tray.item('quit')!.click();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledOnce());
  });
});
