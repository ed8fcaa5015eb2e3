// The stream relay (container logs, stats) over Electron IPC: only Electron is faked (webContents,
// frames, ipcMain); the relay's bookkeeping is the real one in ipc.ts.
import { describe, expect, it } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import {
  IPC_STREAM_CLOSE_CHANNEL,
  IPC_STREAM_END_CHANNEL,
  IPC_STREAM_ITEM_CHANNEL,
  IPC_STREAM_OPEN_CHANNEL,
  type CallResult,
  type ErrorEnvelope,
} from '../api';
import type { StreamEnvelopeSink } from '../core/backend-types';
import { registerStreamIpc, senderCheck, UNAUTHORIZED, type IpcMainLike } from './ipc';
import { isOwnPageUrl, pageLocation } from './page';
import { fakeBackend } from './testing/fake-backend';
import { FakeFrame, FakeWebContents, ipcEventFrom } from './testing/fake-electron';

const location = pageLocation({ indexFile: '/opt/Porthole/out/renderer/index.html', isPackaged: true, env: {} });
const PAGE = 'porthole://app/index.html#/machines/win11/logs';

type IpcHandler = Parameters<IpcMainLike['handle']>[1];

let nextWcId = 1;
/** A webContents with the id Electron gives every one (the relay keys streams by it). */
function ourWebContents(url = PAGE): FakeWebContents & { id: number } {
  const wc = Object.assign(new FakeWebContents(), { id: nextWcId++ });
  wc.mainFrame.url = url;
  return wc;
}

interface OpenedStream {
  stream: unknown;
  request: unknown;
  sink: StreamEnvelopeSink;
  closed: number;
}

