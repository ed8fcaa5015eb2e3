import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  actionNames,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_STREAM_CLOSE_CHANNEL,
  IPC_STREAM_ITEM_CHANNEL,
  IPC_STREAM_OPEN_CHANNEL,
  type CallResult,
} from '../api';
import { BRIDGE_KEY, DESKTOP_CHANNELS, isBridgeError, type PortholeBridge } from '../api';

type Listener = (event: unknown, ...args: unknown[]) => void;

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const listeners: { channel: string; listener: (event: unknown, ...args: unknown[]) => void }[] = [];
  const ipcRenderer = {
    invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>(),
    on: vi.fn((channel: string, listener: (event: unknown, ...args: unknown[]) => void) => {
      listeners.push({ channel, listener });
      return ipcRenderer;
    }),
    send: vi.fn(),
    sendSync: vi.fn(),
  };
  return {
    exposed,
    listeners,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => void exposed.set(key, api)) },
    webUtils: { getPathForFile: vi.fn(() => '/home/me/Downloads/win11.iso') },
  };
});

vi.mock('electron', () => ({
  contextBridge: fake.contextBridge,
  ipcRenderer: fake.ipcRenderer,
  webUtils: fake.webUtils,
}));

let bridge: PortholeBridge;
beforeAll(async () => {
  await import('./index');
  bridge = fake.exposed.get(BRIDGE_KEY) as PortholeBridge;
});

function answer(result: CallResult): void {
  fake.ipcRenderer.invoke.mockResolvedValueOnce(result);
}
function pushEvent(name: string, payload: unknown): void {
  for (const l of fake.listeners)
    if (l.channel === IPC_EVENT_CHANNEL) (l.listener as Listener)({ sender: 'ipc' }, name, payload);
}

describe('window.porthole', () => {
  it('is exposed once, under "porthole"', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect([...fake.exposed.keys()]).toEqual(['porthole']);
  });

  it('holds exactly one function per action, subscribe, openStream, pathForFile and desktop', () => {
    expect(Object.keys(bridge).sort()).toEqual(
      [...actionNames, 'subscribe', 'openStream', 'pathForFile', 'desktop'].sort(),
    );
    for (const name of [...actionNames, 'subscribe', 'openStream', 'pathForFile'] as const) {
      expect(typeof bridge[name], name).toBe('function');
    }
    expect(Object.keys(bridge.desktop).sort()).toEqual(Object.keys(DESKTOP_CHANNELS).sort());
    for (const fn of Object.values(bridge.desktop)) expect(typeof fn).toBe('function');
  });

  it('never hands out ipcRenderer or any of its methods', () => {
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
      seen.add(value);
      expect(value).not.toBe(fake.ipcRenderer);
      for (const method of Object.values(fake.ipcRenderer)) expect(value).not.toBe(method);
      if (typeof value === 'object') for (const v of Object.values(value)) walk(v);
    };
    walk(bridge);
    expect(Object.keys(bridge)).not.toContain('ipcRenderer');
  });
});

