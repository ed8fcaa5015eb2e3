// What the benchmarks watch in a page: the pixels of the VNC canvas, read on every animation frame,
// exactly the same way in Porthole's page and in the plain noVNC page. It is installed with
// page.addInitScript(installPaintProbe, options), so it runs before the page's own scripts and its
// keydown listener (capture phase, on window) sees a key before noVNC or Porthole do.

/** A rectangle of the remote framebuffer (the canvas's own pixels, not CSS pixels). */
export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ProbeOptions {
  /** The VNC canvas (noVNC creates one per connection attempt). */
  canvasSelector: string;
  /** An element that hides the canvas while present (Porthole's status overlay); null when there is none. */
  overlaySelector: string | null;
}

export interface PaintProbe {
  /** The next keydown starts a measurement; it ends at the first frame where `cell` is lit (or dark, per `wantLit`). */
  armKey(cell: Cell, wantLit: boolean): void;
  /** Milliseconds from the armed keydown to the frame that showed it; null when nothing showed within `timeoutMs`. */
  keyResult(timeoutMs: number): Promise<number | null>;
  /** Whether `cell` of the current canvas holds lit pixels now. */
  cellLit(cell: Cell): boolean;
  /** The next canvas that appears (not one already in the page) starts being watched for its first visible, lit frame. */
  armFirstFrame(): void;
  /** Epoch ms (timeOrigin + now) of that frame; null when none within `timeoutMs`. */
  firstFrameResult(timeoutMs: number): Promise<number | null>;
  /** Epoch ms of the last click in this page (capture phase), null before any. */
  lastClickAt: number | null;
  /** performance.now() of the last armed keydown, null before it came. */
  readonly keyAt: number | null;
}

/** Runs in the page. Self-contained: Playwright serializes it. */
export function installPaintProbe(options: ProbeOptions): void {
  const LIT = 90; // r+g+b above this is a lit pixel (VGA text is 0xAA grey or brighter, the background black).
  const w = window as unknown as { __paintProbe: PaintProbe };
  let key: { cell: Cell; wantLit: boolean; keyAt: number | null; latency: number | null } | null = null;
  let first: { known: WeakSet<HTMLCanvasElement>; at: number | null } | null = null;
  let small: CanvasRenderingContext2D | null = null;

  const canvas = (): HTMLCanvasElement | null => document.querySelector<HTMLCanvasElement>(options.canvasSelector);
  const litIn = (c: HTMLCanvasElement, cell: Cell): boolean => {
    const ctx = c.getContext('2d');
    if (!ctx || c.width < cell.x + cell.w || c.height < cell.y + cell.h) return false;
    const data = ctx.getImageData(cell.x, cell.y, cell.w, cell.h).data;
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > LIT) lit += 1;
    return lit >= 3;
  };
  // The whole screen, shrunk to 64x36 by the canvas itself: any text or picture leaves lit pixels.
  const anyLit = (c: HTMLCanvasElement): boolean => {
    if (c.width === 0 || c.height === 0) return false;
    if (!small) {
      const s = document.createElement('canvas');
      s.width = 64;
      s.height = 36;
      small = s.getContext('2d', { willReadFrequently: true });
    }
    if (!small) return false;
    small.fillStyle = '#000';
    small.fillRect(0, 0, 64, 36);
    small.drawImage(c, 0, 0, 64, 36);
    const data = small.getImageData(0, 0, 64, 36).data;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 30) return true;
    return false;
  };

  const frame = (): void => {
    const now = performance.now();
    if (key && key.keyAt !== null && key.latency === null) {
      const c = canvas();
      if (c && litIn(c, key.cell) === key.wantLit) {
        key.latency = now - key.keyAt;
        settle();
      }
    }
    if (first && first.at === null) {
      const c = canvas();
      const hidden = options.overlaySelector !== null && document.querySelector(options.overlaySelector) !== null;
      if (c && !first.known.has(c) && c.isConnected && !hidden && anyLit(c)) {
        first.at = performance.timeOrigin + now;
        settle();
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  addEventListener(
    'keydown',
    (event) => {
      if (key && key.keyAt === null) key.keyAt = event.timeStamp;
    },
    true,
  );
  addEventListener('click', (event) => (probe.lastClickAt = performance.timeOrigin + event.timeStamp), true);

  // Resolved from the frame callback that sees the result (no polling), or by a single timeout.
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  const waitFor = <T>(read: () => T | null, timeoutMs: number): Promise<T | null> =>
    new Promise((resolve) => {
      const done = (): void => {
        const value = read();
        if (value !== null) {
          clearTimeout(timer);
          resolve(value);
        } else waiters.push(done);
      };
      const timer = setTimeout(() => resolve(read()), timeoutMs);
      done();
    });

  const probe: PaintProbe = {
    armKey(cell, wantLit) {
      key = { cell, wantLit, keyAt: null, latency: null };
    },
    keyResult: (timeoutMs) => waitFor(() => key?.latency ?? null, timeoutMs),
    cellLit(cell) {
      const c = canvas();
      return c ? litIn(c, cell) : false;
    },
    armFirstFrame() {
      const known = new WeakSet<HTMLCanvasElement>();
      for (const c of document.querySelectorAll('canvas')) known.add(c);
      first = { known, at: null };
    },
    firstFrameResult: (timeoutMs) => waitFor(() => first?.at ?? null, timeoutMs),
    lastClickAt: null,
    get keyAt() {
      return key?.keyAt ?? null;
    },
  };
  w.__paintProbe = probe;
}