/** The relay over a backend whose streams the test drives: what it opened, pushed, closed. */
function relay() {
  const handlers = new Map<string, IpcHandler>();
  const ipcMain: IpcMainLike = {
    handle: (channel, h) => void handlers.set(channel, h),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const windows: FakeWebContents[] = [];
  const allowSender = senderCheck({
    isOwnPageUrl: (url) => isOwnPageUrl(url, location),
    isOurWebContents: (wc) => windows.includes(wc as unknown as FakeWebContents),
  });
  const opened: OpenedStream[] = [];
  let refuse: ErrorEnvelope | null = null;
  let gate: Promise<void> | null = null;
  const backend = {
    ...fakeBackend(),
    async openStream(stream: unknown, request: unknown, sink: StreamEnvelopeSink) {
      if (gate) await gate;
      if (refuse) return { ok: false as const, error: refuse };
      const s: OpenedStream = { stream, request, sink, closed: 0 };
      opened.push(s);
      return { ok: true as const, close: () => void (s.closed += 1) };
    },
  };
  const unregister = registerStreamIpc({ ipcMain, backend, allowSender });
  const invoke = (channel: string, event: unknown, ...args: unknown[]): Promise<CallResult> =>
    Promise.resolve(handlers.get(channel)!(event as IpcMainInvokeEvent, ...args)) as Promise<CallResult>;
  return {
    handlers,
    opened,
    unregister,
    window(url = PAGE) {
      const wc = ourWebContents(url);
      windows.push(wc);
      return wc;
    },
    open: (
      wc: FakeWebContents,
      sid: unknown,
      stream = 'containerLogs',
      request: unknown = { id: 'win11' },
      frame?: FakeFrame | null,
    ) =>
      invoke(
        IPC_STREAM_OPEN_CHANNEL,
        ipcEventFrom(wc, frame === undefined ? wc.mainFrame : frame),
        sid,
        stream,
        request,
      ),
    close: (wc: FakeWebContents, sid: unknown, frame?: FakeFrame | null) =>
      invoke(IPC_STREAM_CLOSE_CHANNEL, ipcEventFrom(wc, frame === undefined ? wc.mainFrame : frame), sid),
    refuseWith(error: ErrorEnvelope | null) {
      refuse = error;
    },
    /** Holds every open in the backend until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

const items = (wc: FakeWebContents) => wc.sent.filter((m) => m[0] === IPC_STREAM_ITEM_CHANNEL);
const ends = (wc: FakeWebContents) => wc.sent.filter((m) => m[0] === IPC_STREAM_END_CHANNEL);

describe('streams over IPC', () => {
  it('relays a stream our page opened: its items and its end, tagged with the page’s id for it', async () => {
    const r = relay();
    const wc = r.window();
    expect(await r.open(wc, 7, 'machineStats', { id: 'win11' })).toEqual({ ok: true, value: null });
    expect(r.opened).toHaveLength(1);
    expect(r.opened[0]).toMatchObject({ stream: 'machineStats', request: { id: 'win11' } });
    r.opened[0]!.sink.item({ line: 'one' });
    r.opened[0]!.sink.item({ line: 'two' });
    r.opened[0]!.sink.end();
    expect(wc.sent).toEqual([
      [IPC_STREAM_ITEM_CHANNEL, 7, { line: 'one' }],
      [IPC_STREAM_ITEM_CHANNEL, 7, { line: 'two' }],
      [IPC_STREAM_END_CHANNEL, 7, null],
    ]);
    // Ended by the backend: nothing more goes out, and the id is free again.
    r.opened[0]!.sink.item({ line: 'late' });
    expect(items(wc)).toHaveLength(2);
    expect(await r.open(wc, 7)).toEqual({ ok: true, value: null });
  });

  it('passes on the end’s error', async () => {
    const r = relay();
    const wc = r.window();
    await r.open(wc, 1);
    const error: ErrorEnvelope = { code: 'NOT_FOUND', message: 'The container is gone.' };
    r.opened[0]!.sink.end(error);
    expect(ends(wc)).toEqual([[IPC_STREAM_END_CHANNEL, 1, error]]);
  });

  it('closes the backend’s stream when the page closes it, and relays nothing after', async () => {
    const r = relay();
    const wc = r.window();
    await r.open(wc, 3);
    expect(await r.close(wc, 3)).toEqual({ ok: true, value: null });
    expect(r.opened[0]!.closed).toBe(1);
    r.opened[0]!.sink.item({ line: 'after close' });
    r.opened[0]!.sink.end();
    expect(wc.sent).toEqual([]);
    // Closing twice (or an id never opened) is harmless and closes nothing again.
    expect(await r.close(wc, 3)).toEqual({ ok: true, value: null });
    expect(await r.close(wc, 99)).toEqual({ ok: true, value: null });
    expect(r.opened[0]!.closed).toBe(1);
  });

  it('closes every stream of a window that is destroyed, and only that window’s', async () => {
    const r = relay();
    const a = r.window();
    const b = r.window();
    await r.open(a, 1);
    await r.open(a, 2, 'machineStats');
    await r.open(b, 1);
    a.destroyed = true;
    a.emit('destroyed');
    expect(r.opened.map((s) => s.closed)).toEqual([1, 1, 0]);
    r.opened[0]!.sink.item({ line: 'for nobody' });
    expect(a.sent).toEqual([]);
    r.opened[2]!.sink.item({ line: 'still for b' });
    expect(items(b)).toEqual([[IPC_STREAM_ITEM_CHANNEL, 1, { line: 'still for b' }]]);
  });

  it('closes a page’s streams when it reloads or navigates away, but not on a route change inside it', async () => {
    const r = relay();
    const wc = r.window();
    await r.open(wc, 1);
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    wc.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    expect(r.opened[0]!.closed).toBe(0);
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    expect(r.opened[0]!.closed).toBe(1);
  });

  it('never sends one page’s events to another, even with the same stream id', async () => {
    const r = relay();
    const a = r.window();
    const b = r.window();
    await r.open(a, 1, 'containerLogs', { id: 'win11' });
    await r.open(b, 1, 'containerLogs', { id: 'win10' });
    r.opened[0]!.sink.item({ line: 'for a' });
    r.opened[1]!.sink.item({ line: 'for b' });
    expect(items(a)).toEqual([[IPC_STREAM_ITEM_CHANNEL, 1, { line: 'for a' }]]);
    expect(items(b)).toEqual([[IPC_STREAM_ITEM_CHANNEL, 1, { line: 'for b' }]]);
    // b closing its stream 1 leaves a's stream 1 open.
    await r.close(b, 1);
    expect(r.opened.map((s) => s.closed)).toEqual([0, 1]);
  });

  it('refuses a foreign frame: an iframe in our window, a page that navigated away, a window not ours', async () => {
    const r = relay();
    const ours = r.window();
    const iframe = new FakeFrame(PAGE);
    iframe.parent = ours.mainFrame;
    const elsewhere = r.window('https://example.com/');
    const stranger = ourWebContents(); // our page's URL, but not one of our windows
    expect(await r.open(ours, 1, 'containerLogs', { id: 'win11' }, iframe)).toEqual(UNAUTHORIZED);
    expect(await r.open(elsewhere, 1)).toEqual(UNAUTHORIZED);
    expect(await r.open(stranger, 1)).toEqual(UNAUTHORIZED);
    expect(await r.open(ours, 1, 'containerLogs', { id: 'win11' }, null)).toEqual(UNAUTHORIZED);
    expect(r.opened).toHaveLength(0);
    // Nor may a foreign frame close our page's stream.
    await r.open(ours, 1);
    expect(await r.close(ours, 1, iframe)).toEqual(UNAUTHORIZED);
    expect(r.opened[0]!.closed).toBe(0);
  });

  it('refuses a malformed id or a second stream with an id already open', async () => {
    const r = relay();
    const wc = r.window();
    for (const sid of ['1', -1, 1.5, null, Number.MAX_SAFE_INTEGER + 1]) {
      expect(await r.open(wc, sid)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
    expect(await r.open(wc, 1)).toEqual({ ok: true, value: null });
    expect(await r.open(wc, 1)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'A stream with id 1 is already open.' },
    });
    expect(r.opened).toHaveLength(1);
  });

  it('passes on the backend’s refusal and keeps nothing open for it', async () => {
    const r = relay();
    const wc = r.window();
    const error: ErrorEnvelope = { code: 'INVALID_ARGUMENT', message: 'Unknown stream "nope".' };
    r.refuseWith(error);
    expect(await r.open(wc, 1, 'nope')).toEqual({ ok: false, error });
    r.refuseWith(null);
    expect(await r.open(wc, 1)).toEqual({ ok: true, value: null });
  });

  it('closes a stream at once when the page closed it, or went away, while it was still opening', async () => {
    const r = relay();
    const wc = r.window();
    let release = r.hold();
    const opening = r.open(wc, 1);
    await r.close(wc, 1);
    release();
    await opening;
    expect(r.opened[0]!.closed).toBe(1);
    r.opened[0]!.sink.item({ line: 'x' });
    expect(wc.sent).toEqual([]);

    release = r.hold();
    const opening2 = r.open(wc, 2);
    wc.destroyed = true;
    wc.emit('destroyed');
    release();
    await opening2;
    expect(r.opened[1]!.closed).toBe(1);
  });

  it('keeps a stream still opening for a page that reloaded apart from the new page’s stream with the same id', async () => {
    // The preload numbers streams from 1 in each document: after a reload, the new page's stream 1
    // must not get the old page's stream 1 (another machine's log, perhaps), nor lose its close.
    const r = relay();
    const wc = r.window();
    const release = r.hold();
    const old = r.open(wc, 1, 'containerLogs', { id: 'old' });
    wc.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    const fresh = r.open(wc, 1, 'containerLogs', { id: 'new' });
    release();
    await Promise.all([old, fresh]);
    const [oldStream, newStream] = [
      r.opened.find((s) => (s.request as { id: string }).id === 'old')!,
      r.opened.find((s) => (s.request as { id: string }).id === 'new')!,
    ];
    expect(oldStream.closed).toBe(1);
    expect(newStream.closed).toBe(0);
    oldStream.sink.item({ line: 'old page' });
    oldStream.sink.end();
    newStream.sink.item({ line: 'new page' });
    expect(wc.sent).toEqual([[IPC_STREAM_ITEM_CHANNEL, 1, { line: 'new page' }]]);
    await r.close(wc, 1);
    expect(newStream.closed).toBe(1);
  });

  it('never sends to a window already destroyed', async () => {
    const r = relay();
    const wc = r.window();
    await r.open(wc, 1);
    wc.destroyed = true; // destroyed, its 'destroyed' event not yet delivered
    r.opened[0]!.sink.item({ line: 'x' });
    r.opened[0]!.sink.end();
    expect(wc.sent).toEqual([]);
  });

  it('closes everything it relays and stops serving when unregistered', async () => {
    const r = relay();
    const wc = r.window();
    await r.open(wc, 1);
    await r.open(wc, 2);
    r.unregister();
    expect(r.opened.map((s) => s.closed)).toEqual([1, 1]);
    expect(r.handlers.size).toBe(0);
  });
});
