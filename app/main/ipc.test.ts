import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallResult } from '../api';
import { DESKTOP_CHANNELS } from '../api';
import { registerDesktopIpc, type DesktopServices } from './desktop-ipc';
import { fakeBackend } from './testing/fake-backend';
import { FakeFrame, FakeWebContents, ipcEventFrom } from './testing/fake-electron';
import { forwardBackendEvents, registerBackendIpc, senderCheck, type IpcMainLike } from './ipc';
import { isOwnPageUrl, pageLocation } from './page';
import { machine } from './testing/machines';

const location = pageLocation({ indexFile: '/opt/Porthole/out/renderer/index.html', isPackaged: true, env: {} });
const PAGE = 'porthole://app/index.html#/';

type IpcHandler = Parameters<IpcMainLike['handle']>[1];

function fakeIpcMain() {
  const handlers = new Map<string, IpcHandler>();
  return {
    handlers,
    handle: (channel: string, h: IpcHandler): void => {
      handlers.set(channel, h);
    },
    removeHandler: (channel: string): void => {
      handlers.delete(channel);
    },
  };
}

/** Our window showing our page, plus the check that only it may call. */
function setup() {
  const ours = new FakeWebContents();
  ours.mainFrame.url = PAGE;
  const allowSender = senderCheck({
    isOwnPageUrl: (url) => isOwnPageUrl(url, location),
    isOurWebContents: (wc) => wc === (ours as unknown as WebContents),
  });
  return { ours, allowSender };
}

function call(
  ipc: ReturnType<typeof fakeIpcMain>,
  channel: string,
  event: unknown,
  ...args: unknown[]
): Promise<CallResult> {
  return Promise.resolve(ipc.handlers.get(channel)!(event as IpcMainInvokeEvent, ...args)) as Promise<CallResult>;
}

describe('the contract over IPC', () => {
  function served(machines = [machine('win11', 'stopped')]) {
    const ipc = fakeIpcMain();
    const backend = fakeBackend(machines);
    const { ours, allowSender } = setup();
    const admitted: unknown[] = [];
    registerBackendIpc({ ipcMain: ipc, backend, allowSender, onCall: (action) => admitted.push(action) });
    return { ipc, backend, ours, admitted };
  }

  it('serves our page through backend.invoke', async () => {
    const { ipc, backend, ours, admitted } = served();
    const result = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'startMachine', { id: 'win11' });
    expect(result).toEqual({ ok: true, value: { ok: true } });
    expect(backend.calls).toEqual([{ action: 'startMachine', request: { id: 'win11' } }]);
    expect(admitted).toEqual(['startMachine']);
  });

  it('refuses our renderer’s files loaded from file:// (the page is served from porthole://app only)', async () => {
    const { ipc, backend, ours } = served();
    ours.mainFrame.url = 'file:///opt/Porthole/out/renderer/index.html#/';
    const result = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'listMachines', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(backend.calls).toEqual([]);
  });

  it('refuses a page that navigated away from ours', async () => {
    const { ipc, backend, ours, admitted } = served();
    ours.mainFrame.url = 'https://evil.example/';
    const result = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'deleteMachine', {
      id: 'win11',
      deleteDisk: true,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(backend.calls).toEqual([]);
    expect(admitted).toEqual([]);
  });

  it('refuses a subframe, even one showing our own page', async () => {
    const { ipc, backend, ours } = served();
    const iframe = new FakeFrame(PAGE);
    iframe.parent = ours.mainFrame;
    const result = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours, iframe), 'listMachines', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(backend.calls).toEqual([]);
  });

  it('refuses a frame that is gone, and a webContents that is not one of our windows', async () => {
    const { ipc, backend, ours } = served();
    expect(await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours, null), 'listMachines', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = PAGE;
    expect(await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(stranger), 'listMachines', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    expect(backend.calls).toEqual([]);
  });

  it('passes on the backend’s refusal of an invalid argument or an unknown action', async () => {
    const { ipc, ours } = served();
    const bad = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'startMachine', { id: '../../etc' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const missing = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'deleteMachine', { id: 'win11' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const unknown = await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'rmRf', {});
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'Unknown action "rmRf".' },
    });
  });

  it('answers every malformed call with a typed error and never reaches the backend with it', async () => {
    const { ipc, backend, ours } = served();
    const ev = ipcEventFrom(ours);
    const answers = [
      await call(ipc, IPC_CALL_CHANNEL, ev),
      await call(ipc, IPC_CALL_CHANNEL, ev, 42, {}),
      await call(ipc, IPC_CALL_CHANNEL, ev, null, {}),
      await call(ipc, IPC_CALL_CHANNEL, ev, { toString: () => 'listMachines' }, {}),
      await call(ipc, IPC_CALL_CHANNEL, ev, 'listMachines', {}, 'extra'),
    ];
    for (const answer of answers)
      expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.any(String) } });
    expect(backend.calls).toEqual([]);
    const request = await call(ipc, IPC_CALL_CHANNEL, ev, 'getMachine', 'not an object');
    expect(request).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('answers with an envelope when the sender check itself throws', async () => {
    const ipc = fakeIpcMain();
    registerBackendIpc({
      ipcMain: ipc,
      backend: fakeBackend(),
      allowSender: () => {
        throw new Error('frame disposed');
      },
    });
    expect(await call(ipc, IPC_CALL_CHANNEL, {}, 'listMachines', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'frame disposed' },
    });
  });

  it('answers with an envelope even if the backend breaks its promise and throws', async () => {
    const ipc = fakeIpcMain();
    const backend = fakeBackend();
    backend.invoke = vi.fn(async () => {
      throw new Error('boom');
    });
    const { ours, allowSender } = setup();
    registerBackendIpc({ ipcMain: ipc, backend, allowSender });
    expect(await call(ipc, IPC_CALL_CHANNEL, ipcEventFrom(ours), 'listMachines', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });

  it('unregisters', () => {
    const ipc = fakeIpcMain();
    const off = registerBackendIpc({ ipcMain: ipc, backend: fakeBackend(), allowSender: () => true });
    expect(ipc.handlers.has(IPC_CALL_CHANNEL)).toBe(true);
    off();
    expect(ipc.handlers.has(IPC_CALL_CHANNEL)).toBe(false);
  });
});

