/**
 * One view-only RFB connection per machine, shared by every thumbnail that shows that machine in
 * this page, counted by leases: the first lease opens it, the last release closes it. noVNC is
 * loaded only when the first thumbnail is wanted, so the machine list's first load stays without it.
 * (The Electron screen window is a page of its own: it keeps its own connection.)
 */

/** The part of noVNC's RFB client a thumbnail uses. */
export interface ThumbRfb {
  viewOnly: boolean;
  disconnect(): void;
}

/** Opens a client drawing into `target`; may be asynchronous (the lazy import). */
export type OpenThumbRfb = (target: HTMLElement, url: string) => Promise<ThumbRfb>;

export interface ThumbLease {
  /** The canvas noVNC draws the framebuffer into (native size), or null before the first frame. */
  source(): HTMLCanvasElement | null;
  release(): void;
}

interface Entry {
  readonly url: string;
  readonly host: HTMLElement;
  leases: number;
  rfb: ThumbRfb | null;
  closed: boolean;
}

const openNoVnc: OpenThumbRfb = async (target, url) => {
  const { default: RFB } = await import('@novnc/novnc');
  return new RFB(target, url, { shared: true });
};

/** A container noVNC can draw into that is in the document (it needs that) but never seen. */
function hiddenHost(): HTMLElement {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.dataset.thumbnailHost = '';
  Object.assign(host.style, { position: 'fixed', left: '-10000px', top: '0', width: '320px', height: '240px', visibility: 'hidden' });
  document.body.appendChild(host);
  return host;
}

export class ThumbnailHub {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly open: OpenThumbRfb = openNoVnc) {}

  /** How many machines have an open (or opening) thumbnail connection: for tests. */
  get connections(): number {
    return this.entries.size;
  }

  acquire(id: string, url: string): ThumbLease {
    let entry = this.entries.get(id);
    if (entry && entry.url !== url) {
      // The machine's port moved: the old connection shows nothing any more.
      this.close(id, entry);
      entry = undefined;
    }
    if (!entry) entry = this.start(id, url);
    entry.leases += 1;
    const held = entry;
    let released = false;
    return {
      source: () => (held.closed ? null : held.host.querySelector('canvas')),
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        if (held.leases === 0 && this.entries.get(id) === held) this.close(id, held);
      },
    };
  }

  private start(id: string, url: string): Entry {
    const entry: Entry = { url, host: hiddenHost(), leases: 0, rfb: null, closed: false };
    this.entries.set(id, entry);
    this.open(entry.host, url).then(
      (rfb) => {
        rfb.viewOnly = true;
        entry.rfb = rfb;
        // Every viewer left while noVNC was loading: close at once.
        if (entry.closed) this.disconnect(rfb);
      },
      () => {
        // No thumbnail is shown; the next lease after this one ends tries again.
        if (this.entries.get(id) === entry && entry.leases === 0) this.close(id, entry);
      },
    );
    return entry;
  }

  private close(id: string, entry: Entry): void {
    entry.closed = true;
    this.entries.delete(id);
    if (entry.rfb) this.disconnect(entry.rfb);
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
