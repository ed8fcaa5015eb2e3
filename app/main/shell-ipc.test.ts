// Every IPC handler the shell registers (shell-ipc.ts) checks its sender: our own page, in a window of ours.
// With a fake Electron and a fake backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DESKTOP_CHANNELS,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_STREAM_CLOSE_CHANNEL,
  IPC_STREAM_OPEN_CHANNEL,
} from '../api';
import { fakeBackend, type FakeBackend } from './testing/fake-backend';
import {
  FakeBrowserWindow,
  FakeWebContents,
  fakeElectron,
  ipcEventFrom,
  type FakeElectron,
} from './testing/fake-electron';
import { machine } from './testing/machines';
import { testShell } from './testing/shell';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { registerIpcHandlers } = await import('./shell-ipc');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-shell-ipc-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

let backend: FakeBackend;
beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
  backend = fakeBackend([machine('win11', 'stopped', {}, 'Windows 11')]);
});

function call(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
  return Promise.resolve(electron.ipcMain.handlers.get(channel)!(event, ...args));
}

/** A well-formed first argument for each channel, so only the sender can make it fail. */
const FIRST_ARGS: Record<string, unknown[]> = {
  [IPC_CALL_CHANNEL]: ['getMachine', { id: 'win11' }],
  [IPC_STREAM_OPEN_CHANNEL]: [1, 'machineLog', { id: 'win11' }],
  [IPC_STREAM_CLOSE_CHANNEL]: [1],
  [DESKTOP_CHANNELS.writeClipboard]: ['text'],
  [DESKTOP_CHANNELS.saveScreenshot]: [new Uint8Array(1), 'shot.png'],
  [DESKTOP_CHANNELS.openScreenWindow]: ['win11'],
  [DESKTOP_CHANNELS.openMachineFolder]: ['win11'],
  [DESKTOP_CHANNELS.openMachinePage]: ['win11'],
  [DESKTOP_CHANNELS.saveTextFile]: ['text', 'a.txt', false],
};

describe('the IPC handlers', () => {
  it('refuse every call from a foreign page, or from a page outside our windows', async () => {
    const shell = await testShell(backend, tmp);
    registerIpcHandlers(shell);
    const ours = shell.showMain() as unknown as FakeBrowserWindow;
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'porthole://app/index.html#/';
    const channels = [...electron.ipcMain.handlers.keys()];
    expect(channels.sort()).toEqual(
      [IPC_CALL_CHANNEL, IPC_STREAM_OPEN_CHANNEL, IPC_STREAM_CLOSE_CHANNEL, ...Object.values(DESKTOP_CHANNELS)].sort(),
    );
    for (const channel of channels) {
      const args = FIRST_ARGS[channel] ?? [];
      expect(await call(channel, ipcEventFrom(stranger), ...args), channel).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
    }
    ours.webContents.mainFrame.url = 'https://evil.example/';
    for (const channel of channels) {
      const args = FIRST_ARGS[channel] ?? [];
      expect(await call(channel, ipcEventFrom(ours.webContents), ...args), channel).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
    }
    expect(backend.calls).toEqual([]);
    expect(electron.clipboard.writeText).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toEqual([ours]);
  });

  it('serve our page: contract calls (seen by the hook), desktop helpers, and the backend’s events', async () => {
    const shell = await testShell(backend, tmp);
    const onCall = vi.fn();
    registerIpcHandlers(shell, onCall);
    const wc = (shell.showMain() as unknown as FakeBrowserWindow).webContents;
    expect(await call(IPC_CALL_CHANNEL, ipcEventFrom(wc), 'getMachine', { id: 'win11' })).toMatchObject({ ok: true });
    expect(onCall).toHaveBeenCalledWith('getMachine', { id: 'win11' });
    expect(await call(DESKTOP_CHANNELS.openScreenWindow, ipcEventFrom(wc), 'win11')).toEqual({ ok: true, value: null });
    expect(FakeBrowserWindow.all.map((w) => w.loaded)).toContain('porthole://app/index.html#/screen/win11');
    expect(await call(DESKTOP_CHANNELS.openMachinePage, ipcEventFrom(wc), 'win11')).toEqual({ ok: true, value: null });
    expect(wc.mainFrame.url).toBe('porthole://app/index.html#/machines/win11');
    const view = machine('win11', 'ready', {}, 'Windows 11');
    backend.emit({ event: 'machineChanged', payload: view });
    expect(wc.sent).toContainEqual([IPC_EVENT_CHANNEL, 'machineChanged', view]);
  });

  it('open a machine’s storage folder as the backend names it, and say when it names none', async () => {
    const shell = await testShell(backend, tmp);
    registerIpcHandlers(shell);
    const wc = (shell.showMain() as unknown as FakeBrowserWindow).webContents;
    backend.handlers.fixMachine = async () => ({ fixed: true, folder: tmp }) as never;
    expect(await call(DESKTOP_CHANNELS.openMachineFolder, ipcEventFrom(wc), 'win11')).toEqual({
      ok: true,
      value: null,
    });
    expect(backend.calls).toContainEqual({ action: 'fixMachine', request: { id: 'win11', fix: 'make-room' } });
    expect(electron.shell.openPath).toHaveBeenCalledWith(tmp);
    backend.handlers.fixMachine = async () => ({ fixed: true }) as never;
    expect(await call(DESKTOP_CHANNELS.openMachineFolder, ipcEventFrom(wc), 'win11')).toMatchObject({
      ok: false,
      error: { message: 'no storage folder for win11' },
    });
  });
});
