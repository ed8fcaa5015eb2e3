// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  announceScreen,
  listenForScreens,
  SCREEN_FRAME_MS,
  SCREEN_SILENCE_MS,
  type Channel,
  type OpenChannel,
} from './screen-presence';

type Message = Parameters<Channel['postMessage']>[0];

/** An in-memory BroadcastChannel: every message reaches every other open channel, never its sender. */
function fakeBroadcast(): { open: OpenChannel; sent: Message[]; openChannels(): number } {
  const channels = new Set<{ deliver(m: Message): void }>();
  const sent: Message[] = [];
  const open: OpenChannel = () => {
    const listeners: ((event: MessageEvent<Message>) => void)[] = [];
    const self = {
      deliver: (m: Message) => {
        for (const l of listeners) l({ data: m } as MessageEvent<Message>);
      },
    };
    channels.add(self);
    return {
      postMessage(m) {
        sent.push(m);
        for (const c of channels) if (c !== self) c.deliver(m);
      },
      addEventListener(_type, listener) {
        listeners.push(listener);
      },
      close() {
        channels.delete(self);
      },
    };
  };
  return { open, sent, openChannels: () => channels.size };
}

const bitmap = (): ImageBitmap => ({ width: 320, height: 200, close: vi.fn() }) as unknown as ImageBitmap;

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('screens open in other pages', () => {
  it('are seen when they open, answer a page that asks later, and are gone when they close', async () => {
    const net = fakeBroadcast();
    const closeScreen = announceScreen('m1', () => null, net.open);
    const presence = listenForScreens(net.open, async () => bitmap());
    const told: string[] = [];
    presence.subscribe((id) => told.push(id));
    // The page came after the screen: its question was answered at once.
    expect(net.sent.map((m) => m.kind)).toEqual(['open', 'who', 'open']);
    expect(presence.isOpen('m1')).toBe(true);
    expect(presence.isOpen('m2')).toBe(false);
    expect(told).toEqual(['m1']);
    // Still open a while later: it keeps saying so.
    await vi.advanceTimersByTimeAsync(SCREEN_SILENCE_MS * 3);
    expect(presence.isOpen('m1')).toBe(true);
    closeScreen();
    expect(presence.isOpen('m1')).toBe(false);
    expect(told).toEqual(['m1', 'm1']);
    expect(net.openChannels()).toBe(1); // the screen's channel is closed
    const said = net.sent.length;
    await vi.advanceTimersByTimeAsync(SCREEN_FRAME_MS * 3);
    expect(net.sent).toHaveLength(said); // and it says nothing more
    expect(net.sent.at(-1)).toEqual({ kind: 'closed', id: 'm1' });
  });

  it('are gone when they fall silent (a screen window that crashed says nothing)', async () => {
    const net = fakeBroadcast();
    const presence = listenForScreens(net.open, async () => bitmap());
    presence.subscribe(() => undefined);
    const other = net.open()!;
    other.postMessage({ kind: 'open', id: 'm1' });
    expect(presence.isOpen('m1')).toBe(true);
    await vi.advanceTimersByTimeAsync(SCREEN_SILENCE_MS - 100);
    expect(presence.isOpen('m1')).toBe(true);
    await vi.advanceTimersByTimeAsync(200);
    expect(presence.isOpen('m1')).toBe(false);
  });

  it('keep the latest frame a screen sent, and release the one it replaces', async () => {
    const net = fakeBroadcast();
    const frames = [bitmap(), bitmap()];
    let next = 0;
    const presence = listenForScreens(net.open, async () => frames[next++]!);
    presence.subscribe(() => undefined);
    const other = net.open()!;
    other.postMessage({ kind: 'open', id: 'm1', frame: new Blob(['a']) });
    await vi.advanceTimersByTimeAsync(0);
    expect(presence.frame('m1')).toBe(frames[0]);
    other.postMessage({ kind: 'open', id: 'm1', frame: new Blob(['b']) });
    await vi.advanceTimersByTimeAsync(0);
    expect(presence.frame('m1')).toBe(frames[1]);
    expect(frames[0]!.close).toHaveBeenCalled();
    other.postMessage({ kind: 'closed', id: 'm1' });
    expect(presence.frame('m1')).toBeNull();
    expect(frames[1]!.close).toHaveBeenCalled();
  });

  it('send frames only while a thumbnail asks for them (a screen nobody watches encodes nothing)', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const encoded = vi
      .spyOn(HTMLCanvasElement.prototype, 'toBlob')
      .mockImplementation((callback) => callback(new Blob(['png'])));
    const net = fakeBroadcast();
    const canvas = Object.assign(document.createElement('canvas'), { width: 720, height: 400 });
    const closeScreen = announceScreen('m1', () => canvas, net.open);
    const presence = listenForScreens(net.open, async () => bitmap());
    presence.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(SCREEN_FRAME_MS * 3);
    expect(presence.isOpen('m1')).toBe(true);
    expect(encoded).not.toHaveBeenCalled();
    // A thumbnail draws: it asks, and the first frame comes at once.
    expect(presence.frame('m1')).toBeNull();
    await vi.advanceTimersByTimeAsync(0);
    expect(encoded).toHaveBeenCalledTimes(1);
    expect(presence.frame('m1')).not.toBeNull();
    await vi.advanceTimersByTimeAsync(SCREEN_FRAME_MS);
    expect(encoded).toHaveBeenCalledTimes(2);
    // Nobody asks any more: the frames stop, the screen still says it is open.
    await vi.advanceTimersByTimeAsync(SCREEN_SILENCE_MS + SCREEN_FRAME_MS);
    const made = encoded.mock.calls.length;
    await vi.advanceTimersByTimeAsync(SCREEN_FRAME_MS * 5);
    expect(encoded).toHaveBeenCalledTimes(made);
    expect(presence.isOpen('m1')).toBe(true);
    closeScreen();
  });
});
