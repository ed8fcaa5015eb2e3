// The comparison every side-by-side timing benchmark makes: the two sides sampled in ABBA order (so that
// a machine growing busier or quieter during the run weighs on both alike), compared by their medians,
// with the spread reported beside. Pure functions: bench/lib/verdict.test.ts proves that a slower
// Porthole turns the verdict red.
import { median, percentile } from './stats';

export type Side = 'A' | 'B';

/**
 * The order of the sides in round `round` (0-based): A B, B A, A B, B A, ... Two rounds make one ABBA
 * block, in which each side runs once first and once second: a drift in load, or a cost that falls on
 * whichever side runs right after the other (a cache warmed, a container just stopped), hits both alike.
 */
export function abbaOrder(round: number): [Side, Side] {
  return round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
}

export interface Spread {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return {
    n: values.length,
    median: median(values),
    p10: percentile(values, 10),
    p90: percentile(values, 90),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

export interface Verdict {
  a: Spread;
  b: Spread;
  /** median(A) / median(B): the figure held against the target. */
  ratio: number;
  /** p90(A) / p90(B): reported, not judged (a tail on one side shows here first). */
  p90Ratio: number;
  /** The median of the per-round ratios A_i / B_i (reported: a check on the ratio of the medians). */
  medianRoundRatio: number;
  target: number;
  met: boolean;
}

/**
 * A (Porthole) against B (the baseline), in time: lower is better, so the target is met when
 * median(A) <= target * median(B). `a[i]` and `b[i]` are the two sides of round i.
 */
export function compareTimes(a: readonly number[], b: readonly number[], target: number): Verdict {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`the two sides need as many samples each, and some (${a.length} vs ${b.length})`);
  if (a.some((v) => !(v > 0)) || b.some((v) => !(v > 0))) throw new Error('every sample is a positive time');
  const sa = spreadOf(a);
  const sb = spreadOf(b);
  const ratio = sa.median / sb.median;
  return {
    a: sa,
    b: sb,
    ratio,
    p90Ratio: sa.p90 / sb.p90,
    medianRoundRatio: median(a.map((v, i) => v / b[i]!)),
    target,
    met: ratio <= target,
  };
}
