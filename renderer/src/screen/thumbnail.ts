/**
 * One view-only RFB connection per machine, shared by every thumbnail that shows that machine in
 * this page, counted by leases: the first lease opens it, the last release closes it. noVNC is
 * loaded only when the first thumbnail is wanted, so the machine list's first load stays without it.
 * While the machine's screen is open in another page (the Electron screen window, another tab), that
 * screen's connection is the machine's one: this hub closes its own and shows the screen's frames.
 */
import { reconnectDelay, STABLE_CONNECTION_MS } from './reconnect';
import { listenForScreens, type ScreenPresence } from './screen-presence';

/** The part of noVNC's RFB client a thumbnail uses. */
export interface ThumbRfb {
  viewOnly: boolean;
  addEventListener(type: 'connect' | 'disconnect', listener: () => void): void;
  disconnect(): void;
}

/** Opens a client drawing into `target`; may be asynchronous (the lazy import). */
export type OpenThumbRfb = (target: HTMLElement, url: string) => Promise<ThumbRfb>;

export interface ThumbLease {
  /** What to copy the picture from: noVNC's canvas (native size), or an open screen's frame; null before the first. */
  source(): HTMLCanvasElement | ImageBitmap | null;
  release(): void;
}

interface Entry {
  readonly id: string;
  readonly url: string;
  readonly host: HTMLElement;
  leases: number;
  /** The current client; 'opening' while noVNC loads; null while none is open (waiting to retry, a screen open elsewhere). */
  rfb: ThumbRfb | 'opening' | null;
  connectedAt: number | null;
  failures: number;
  retry: ReturnType<typeof setTimeout> | null;
  /** The close pending after the last viewer left (see LINGER_MS). */
  linger: ReturnType<typeof setTimeout> | null;
  closed: boolean;
}

/**
 * How long a connection outlives its last viewer: going from the list to the machine's page unmounts
 * one card and mounts another, and the new one finds the picture there instead of a new connection.
 */
export const LINGER_MS = 2000;

const openNoVnc: OpenThumbRfb = async (target, url) => {
  const { default: RFB } = await import('@novnc/novnc');
  return new RFB(target, url, { shared: true });
};

/**
 * A container noVNC can draw into: in the document (noVNC needs that) and of a real size (its
 * canvas takes the framebuffer's size, unscaled), but never seen. noVNC keeps drawing into a
 * canvas nobody sees; the thumbnail copies from it.
 */
function hiddenHost(): HTMLElement {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.dataset.thumbnailHost = '';
  Object.assign(host.style, {
    position: 'fixed',
    left: '-10000px',
    top: '0',
    width: '320px',
    height: '240px',
    visibility: 'hidden',
    pointerEvents: 'none',
  });
  document.body.appendChild(host);
  return host;
}

export interface HubOptions {
  open?: OpenThumbRfb;
  screens?: ScreenPresence;
  now?: () => number;
  /** 0: close as soon as the last viewer leaves. */
  lingerMs?: number;
}

export class ThumbnailHub {
  private readonly entries = new Map<string, Entry>();
  private readonly open: OpenThumbRfb;
  private readonly screens: ScreenPresence;
  private readonly now: () => number;
  private readonly lingerMs: number;
  /** Listens to screens elsewhere from the first thumbnail on: a page that shows none listens to nothing. */
  private listening = false;

  constructor({
    open = openNoVnc,
    screens = listenForScreens(),
    now = () => Date.now(),
    lingerMs = LINGER_MS,
  }: HubOptions = {}) {
    this.open = open;
    this.screens = screens;
    this.now = now;
    this.lingerMs = lingerMs;
  }

  /** How many machines have an open (or opening) thumbnail connection of this hub's own. */
  get connections(): number {
    return [...this.entries.values()].filter((e) => e.rfb !== null).length;
  }

