// Machine notifications and their clicks (shell-notifications.ts), with a fake Electron and a fake backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBackend } from './testing/fake-backend';
import { FakeBrowserWindow, FakeNotification, fakeElectron, type FakeElectron } from './testing/fake-electron';
import { machine } from './testing/machines';
import { testShell } from './testing/shell';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { createNotifier } = await import('./shell-notifications');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-notify-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
  FakeNotification.all = [];
});

describe('notifications', () => {
  it('a ready machine’s opens its screen; one that stopped unexpectedly opens the main window', async () => {
    const shell = await testShell(fakeBackend([machine('win11', 'stopped', {}, 'Windows 11')]), tmp);
    const notifier = createNotifier('/opt/Porthole/icons/app.png', shell);
    notifier.seed([machine('win11', 'booting', {}, 'Windows 11')]);
    notifier.changed(machine('win11', 'ready', {}, 'Windows 11'));
    notifier.changed(machine('win11', 'stopped', {}, 'Windows 11'));
    const [ready, stopped] = FakeNotification.all;
    expect(ready!.options).toMatchObject({ title: 'Windows 11 is ready', icon: '/opt/Porthole/icons/app.png' });
    expect(stopped!.options.title).toBe('Windows 11 stopped unexpectedly');
    ready!.emit('click');
    await vi.waitFor(() =>
      expect(FakeBrowserWindow.all.map((w) => w.loaded)).toEqual(['porthole://app/index.html#/screen/win11']),
    );
    stopped!.emit('click');
    expect(shell.main.current()?.isVisible()).toBe(true);
  });

  it('a click for a machine that is gone opens the main window instead', async () => {
    const shell = await testShell(fakeBackend([]), tmp);
    const notifier = createNotifier('/opt/Porthole/icons/app.png', shell);
    notifier.seed([machine('gone', 'booting')]);
    notifier.changed(machine('gone', 'ready'));
    FakeNotification.all[0]!.emit('click');
    await vi.waitFor(() => expect(shell.main.current()?.isVisible()).toBe(true));
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });
});
