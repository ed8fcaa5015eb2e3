// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MachineView } from '@porthole/api';
import { LINGER_MS, ThumbnailHub, type OpenThumbRfb, type ThumbRfb } from './thumbnail';
import { Thumbnail } from './Thumbnail';
import type { ScreenPresence } from './screen-presence';
import { machineView } from '../testing/fake-api';

const state = vi.hoisted(() => ({ hub: null as unknown }));
vi.mock('../api/porthole', async () => {
  const { fakeApi: make } = await import('../testing/fake-api');
  const fake = make({ screenEndpoint: async ({ id }) => ({ url: `ws://127.0.0.1:8006/${id}` }) });
  return { porthole: () => fake.api, onBackendConnection: () => () => undefined };
});
// The card's own hub, with the fake noVNC boundary of each test.
vi.mock('./thumbnail', async (importOriginal) => {
  const real = await importOriginal<typeof import('./thumbnail')>();
  return {
    ...real,
    get thumbnails() {
      return state.hub;
    },
  };
});

// jsdom draws nothing (no canvas package): the copy finds no 2D context and skips, without jsdom's warning.
vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);

type FakeRfb = ThumbRfb & { closed: boolean; emit(type: 'connect' | 'disconnect'): void };

/** A fake noVNC boundary: records each client it opens, lets a test fire its events, sees its disconnect. */
function fakeOpen(): { open: OpenThumbRfb; clients: { url: string; rfb: FakeRfb }[] } {
  const clients: { url: string; rfb: FakeRfb }[] = [];
  const open: OpenThumbRfb = async (target, url) => {
    const listeners: Record<string, (() => void)[]> = {};
    target.replaceChildren(document.createElement('canvas'));
    const rfb: FakeRfb = {
      viewOnly: false,
      closed: false,
      addEventListener(type, listener) {
        (listeners[type] ??= []).push(listener);
      },
      emit(type) {
        if (type === 'disconnect') this.closed = true;
        for (const l of listeners[type] ?? []) l();
      },
      disconnect() {
        this.closed = true;
      },
    };
    clients.push({ url, rfb });
    return rfb;
  };
  return { open, clients };
}

/** Screens open in other pages, as the hub hears of them. */
function fakeScreens(): ScreenPresence & { set(id: string, open: boolean): void } {
  const open = new Set<string>();
  const listeners = new Set<(id: string) => void>();
  return {
    isOpen: (id) => open.has(id),
    frame: () => null,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(id, isOpen) {
      if (isOpen) open.add(id);
      else open.delete(id);
      for (const l of listeners) l(id);
    },
  };
}

const flush = () => act(async () => undefined);
const live = (clients: { rfb: FakeRfb }[]) => clients.filter((c) => !c.rfb.closed).length;