  acquire(id: string, url: string): ThumbLease {
    if (!this.listening) {
      this.listening = true;
      this.screens.subscribe((machine) => {
        const entry = this.entries.get(machine);
        if (entry) this.reconcile(entry);
      });
    }
    let entry = this.entries.get(id);
    if (entry && entry.url !== url) {
      // The machine's port moved: the old connection shows nothing any more.
      this.close(entry);
      entry = undefined;
    }
    if (!entry) {
      entry = {
        id,
        url,
        host: hiddenHost(),
        leases: 0,
        rfb: null,
        connectedAt: null,
        failures: 0,
        retry: null,
        linger: null,
        closed: false,
      };
      this.entries.set(id, entry);
    }
    if (entry.linger !== null) clearTimeout(entry.linger);
    entry.linger = null;
    entry.leases += 1;
    const held = entry;
    this.reconcile(held);
    let released = false;
    return {
      source: () => {
        if (held.closed) return null;
        if (this.screens.isOpen(id)) return this.screens.frame(id);
        return held.host.querySelector('canvas');
      },
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        if (held.leases > 0 || this.entries.get(id) !== held) return;
        if (this.lingerMs === 0) this.close(held);
        else held.linger = setTimeout(() => this.close(held), this.lingerMs);
      },
    };
  }

  /** Opens or closes the entry's own client: open while it has viewers and no screen elsewhere has the machine. */
  private reconcile(entry: Entry): void {
    if (entry.closed) return;
    if (this.screens.isOpen(entry.id)) {
      this.stop(entry);
      entry.failures = 0;
      return;
    }
    if (entry.leases > 0 && entry.rfb === null && entry.retry === null) this.connect(entry);
  }

  private connect(entry: Entry): void {
    // Marked before the client exists, so a second reconcile while noVNC loads opens nothing more.
    entry.rfb = 'opening';
    this.open(entry.host, entry.url).then(
      (rfb) => {
        if (entry.rfb !== 'opening') {
          // Every viewer left, or a screen opened elsewhere, while noVNC was loading.
          this.disconnect(rfb);
          return;
        }
        rfb.viewOnly = true;
        entry.rfb = rfb;
        entry.connectedAt = null;
        rfb.addEventListener('connect', () => {
          if (entry.rfb === rfb) entry.connectedAt = this.now();
        });
        rfb.addEventListener('disconnect', () => {
          if (entry.rfb === rfb) this.lost(entry);
        });
      },
      () => {
        if (entry.rfb === 'opening') this.lost(entry);
      },
    );
  }

  /**
   * The client ended by itself: the screen was not up yet (the card shows the thumbnail as soon as the
   * machine reports its screen ready, a moment before QEMU's websocket answers), or it went away.
   * Try again with the screen's own backoff while anyone still looks.
   */
  private lost(entry: Entry): void {
    const stable = entry.connectedAt !== null && this.now() - entry.connectedAt >= STABLE_CONNECTION_MS;
    entry.rfb = null;
    entry.connectedAt = null;
    if (entry.closed || entry.leases === 0) return;
    entry.failures = stable ? 1 : entry.failures + 1;
    entry.retry = setTimeout(() => {
      entry.retry = null;
      this.reconcile(entry);
    }, reconnectDelay(entry.failures));
  }

  /** Ends the entry's own client and any pending retry (the entry itself stays). */
  private stop(entry: Entry): void {
    if (entry.retry !== null) clearTimeout(entry.retry);
    entry.retry = null;
    const rfb = entry.rfb;
    entry.rfb = null;
    entry.connectedAt = null;
    if (rfb && rfb !== 'opening') this.disconnect(rfb);
  }

  private close(entry: Entry): void {
    if (entry.linger !== null) clearTimeout(entry.linger);
    entry.linger = null;
    entry.closed = true;
    this.entries.delete(entry.id);
    this.stop(entry);
    entry.host.remove();
  }

  private disconnect(rfb: ThumbRfb): void {
    try {
      rfb.disconnect();
    } catch {
      // Already torn down by noVNC.
    }
  }
}

/** The page's hub: one connection per machine, whichever cards show it. */
export const thumbnails = new ThumbnailHub();
