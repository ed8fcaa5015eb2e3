// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThumbnailHub, type OpenThumbRfb, type ThumbRfb } from './thumbnail';
import { Thumbnail } from './Thumbnail';

vi.mock('../api/porthole', () => ({
  porthole: () => ({ screenEndpoint: async ({ id }: { id: string }) => ({ url: `ws://127.0.0.1:8006/${id}` }) }),
}));

/** A fake noVNC boundary: records each client it opens and whether it was disconnected. */
function fakeOpen(): { open: OpenThumbRfb; clients: { url: string; rfb: ThumbRfb & { closed: boolean } }[] } {
  const clients: { url: string; rfb: ThumbRfb & { closed: boolean } }[] = [];
  const open: OpenThumbRfb = async (target, url) => {
    target.appendChild(document.createElement('canvas'));
    const rfb = {
      viewOnly: false,
      closed: false,
      disconnect() {
        this.closed = true;
      },
    };
    clients.push({ url, rfb });
    return rfb;
  };
  return { open, clients };
}

const flush = () => act(async () => undefined);

describe('ThumbnailHub', () => {
  it('opens one view-only connection per machine, shared by its viewers, closed when the last leaves', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub(open);
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

  it('closes a connection whose viewers all left while noVNC was still loading', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub(open);
    hub.acquire('m1', 'ws://x/1').release();
    await flush();
    expect(clients[0]!.rfb.closed).toBe(true);
  });

  it('replaces the connection when the machine’s endpoint moves', async () => {
    const { open, clients } = fakeOpen();
    const hub = new ThumbnailHub(open);
    const old = hub.acquire('m1', 'ws://x/1');
    hub.acquire('m1', 'ws://x/2');
    await flush();
    expect(clients.map((c) => [c.url, c.rfb.closed])).toEqual([
      ['ws://x/1', true],
      ['ws://x/2', false],
    ]);
    old.release(); // the stale lease does not close the new connection
    expect(clients[1]!.rfb.closed).toBe(false);
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
    const hub = new ThumbnailHub(open);
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
});
