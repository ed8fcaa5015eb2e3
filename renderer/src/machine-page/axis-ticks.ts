/**
 * Labels for a graph's y axis. uPlot picks the tick values; these functions write them so that
 * every label differs from the others and fits the axis: all ticks share one unit (the one the top
 * tick reads best in) and as many decimals as it takes to tell them apart. Writing each tick on its
 * own ("500 bytes/s" beside "1.0 KB/s") made labels too wide for the axis, which cut them into
 * "0 bytes/s" twice.
 */

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
const MAX_DECIMALS = 3;

/** Byte values on one axis, e.g. [0, 500, 1000] → "0.0 KB/s", "0.5 KB/s", "1.0 KB/s" (decimal units, as formatBytes). */
export function byteTicks(splits: readonly number[], suffix = ''): string[] {
  const top = Math.max(0, ...splits.map((v) => Math.abs(v)));
  let unit = 0;
  while (unit < BYTE_UNITS.length - 1 && top >= 1000 ** (unit + 1)) unit += 1;
  const scale = 1000 ** unit;
  return distinctTicks(splits, (v, decimals) => `${(v / scale).toFixed(decimals)} ${BYTE_UNITS[unit]}${suffix}`);
}

/** Percentages on one axis, e.g. [0, 50, 100] → "0%", "50%", "100%"; [0, 0.5, 1] → "0.0%", "0.5%", "1.0%". */
export function percentTicks(splits: readonly number[]): string[] {
  return distinctTicks(splits, (v, decimals) => `${v.toFixed(decimals)}%`);
}

/**
 * The fewest decimals (0 to 3) at which no two ticks read the same. Ticks still equal at 3
 * decimals (a range too small to matter) keep only their first label: an axis never says one
 * value twice.
 */
export function distinctTicks(splits: readonly number[], label: (value: number, decimals: number) => string): string[] {
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals += 1) {
    const labels = splits.map((v) => label(v, decimals));
    if (new Set(labels).size === labels.length) return labels;
  }
  const seen = new Set<string>();
  return splits.map((v) => {
    const text = label(v, MAX_DECIMALS);
    if (seen.has(text)) return '';
    seen.add(text);
    return text;
  });
}

/** The y axis's width in CSS pixels for these labels (uPlot's axis `size`): the widest fits, with room for the tick. */
export function axisWidth(labels: readonly (string | null | undefined)[], charWidth = 7.2): number {
  const longest = Math.max(0, ...labels.map((l) => (l ?? '').length));
  return Math.max(40, Math.ceil(longest * charWidth) + 18);
}