describe('actions', () => {
  it('invoke the call channel with the action name and request, and resolve to the value', async () => {
    answer({ ok: true, value: { ok: true } });
    await expect(bridge.startMachine({ id: 'win11' })).resolves.toEqual({ ok: true });
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_CALL_CHANNEL, 'startMachine', { id: 'win11' });
  });

  it('send {} for a call without a request', async () => {
    answer({ ok: true, value: [] });
    await (bridge.listMachines as unknown as () => Promise<unknown>)();
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_CALL_CHANNEL, 'listMachines', {});
  });

  it('reject with the error rebuilt from the envelope, code and remedy kept', async () => {
    answer({
      ok: false,
      error: { code: 'ENGINE_UNAVAILABLE', message: 'Docker is not running.', remedy: 'Start it.' },
    });
    const err: unknown = await bridge.listMachines({}).catch((e: unknown) => e);
    expect(err).toEqual({
      name: 'PortholeError',
      code: 'ENGINE_UNAVAILABLE',
      message: 'Docker is not running.',
      remedy: 'Start it.',
    });
    expect(isBridgeError(err)).toBe(true);
  });

  it('reject with INTERNAL when main crashes or answers nonsense', async () => {
    fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error("Error invoking remote method 'porthole:call'"));
    await expect(bridge.engineStatus({})).rejects.toMatchObject({ code: 'INTERNAL' });
    fake.ipcRenderer.invoke.mockResolvedValueOnce('garbage');
    await expect(bridge.engineStatus({})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('subscribe', () => {
  it('fans one IPC listener out to the page’s listeners, by event', () => {
    const changed = vi.fn();
    const removed = vi.fn();
    const offChanged = bridge.subscribe('machineChanged', changed);
    bridge.subscribe('machineRemoved', removed);
    pushEvent('machineChanged', { id: 'a' });
    pushEvent('machineRemoved', { id: 'b' });
    pushEvent('notAnEvent', { id: 'c' });
    expect(changed).toHaveBeenCalledExactlyOnceWith({ id: 'a' });
    expect(removed).toHaveBeenCalledExactlyOnceWith({ id: 'b' });
    offChanged();
    pushEvent('machineChanged', { id: 'a2' });
    expect(changed).toHaveBeenCalledOnce();
    expect(fake.listeners.filter((l) => l.channel === IPC_EVENT_CHANNEL)).toHaveLength(1);
    // One listener per channel: events, stream items, stream ends.
    expect(fake.ipcRenderer.on).toHaveBeenCalledTimes(3);
  });

  it('delivers a stream’s items to its opener only, and closes it in main by its id', async () => {
    const items: unknown[] = [];
    answer({ ok: true, value: null });
    const close = bridge.openStream('machineLog', { id: 'a' }, (item) => items.push(item));
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_STREAM_OPEN_CHANNEL, 1, 'machineLog', { id: 'a' });
    for (const l of fake.listeners)
      if (l.channel === IPC_STREAM_ITEM_CHANNEL) (l.listener as Listener)({}, 1, { kind: 'ended' });
    for (const l of fake.listeners)
      if (l.channel === IPC_STREAM_ITEM_CHANNEL) (l.listener as Listener)({}, 2, { kind: 'other' });
    expect(items).toEqual([{ kind: 'ended' }]);
    close();
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_STREAM_CLOSE_CHANNEL, 1);
    for (const l of fake.listeners)
      if (l.channel === IPC_STREAM_ITEM_CHANNEL) (l.listener as Listener)({}, 1, { kind: 'late' });
    expect(items).toHaveLength(1);
    expect(() => bridge.openStream('nope' as 'machineLog', { id: 'a' }, () => undefined)).toThrow(/no stream named/);
  });

  it('keeps delivering when one listener throws', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const good = vi.fn();
    bridge.subscribe('engineChanged', () => {
      throw new Error('bad listener');
    });
    bridge.subscribe('engineChanged', good);
    pushEvent('engineChanged', { connected: true });
    expect(good).toHaveBeenCalledOnce();
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('refuses an unknown event name or a listener that is not a function', () => {
    expect(() => bridge.subscribe('everything' as 'machineChanged', () => undefined)).toThrow(
      /no event named "everything"/,
    );
    expect(() => bridge.subscribe('machineChanged', 'x' as unknown as () => void)).toThrow(TypeError);
  });
});

describe('shell helpers', () => {
  it('pathForFile asks webUtils for the dropped file’s path', () => {
    const file = { name: 'win11.iso' } as unknown as File;
    expect(bridge.pathForFile(file)).toBe('/home/me/Downloads/win11.iso');
    expect(fake.webUtils.getPathForFile).toHaveBeenCalledWith(file);
  });

  it('each desktop helper uses its own channel and unwraps the envelope', async () => {
    answer({ ok: true, value: 'clip' });
    await expect(bridge.desktop.readClipboard()).resolves.toBe('clip');
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(DESKTOP_CHANNELS.readClipboard);

    answer({ ok: true, value: null });
    await expect(bridge.desktop.writeClipboard('hi')).resolves.toBeUndefined();
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(DESKTOP_CHANNELS.writeClipboard, 'hi');

    answer({ ok: true, value: '/srv/share' });
    await expect(bridge.desktop.pickFolder()).resolves.toBe('/srv/share');
    answer({ ok: true, value: null });
    await expect(bridge.desktop.pickIso()).resolves.toBeNull();

    const png = new Uint8Array([0x89, 0x50]);
    answer({ ok: true, value: '/home/me/Pictures/a.png' });
    await expect(bridge.desktop.saveScreenshot(png, 'a')).resolves.toBe('/home/me/Pictures/a.png');
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(DESKTOP_CHANNELS.saveScreenshot, png, 'a');

    answer({ ok: false, error: { code: 'NOT_FOUND', message: 'No machine "x".' } });
    await expect(bridge.desktop.openScreenWindow('x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(DESKTOP_CHANNELS.openScreenWindow, 'x');
  });
});
