import { describe, expect, it } from 'vitest';
import { countFramebufferUpdates } from './bench-hooks';

function fakeRfb() {
  const flips: (boolean | undefined)[] = [];
  const display = {
    flip(fromQueue?: boolean): void {
      flips.push(fromQueue);
    },
  };
  return { rfb: { _display: display }, display, flips };
}

describe('countFramebufferUpdates', () => {
  it('counts each update once, passes flips through and restores noVNC on stop', () => {
    const { rfb, display, flips } = fakeRfb();
    const original = display.flip;
    let clock = 1000;
    const counter = countFramebufferUpdates(rfb, () => clock);
    display.flip();
    clock = 1500;
    display.flip(true); // the render queue replaying an update already counted
    display.flip(false);
    expect(counter.count).toBe(2);
    expect(flips).toEqual([undefined, true, false]);
    expect(counter.firstAt).toBe(1000);
    expect(counter.lastAt).toBe(1500);
    expect(counter.rate()).toBe(2);
    counter.reset();
    expect(counter.count).toBe(0);
    expect(counter.rate()).toBeNull();
    counter.stop();
    expect(display.flip).toBe(original);
  });

  it('refuses an RFB without the display it expects', () => {
    expect(() => countFramebufferUpdates({})).toThrow(/no internal display/);
  });
});
