import { describe, expect, it } from 'vitest';
import { axisWidth, byteTicks, distinctTicks, percentTicks } from './axis-ticks';

const distinct = (labels: string[]) =>
  new Set(labels.filter((l) => l !== '')).size === labels.filter((l) => l !== '').length;

describe('y axis tick labels', () => {
  it('writes a quiet rate graph’s ticks (0, 500, 1000 bytes/s) in one unit and tells them apart', () => {
    // uPlot's ticks for the disk and network graphs' least range [0, 1000].
    expect(byteTicks([0, 500, 1000], '/s')).toEqual(['0.0 KB/s', '0.5 KB/s', '1.0 KB/s']);
  });

  it('uses whole numbers when they already differ', () => {
    expect(byteTicks([0, 2000, 4000], '/s')).toEqual(['0 KB/s', '2 KB/s', '4 KB/s']);
    expect(byteTicks([0, 20_000_000], '')).toEqual(['0 MB', '20 MB']);
    expect(byteTicks([0, 200, 400, 600, 800])).toEqual(['0 B', '200 B', '400 B', '600 B', '800 B']);
    expect(byteTicks([0, 5e9, 1e10])).toEqual(['0 GB', '5 GB', '10 GB']);
  });

  it('picks the unit from the top tick, so every label is short', () => {
    for (const splits of [
      [0, 500, 1000],
      [0, 250_000, 500_000, 750_000],
      [0, 2.5e6, 5e6],
      [0, 1e12, 2e12],
    ]) {
      for (const label of byteTicks(splits, '/s')) expect(label.length).toBeLessThanOrEqual('999.5 KB/s'.length);
    }
  });

  it('never repeats a label, whatever ticks uPlot picks', () => {
    const cases = [
      [0, 500, 1000],
      [0, 0.25, 0.5, 0.75, 1],
      [0, 1e-4, 2e-4],
      [1000, 1500, 2000],
      [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
      [0, 1050, 2100],
    ];
    for (const splits of cases) {
      expect(distinct(byteTicks(splits, '/s'))).toBe(true);
      expect(distinct(percentTicks(splits))).toBe(true);
    }
  });

  it('writes percentages with decimals only when needed', () => {
    expect(percentTicks([0, 50, 100])).toEqual(['0%', '50%', '100%']);
    expect(percentTicks([0, 0.5, 1])).toEqual(['0.0%', '0.5%', '1.0%']);
  });

  it('blanks ticks still equal at three decimals rather than saying one value twice', () => {
    expect(distinctTicks([0, 1e-6, 2e-6], (v, d) => v.toFixed(d))).toEqual(['0.000', '', '']);
  });

  it('makes the axis wide enough for its longest label', () => {
    expect(axisWidth(['0.0 KB/s', '0.5 KB/s', '1.0 KB/s'])).toBeGreaterThanOrEqual(40);
    expect(axisWidth(['999.5 KB/s'])).toBeGreaterThan(axisWidth(['1 KB/s']));
    expect(axisWidth([null, undefined])).toBe(40);
  });
});
