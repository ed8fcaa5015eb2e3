import { describe, expect, it } from 'vitest';
import type { StatsSample } from '@porthole/api';
import { SampleRing, toSeries } from './series';

const at = (t: number, over: Partial<StatsSample> = {}): StatsSample => ({
  t,
  cpuPercent: 0,
  memBytes: 0,
  memLimitBytes: 100,
  diskReadBytes: 0,
  diskWriteBytes: 0,
  netRxBytes: 0,
  netTxBytes: 0,
  ...over,
});

describe('SampleRing', () => {
  it('keeps the last `capacity` samples in order and ignores a sample it already has', () => {
    const ring = new SampleRing(3);
    for (const t of [1, 2, 3, 4, 5]) ring.push(at(t));
    ring.push(at(4));
    expect(ring.toArray().map((s) => s.t)).toEqual([3, 4, 5]);
    expect(ring.last()?.t).toBe(5);
    expect(ring.size).toBe(3);
  });
});

describe('toSeries', () => {
  it('turns running totals into per-second rates, 0 for the first sample, and survives a counter reset', () => {
    const s = toSeries([
      at(1000, { diskReadBytes: 100, netTxBytes: 10 }),
      at(3000, { diskReadBytes: 500, netTxBytes: 30 }),
      at(4000, { diskReadBytes: 50, netTxBytes: 40, cpuPercent: 12.5, memBytes: 7, memLimitBytes: 200 }),
    ]);
    expect(s.t).toEqual([1, 3, 4]);
    expect(s.diskRead).toEqual([0, 200, 50]);
    expect(s.netTx).toEqual([0, 10, 10]);
    expect(s.cpuPercent.at(-1)).toBe(12.5);
    expect(s.memLimitBytes).toBe(200);
  });
});
