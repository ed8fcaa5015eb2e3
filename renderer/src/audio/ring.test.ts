import { describe, expect, it } from 'vitest';
import { ringOptionsFor, StereoRing, type RingOptions } from './ring';

const QUANTUM = 128;

function frames(n: number, from = 0): [Float32Array, Float32Array] {
  const left = Float32Array.from({ length: n }, (_, i) => (from + i) / 100000);
  const right = Float32Array.from({ length: n }, (_, i) => -(from + i) / 100000);
  return [left, right];
}

function read(ring: StereoRing, n = QUANTUM): [Float32Array, Float32Array] {
  const out: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  ring.read(out[0], out[1]);
  return out;
}

describe('StereoRing', () => {
  it('plays silence until the jitter target is buffered, then the frames in order, both channels', () => {
    const ring = new StereoRing({ capacity: 1000, target: 300, catchUp: 600, max: 600 });
    ring.write(...frames(200));
    expect(Array.from(read(ring)[0]).every((s) => s === 0)).toBe(true);
    expect(ring.stats()).toMatchObject({ buffered: 200, playing: false, underruns: 0 });
    ring.write(...frames(200, 200));
    const [left, right] = read(ring);
    expect(left[0]).toBe(0);
    expect(left[127]).toBeCloseTo(127 / 100000);
    expect(right[5]).toBeCloseTo(-5 / 100000);
    expect(ring.stats()).toMatchObject({ buffered: 400 - QUANTUM, playing: true, underruns: 0 });
  });

  it('counts an underrun when playback runs dry, fills the rest with silence and primes again', () => {
    const ring = new StereoRing({ capacity: 1000, target: 200, catchUp: 600, max: 600 });
    ring.write(...frames(300));
    read(ring);
    read(ring);
    const [left] = read(ring);
    // 44 frames were left: the quantum's last 84 samples are silence.
    expect(left[43]).not.toBe(0);
    expect(Array.from(left.subarray(44)).every((s) => s === 0)).toBe(true);
    expect(ring.stats()).toMatchObject({ underruns: 1, playing: false, buffered: 0 });
    // Still dry: priming, not another underrun.
    read(ring);
    read(ring);
    expect(ring.stats().underruns).toBe(1);
    ring.write(...frames(250));
    read(ring);
    read(ring);
    read(ring);
    expect(ring.stats().underruns).toBe(2);
  });

  it('never counts an underrun before playback first started', () => {
    const ring = new StereoRing({ capacity: 1000, target: 200, catchUp: 600, max: 600 });
    for (let i = 0; i < 50; i += 1) read(ring);
    expect(ring.stats()).toMatchObject({ underruns: 0, playing: false });
  });

  it('cuts the buffer back to the target, dropping the oldest, when it grows past the bound', () => {
    const ring = new StereoRing({ capacity: 2000, target: 300, catchUp: 600, max: 600 });
    ring.write(...frames(600));
    expect(ring.stats()).toMatchObject({ buffered: 600, resyncs: 0 });
    ring.write(...frames(1, 600));
    expect(ring.stats()).toMatchObject({ buffered: 300, resyncs: 1, dropped: 301 });
    // The newest frames stay: the next one played is frame 301.
    const [left] = read(ring);
    expect(left[0]).toBeCloseTo(301 / 100000);
  });

  it('keeps latency bounded when the writer runs faster than the reader', () => {
    const ring = new StereoRing(ringOptionsFor(48000));
    let written = 0;
    for (let step = 0; step < 2000; step += 1) {
      // 10% more frames written than read: without the bound the delay would grow without end.
      ring.write(...frames(141, written));
      written += 141;
      read(ring);
      expect(ring.stats().buffered).toBeLessThanOrEqual(ringOptionsFor(48000).max);
    }
    expect(ring.stats().resyncs).toBeGreaterThan(0);
    expect(ring.stats().underruns).toBe(0);
  });

  it('drops the oldest frames when one write is larger than the whole ring', () => {
    const ring = new StereoRing({ capacity: 100, target: 10, catchUp: 100, max: 100 });
    ring.write(...frames(150));
    expect(ring.stats().buffered).toBeLessThanOrEqual(100);
    const [left] = read(ring, 4);
    expect(left[0]).toBeGreaterThanOrEqual(50 / 100000);
  });

  it('refuses sizes that cannot work', () => {
    expect(() => new StereoRing({ capacity: 100, target: 200, catchUp: 200, max: 150 })).toThrow(
      /target <= catchUp <= max <= capacity/,
    );
  });

  it('catches up with a slightly fast sender one frame a read, without a resync, and settles back near the target', () => {
    const options = ringOptionsFor(48000);
    const ring = new StereoRing(options);
    let written = 0;
    // 0.5% more frames than the reader takes, for 30 s of reads.
    for (let step = 0; step < 11250; step += 1) {
      const n = step % 2 === 0 ? 128 : 129;
      ring.write(...frames(n, written));
      written += n;
      read(ring);
      expect(ring.stats().buffered).toBeLessThanOrEqual(options.catchUp + 2 * QUANTUM);
    }
    expect(ring.stats()).toMatchObject({ resyncs: 0, underruns: 0 });
    expect(ring.stats().dropped).toBeGreaterThan(0);
  });

  it('does not skip frames at or under the catch-up level: what is written is what plays', () => {
    const ring = new StereoRing({ capacity: 1000, target: 200, catchUp: 400, max: 600 });
    ring.write(...frames(400));
    const played: number[] = [];
    for (let i = 0; i < 3; i += 1) played.push(...read(ring)[0]);
    expect(played.map((s) => Math.round(s * 100000))).toEqual(Array.from({ length: 384 }, (_, i) => i));
    expect(ring.stats().dropped).toBe(0);
  });

  it('has a 60-80 ms base target, a bound of at most 160 ms at it, and a ceiling of at most 120 ms at 48 kHz', () => {
    const { target, max, adapt } = ringOptionsFor(48000);
    expect(target / 48).toBeGreaterThanOrEqual(60);
    expect(target / 48).toBeLessThanOrEqual(80);
    expect(max / 48).toBeLessThanOrEqual(160);
    // The click latency is the target plus about 20 ms (bench/audio): a ceiling of 120 ms keeps it under 150.
    expect(adapt!.ceiling / 48).toBeLessThanOrEqual(120);
  });
});