describe('ThumbnailHub', () => {
  it('opens one view-only connection per machine, shared by its viewers, closed when the last leaves', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub({ open, screens: fakeScreens(), lingerMs: 0 });
    const a = hub.acquire('m1', 'ws://x/1');
    const b = hub.acquire('m1', 'ws://x/1');
    await flush();
    expect(clients).toHaveLength(1);
    expect(clients[0]!.rfb.viewOnly).toBe(true);
    expect(a.source()).toBeInstanceOf(HTMLCanvasElement);
    a.release();
    a.release(); // a second release of one lease counts once
    expect(clients[0]!.rfb.closed).toBe(false);
    expect(hub.connections).toBe(1);
    b.release();
    expect(clients[0]!.rfb.closed).toBe(true);
    expect(hub.connections).toBe(0);
    expect(document.querySelector('[data-thumbnail-host]')).toBeNull();
  });

  it('keeps a connection a moment after its last viewer left, for the card that comes next (list to machine page)', async () => {
    vi.useFakeTimers();
    try {
      const { open, clients } = fakeOpen();
      const hub = new ThumbnailHub({ open, screens: fakeScreens() });
      hub.acquire('m1', 'ws://x/1').release();
      await flush();
      await act(async () => vi.advanceTimersByTimeAsync(LINGER_MS - 100));
      const next = hub.acquire('m1', 'ws://x/1');
      expect(next.source()).toBeInstanceOf(HTMLCanvasElement); // the picture is there at once
      await act(async () => vi.advanceTimersByTimeAsync(LINGER_MS * 2));
      expect(clients).toHaveLength(1);
      expect(live(clients)).toBe(1);
      next.release();
      await act(async () => vi.advanceTimersByTimeAsync(LINGER_MS - 100));
      expect(live(clients)).toBe(1);
      await act(async () => vi.advanceTimersByTimeAsync(200));
      expect(live(clients)).toBe(0);
      expect(hub.connections).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes a connection whose viewers all left while noVNC was still loading', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub({ open, screens: fakeScreens(), lingerMs: 0 });
    hub.acquire('m1', 'ws://x/1').release();
    await flush();
    expect(clients[0]!.rfb.closed).toBe(true);
  });

  it('replaces the connection when the machine’s endpoint moves', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub({ open, screens: fakeScreens(), lingerMs: 0 });
    const old = hub.acquire('m1', 'ws://x/1');
    await flush();
    hub.acquire('m1', 'ws://x/2');
    await flush();
    expect(clients.map((c) => [c.url, c.rfb.closed])).toEqual([
      ['ws://x/1', true],
      ['ws://x/2', false],
    ]);
    old.release(); // the stale lease does not close the new connection
    expect(clients[1]!.rfb.closed).toBe(false);
  });

  // The defect of the first version: the card shows the thumbnail when the machine reports its screen
  // ready, a moment before QEMU's websocket answers (502); noVNC gave up, and the thumbnail stayed black.
  it('tries again when the screen was not up yet, and stops trying once nobody looks', async () => {
    vi.useFakeTimers();
    try {
      const { open, clients } = fakeOpen();
      const hub = new ThumbnailHub({ open, screens: fakeScreens(), now: () => Date.now(), lingerMs: 0 });
      const lease = hub.acquire('m1', 'ws://x/1');
      await flush();
      clients[0]!.rfb.emit('disconnect'); // the websocket's 502
      expect(hub.connections).toBe(0);
      await act(async () => vi.advanceTimersByTimeAsync(500));
      expect(clients).toHaveLength(2);
      clients[1]!.rfb.emit('connect');
      expect(live(clients)).toBe(1);
      // Lost after a while: again; then the viewer leaves during the wait, and nothing reopens.
      await act(async () => vi.advanceTimersByTimeAsync(10_000));
      clients[1]!.rfb.emit('disconnect');
      lease.release();
      await act(async () => vi.advanceTimersByTimeAsync(10_000));
      expect(clients).toHaveLength(2);
      expect(hub.connections).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('closes its own connection while the machine’s screen is open in another page, and opens again after', async () => {
    const { open, clients } = fakeOpen();
    const screens = fakeScreens();
    const hub = new ThumbnailHub({ open, screens, lingerMs: 0 });
    const lease = hub.acquire('m1', 'ws://x/1');
    hub.acquire('m2', 'ws://x/2');
    await flush();
    expect(live(clients)).toBe(2);
    screens.set('m1', true);
    expect(clients[0]!.rfb.closed).toBe(true);
    expect(clients[1]!.rfb.closed).toBe(false); // another machine's thumbnail is not touched
    expect(lease.source()).toBeNull(); // the screen's frames, none yet
    await flush();
    expect(clients).toHaveLength(2);
    screens.set('m1', false);
    await flush();
    expect(clients.map((c) => [c.url, c.rfb.closed])).toEqual([
      ['ws://x/1', true],
      ['ws://x/2', false],
      ['ws://x/1', false],
    ]);
  });

  it('opens nothing for a machine whose screen is already open elsewhere', async () => {
    const { open, clients } = fakeOpen();
    const screens = fakeScreens();
    screens.set('m1', true);
    const hub = new ThumbnailHub({ open, screens, lingerMs: 0 });
    hub.acquire('m1', 'ws://x/1');
    await flush();
    expect(clients).toHaveLength(0);
  });
});

describe('Thumbnail visibility', () => {
  let observed: ((visible: boolean) => void)[] = [];
  beforeEach(() => {
    observed = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(private readonly cb: (entries: { isIntersecting: boolean }[]) => void) {}
        observe(): void {
          observed.push((visible) => this.cb([{ isIntersecting: visible }]));
        }
        disconnect(): void {}
      },
    );
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('connects only while the card is in view, and lets go when it is scrolled away', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub({ open, screens: fakeScreens(), lingerMs: 0 });
    render(<Thumbnail id="m1" hub={hub} />);
    await flush();
    expect(clients).toHaveLength(0);
    await act(async () => observed[0]!(true));
    await flush();
    expect(clients).toHaveLength(1);
    expect(clients[0]!.url).toBe('ws://127.0.0.1:8006/m1');
    await act(async () => observed[0]!(false));
    expect(clients[0]!.rfb.closed).toBe(true);
    expect(hub.connections).toBe(0);
  });

  it('lets go while the page is hidden (a minimised window, another tab) and connects again when shown', async () => {
    let visibility: DocumentVisibilityState = 'visible';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub({ open, screens: fakeScreens(), lingerMs: 0 });
    render(<Thumbnail id="m1" hub={hub} />);
    await act(async () => observed[0]!(true));
    await flush();
    expect(live(clients)).toBe(1);
    visibility = 'hidden';
    await act(async () => document.dispatchEvent(new Event('visibilitychange')));
    expect(live(clients)).toBe(0);
    visibility = 'visible';
    await act(async () => document.dispatchEvent(new Event('visibilitychange')));
    await flush();
    expect(clients).toHaveLength(2);
    expect(live(clients)).toBe(1);
  });
});

describe('The machine card’s thumbnail', () => {
  beforeEach(() => {
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(private readonly cb: (entries: { isIntersecting: boolean }[]) => void) {}
        observe(): void {
          queueMicrotask(() => this.cb([{ isIntersecting: true }]));
        }
        disconnect(): void {}
      },
    );
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('is shown while the machine runs with its screen up, and its connection closes when the machine stops', async () => {
    const { MachineCard } = await import('../machines/MachineCard');
    const { open, clients } = fakeOpen();
    state.hub = new ThumbnailHub({ open, screens: fakeScreens(), lingerMs: 0 });
    const card = (status: MachineView['status']) => (
      <MachineCard machine={machineView({ status })} onOpenScreen={() => undefined} />
    );
    const view = render(card({ phase: 'booting', running: true, screenReady: false }));
    await flush();
    expect(view.queryByTestId('thumbnail')).toBeNull();
    view.rerender(card({ phase: 'ready', running: true, screenReady: true }));
    await flush();
    await flush();
    expect(view.getByTestId('thumbnail')).toBeTruthy();
    expect(live(clients)).toBe(1);
    view.rerender(card({ phase: 'stopped', running: false, screenReady: false }));
    await flush();
    expect(view.queryByTestId('thumbnail')).toBeNull();
    expect(live(clients)).toBe(0);
  });
});
