/**
 * Hooks for the screen benchmark. noVNC has no public event per framebuffer update, so this wraps
 * its internal display's flip(), which RFB calls once at the end of every FramebufferUpdate
 * (checked against @novnc/novnc 1.7.0: core/rfb.js `_framebufferUpdate`). The display is a
 * private field: the hook checks its shape and throws a clear error rather than count nothing.
 */

interface FlippingDisplay {
  flip: (fromQueue?: boolean) => void;
}

function isFlippingDisplay(value: unknown): value is FlippingDisplay {
  return typeof value === 'object' && value !== null && typeof (value as { flip?: unknown }).flip === 'function';
}

export interface FramebufferUpdateCounter {
  /** FramebufferUpdates completed since the counter started or was reset. */
  readonly count: number;
  /** performance.now() of the first and last counted update, null before the first. */
  readonly firstAt: number | null;
  readonly lastAt: number | null;
  /** Updates per second between the first and last counted update; null with fewer than two. */
  rate(): number | null;
  reset(): void;
  /** Restores noVNC's own flip(). */
  stop(): void;
}

/** Counts the FramebufferUpdates an RFB client (noVNC's RFB) receives. */
export function countFramebufferUpdates(rfb: object, now: () => number = () => performance.now()): FramebufferUpdateCounter {
  const display: unknown = (rfb as { _display?: unknown })._display;
  if (!isFlippingDisplay(display)) {
    throw new Error('countFramebufferUpdates: this noVNC has no internal display with flip(); the hook was written for @novnc/novnc 1.7');
  }
  const original = display.flip;
  let count = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const counting = function (this: FlippingDisplay, fromQueue?: boolean): void {
    // A flip replayed from the render queue (fromQueue) ends an update that was already counted.
    if (!fromQueue) {
      count += 1;
      lastAt = now();
      firstAt ??= lastAt;
    }
    original.call(this, fromQueue);
  };
  display.flip = counting;
  return {
    get count() {
      return count;
    },
    get firstAt() {
      return firstAt;
    },
    get lastAt() {
      return lastAt;
    },
    rate() {
      if (count < 2 || firstAt === null || lastAt === null || lastAt <= firstAt) return null;
      return ((count - 1) * 1000) / (lastAt - firstAt);
    },
    reset() {
      count = 0;
      firstAt = null;
      lastAt = null;
    },
    stop() {
      if (display.flip === counting) display.flip = original;
    },
  };
}