/**
 * A stream as the socket brings it: 480 frames (10 ms) made every 10 ms of the sender's time, each delivered
 * when made unless a stall holds it (then all held come at the stall's end, as a backed-up socket delivers), read
 * 128 frames at a time on the ring's own clock. Stalls: [start ms, length ms].
 */
function play(ring: StereoRing, seconds: number, stalls: [number, number][] = [], from = 0): number[] {
  const rate = 48;
  const levels: number[] = [];
  let made = from;
  for (let clock = from; clock < from + seconds * 48000; clock += QUANTUM) {
    while (made <= clock) {
      const stall = stalls.find(([start, length]) => made >= start * rate && made < (start + length) * rate);
      if (stall && clock < (stall[0] + stall[1]) * rate) break;
      ring.write(...frames(480, made));
      made += 480;
    }
    read(ring);
    levels.push(ring.stats().buffered);
  }
  return levels;
}

const MS = 48;

/** The defaults with room to rise to 200 ms: the adaptation's steps are seen apart from the default ceiling. */
function roomy(): RingOptions {
  const options = ringOptionsFor(48000);
  return { ...options, adapt: { ...options.adapt!, ceiling: 200 * MS } };
}

describe('StereoRing, adaptive jitter target', () => {
  it('stays at the base target on a steady stream: after lifting the buffer onto it, next to nothing stretched, nothing dropped or run dry', () => {
    const ring = new StereoRing(ringOptionsFor(48000));
    play(ring, 2);
    const lifted = ring.stats().stretched;
    // Primed at the target, the first reads take it under: a few frames played twice bring it back (10 ms at most).
    expect(lifted).toBeLessThanOrEqual(10 * MS);
    play(ring, 30, [], 2 * 48000);
    expect(ring.stats()).toMatchObject({ target: 80 * MS, underruns: 0, resyncs: 0, dropped: 0 });
    // Held there: a frame played twice now and then as the buffer's low point touches the target (< 0.01%).
    expect(ring.stats().stretched - lifted).toBeLessThan(100);
  });

  it('raises the target from late messages before any underrun, and the buffer follows it without a gap', () => {
    const ring = new StereoRing(roomy());
    // Stalls growing 10 ms every 2 s: 60 .. 140 ms. A fixed 80 ms target runs dry from about 80 ms on.
    const stalls = Array.from({ length: 9 }, (_, k): [number, number] => [2000 + k * 2000, 60 + k * 10]);
    play(ring, 20, stalls);
    expect(ring.stats().underruns).toBe(0);
    expect(ring.stats().stretched).toBeGreaterThan(0);
    expect(ring.stats().target).toBeGreaterThanOrEqual(160 * MS);
    const fixed = new StereoRing({ ...roomy(), adapt: undefined });
    play(fixed, 20, stalls);
    expect(fixed.stats().underruns).toBeGreaterThan(0);
  });

  it('an underrun raises the target one step and playback primes up to it', () => {
    const options = ringOptionsFor(48000);
    const ring = new StereoRing({ ...options, adapt: { ...options.adapt!, margin: 0 } });
    ring.write(...frames(80 * MS));
    for (let i = 0; i < 31; i += 1) read(ring);
    expect(ring.stats()).toMatchObject({ underruns: 1, playing: false, target: 100 * MS });
    ring.write(...frames(90 * MS));
    read(ring);
    expect(ring.stats().playing).toBe(false);
    ring.write(...frames(10 * MS));
    read(ring);
    expect(ring.stats().playing).toBe(true);
  });

  it('never goes above the ceiling, however often it runs dry', () => {
    const ring = new StereoRing(ringOptionsFor(48000));
    play(
      ring,
      40,
      Array.from({ length: 15 }, (_, k): [number, number] => [1000 + k * 2500, 400]),
    );
    expect(ring.stats().underruns).toBeGreaterThan(0);
    expect(ring.stats().target).toBe(120 * MS);
  });

  it('holds a raised target 20 s, then comes back to the base at 5 ms a second, drained by the catch-up without a resync', () => {
    const ring = new StereoRing(roomy());
    // One stall longer than the base target: that one gap cannot be avoided.
    const levels = play(ring, 75, [[4000, 150]]);
    const at = (second: number): number => levels[Math.floor((second * 48000) / QUANTUM)]!;
    expect(ring.stats()).toMatchObject({ underruns: 1, resyncs: 0, target: 80 * MS });
    expect(ring.stats().dropped).toBeGreaterThan(0);
    // Still high 20 s after the stall, back near the base at the end.
    expect(at(23)).toBeGreaterThan(150 * MS);
    expect(at(74)).toBeLessThanOrEqual(104 * MS);
  });

  it('moves the catch-up and cut-back levels with the target: a raised target keeps a buffer the base would cut', () => {
    const options = roomy();
    const ring = new StereoRing(options);
    play(ring, 6, [[4000, 150]]);
    const { target } = ring.stats();
    expect(target).toBeGreaterThanOrEqual(170 * MS);
    // 200 ms buffered is past the base's 160 ms cut-back, under this target's.
    ring.write(...frames(200 * MS - ring.stats().buffered, 1e6));
    expect(ring.stats().resyncs).toBe(0);
    ring.write(...frames(target + options.max - options.target, 2e6));
    expect(ring.stats().resyncs).toBe(1);
    expect(ring.stats().buffered).toBe(target);
  });

  it('does not learn the lateness of the first 3 s (the page starting), and learns it again after a new stream', () => {
    const ring = new StereoRing(roomy());
    play(ring, 10, [[1000, 60]]);
    expect(ring.stats()).toMatchObject({ target: 80 * MS, underruns: 0 });
    // What is left is the reads' own granularity.
    expect(ring.stats().lateness).toBeLessThan(3 * MS);
    play(ring, 10, [[15000, 60]], 10 * 48000);
    expect(ring.stats().lateness).toBeGreaterThanOrEqual(60 * MS);
    expect(ring.stats().target).toBeGreaterThanOrEqual(130 * MS);
    ring.clear();
    play(ring, 2, [[21000, 60]], 20 * 48000);
    expect(ring.stats().lateness).toBeLessThan(3 * MS);
  });

  it('refuses a ceiling it could not hold', () => {
    const options = ringOptionsFor(48000);
    expect(() => new StereoRing({ ...options, adapt: { ...options.adapt!, ceiling: 48000 } })).toThrow(/ceiling/);
  });
});
