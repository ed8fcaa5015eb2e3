import { describe, expect, it } from 'vitest';
import { abbaOrder, compareTimes } from './verdict';

// Start times as the bench sees them on a busy machine: 0.4-0.95 s, one slow outlier.
const BASELINE = [406, 551, 930, 415, 480, 554, 528, 604, 470, 512, 2210, 498];

describe('the first-frame verdict', () => {
  it('runs the sides A B, B A, A B, B A: each first and second alike', () => {
    const order = [0, 1, 2, 3].map(abbaOrder);
    expect(order).toEqual([
      ['A', 'B'],
      ['B', 'A'],
      ['A', 'B'],
      ['B', 'A'],
    ]);
    expect(order.flat().filter((s, i) => i % 2 === 0 && s === 'A')).toHaveLength(2);
  });

  it('is green when Porthole takes as long as the baseline, and for the target 5 % more', () => {
    expect(compareTimes(BASELINE, BASELINE, 1.05).met).toBe(true);
    expect(
      compareTimes(
        BASELINE.map((v) => v * 1.05),
        BASELINE,
        1.05,
      ).met,
    ).toBe(true);
  });

  it('goes red when Porthole is slower: a fixed delay on every start (a lost event, a backoff)', () => {
    // 60 ms on ~0.5 s: about 11 %.
    const slower = BASELINE.map((v) => v + 60);
    const verdict = compareTimes(slower, BASELINE, 1.05);
    expect(verdict.met).toBe(false);
    expect(verdict.ratio).toBeGreaterThan(1.1);
    expect(verdict.medianRoundRatio).toBeGreaterThan(1.05);
  });

  it('goes red when most starts are slower, even if a few are fast', () => {
    const mostlySlower = BASELINE.map((v, i) => (i % 4 === 0 ? v * 0.8 : v * 1.2));
    expect(compareTimes(mostlySlower, BASELINE, 1.05).met).toBe(false);
  });

  it('is not moved by one outlier on either side (the median), but reports it in the p90', () => {
    const withOutlier = [...BASELINE.slice(0, -1), 9000];
    const verdict = compareTimes(withOutlier, BASELINE, 1.05);
    expect(verdict.met).toBe(true);
    expect(verdict.a.max).toBe(9000);
  });

  it('refuses samples that cannot be compared', () => {
    expect(() => compareTimes([1, 2], [1], 1.05)).toThrow(/as many samples/);
    expect(() => compareTimes([], [], 1.05)).toThrow(/as many samples/);
    expect(() => compareTimes([0, 1], [1, 1], 1.05)).toThrow(/positive/);
  });
});
