// The window menu's actions (app-menu.ts), with a fake Electron; the login start is written for real.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DOCKUR_DOCS_URL } from './menu';
import { fakeBackend } from './testing/fake-backend';
import { FakeBrowserWindow, fakeElectron, type FakeElectron, type FakeMenu } from './testing/fake-electron';
import { testShell } from './testing/shell';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { installAppMenu } = await import('./app-menu');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-app-menu-'));
const savedConfigHome = process.env.XDG_CONFIG_HOME;
afterAll(() => rm(tmp, { recursive: true, force: true }));
afterEach(() => {
  if (savedConfigHome === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedConfigHome;
});

beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
});

function menu(): FakeMenu {
  return electron.Menu.setApplicationMenu.mock.lastCall![0] as FakeMenu;
}
function autostartChecked(): boolean | undefined {
  const file = menu().template.find((i) => i.id === 'file')!;
  return (file.submenu as { id?: string; checked?: boolean }[]).find((i) => i.id === 'autostart')!.checked;
}

describe('the window menu', () => {
  it('switches the login start on and off, and shows the box as it now is', async () => {
    process.env.XDG_CONFIG_HOME = await mkdtemp(join(tmp, 'xdg-'));
    const shell = await testShell(fakeBackend(), tmp);
    await installAppMenu(shell, join(tmp, 'porthole.log'));
    expect(autostartChecked()).toBe(false);
    const item = menu().template.find((i) => i.id === 'file')!.submenu as {
      id?: string;
      click?: (i: unknown) => void;
    }[];
    item.find((i) => i.id === 'autostart')!.click!({ checked: true });
    await vi.waitFor(() => expect(autostartChecked()).toBe(true));
    const entry = await readFile(join(process.env.XDG_CONFIG_HOME, 'autostart', 'porthole.desktop'), 'utf8');
    expect(entry).toContain('--hidden');
  });

  it('opens the container’s documentation outside, and the app log in the main window', async () => {
    const shell = await testShell(fakeBackend(), tmp);
    await installAppMenu(shell, join(tmp, 'porthole.log'));
    menu().getMenuItemById('dockur-docs')!.click();
    expect(electron.shell.openExternal).toHaveBeenCalledWith(DOCKUR_DOCS_URL);
    menu().getMenuItemById('app-log')!.click();
    await vi.waitFor(() =>
      expect(shell.main.current()?.webContents.getURL()).toBe('porthole://app/index.html#/app-log'),
    );
  });

  it('says where the log file will be when there is none yet, and quits through the question', async () => {
    const shell = await testShell(fakeBackend(), tmp);
    await installAppMenu(shell, join(tmp, 'logs', 'porthole.log'));
    menu().getMenuItemById('app-log-file')!.click();
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalled());
    expect(JSON.stringify(electron.dialog.showMessageBox.mock.lastCall)).toContain(join(tmp, 'logs', 'porthole.log'));
    menu().getMenuItemById('quit')!.click();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledOnce());
  });
});