describe('backend events', () => {
  it('reach every live window of ours on the event channel', () => {
    const backend = fakeBackend();
    const a = new FakeWebContents();
    const b = new FakeWebContents();
    const gone = new FakeWebContents();
    gone.destroyed = true;
    const off = forwardBackendEvents(backend, () => [a, b, gone] as unknown as WebContents[]);
    const view = machine('win11', 'ready');
    backend.emit({ event: 'machineChanged', payload: view });
    expect(a.sent).toEqual([[IPC_EVENT_CHANNEL, 'machineChanged', view]]);
    expect(b.sent).toEqual([[IPC_EVENT_CHANNEL, 'machineChanged', view]]);
    expect(gone.sent).toEqual([]);
    off();
    backend.emit({ event: 'machineRemoved', payload: { id: 'win11' } });
    expect(a.sent).toHaveLength(1);
  });
});

describe('desktop helpers over IPC', () => {
  function served() {
    const ipc = fakeIpcMain();
    const { ours, allowSender } = setup();
    const parent = { name: 'main window' };
    const services = {
      readClipboard: vi.fn(async () => 'copied'),
      writeClipboard: vi.fn(async () => undefined),
      pickFolder: vi.fn(async () => '/home/me/Shared'),
      pickIso: vi.fn(async () => null),
      saveScreenshot: vi.fn(async () => '/home/me/Pictures/shot.png'),
      openScreenWindow: vi.fn(async () => undefined),
      openMachineFolder: vi.fn(async () => undefined),
      saveTextFile: vi.fn(async () => '/home/me/Documents/win11.log'),
      openMachinePage: vi.fn(async () => undefined),
    } satisfies DesktopServices<typeof parent>;
    registerDesktopIpc({ ipcMain: ipc, allowSender, services, windowOf: () => parent });
    return { ipc, ours, services, parent };
  }
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

  it('registers one channel per helper', () => {
    const { ipc } = served();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
  });

  it('serves our page', async () => {
    const { ipc, ours, services, parent } = served();
    const ev = ipcEventFrom(ours);
    expect(await call(ipc, DESKTOP_CHANNELS.readClipboard, ev)).toEqual({ ok: true, value: 'copied' });
    expect(await call(ipc, DESKTOP_CHANNELS.writeClipboard, ev, 'hello')).toEqual({ ok: true, value: null });
    expect(services.writeClipboard).toHaveBeenCalledWith('hello');
    expect(await call(ipc, DESKTOP_CHANNELS.pickFolder, ev)).toEqual({ ok: true, value: '/home/me/Shared' });
    expect(services.pickFolder).toHaveBeenCalledWith(parent);
    expect(await call(ipc, DESKTOP_CHANNELS.pickIso, ev)).toEqual({ ok: true, value: null });
    expect(await call(ipc, DESKTOP_CHANNELS.saveScreenshot, ev, PNG, 'Win 11')).toEqual({
      ok: true,
      value: '/home/me/Pictures/shot.png',
    });
    expect(services.saveScreenshot).toHaveBeenCalledWith(parent, PNG, 'Win 11');
    expect(await call(ipc, DESKTOP_CHANNELS.openScreenWindow, ev, 'win11')).toEqual({ ok: true, value: null });
    expect(services.openScreenWindow).toHaveBeenCalledWith('win11');
    expect(await call(ipc, DESKTOP_CHANNELS.openMachineFolder, ev, 'win11')).toEqual({ ok: true, value: null });
    expect(services.openMachineFolder).toHaveBeenCalledWith('win11');
    expect(await call(ipc, DESKTOP_CHANNELS.saveTextFile, ev, 'line\n', 'win11.log', false)).toEqual({
      ok: true,
      value: '/home/me/Documents/win11.log',
    });
    expect(services.saveTextFile).toHaveBeenCalledWith(parent, 'line\n', 'win11.log', false);
    expect(await call(ipc, DESKTOP_CHANNELS.openMachinePage, ev, 'win11')).toEqual({ ok: true, value: null });
    expect(services.openMachinePage).toHaveBeenCalledWith('win11');
  });

  it('refuses a foreign page on every channel', async () => {
    const { ipc, ours, services } = served();
    ours.mainFrame.url = 'https://evil.example/';
    for (const channel of Object.values(DESKTOP_CHANNELS)) {
      expect(await call(ipc, channel, ipcEventFrom(ours), 'x'), channel).toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED' },
      });
    }
    for (const fn of Object.values(services)) expect(fn).not.toHaveBeenCalled();
  });

  it('refuses arguments of the wrong shape', async () => {
    const { ipc, ours, services } = served();
    const ev = ipcEventFrom(ours);
    const refused = async (channel: string, ...args: unknown[]): Promise<void> => {
      expect(await call(ipc, channel, ev, ...args), `${channel} ${JSON.stringify(args)}`).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    };
    await refused(DESKTOP_CHANNELS.writeClipboard, 42);
    await refused(DESKTOP_CHANNELS.writeClipboard);
    await refused(DESKTOP_CHANNELS.writeClipboard, 'x'.repeat(4 * 1024 * 1024 + 1));
    await refused(DESKTOP_CHANNELS.saveScreenshot, new Uint8Array([1, 2, 3]), 'shot');
    await refused(DESKTOP_CHANNELS.saveScreenshot, 'not bytes', 'shot');
    await refused(DESKTOP_CHANNELS.saveScreenshot, PNG, 42);
    await refused(DESKTOP_CHANNELS.openScreenWindow, '../../etc/passwd');
    await refused(DESKTOP_CHANNELS.openScreenWindow, { id: 'win11' });
    await refused(DESKTOP_CHANNELS.pickIso, 'extra');
    await refused(DESKTOP_CHANNELS.saveTextFile, 'text', 'name');
    await refused(DESKTOP_CHANNELS.saveTextFile, 42, 'name', false);
    await refused(DESKTOP_CHANNELS.openMachinePage, '../x');
    expect(services.writeClipboard).not.toHaveBeenCalled();
    expect(services.saveScreenshot).not.toHaveBeenCalled();
    expect(services.openScreenWindow).not.toHaveBeenCalled();
    expect(services.saveTextFile).not.toHaveBeenCalled();
    expect(services.openMachinePage).not.toHaveBeenCalled();
  });

  it('passes on a helper’s failure as an envelope', async () => {
    const { ipc, ours, services } = served();
    services.readClipboard.mockRejectedValueOnce(new Error('no clipboard'));
    expect(await call(ipc, DESKTOP_CHANNELS.readClipboard, ipcEventFrom(ours))).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'no clipboard' },
    });
  });
});
