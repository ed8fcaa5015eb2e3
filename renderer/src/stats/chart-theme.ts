import type uPlot from 'uplot';

export interface ChartColors {
  /** Axis labels and tick marks: the theme's muted text. */
  text: string;
  /** Grid lines: the theme's line colour. */
  grid: string;
}

/**
 * The theme's colours for a chart. A canvas takes colours, not CSS variables: they are read from the
 * page's variables (light or dark) when a chart is made; uPlot's own default is near-black on any theme.
 */
export function chartColors(root: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(root);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  return { text: read('--muted', dark ? '#98a0b3' : '#6b7385'), grid: read('--line', dark ? '#343a48' : '#e1e4ea') };
}

/** Options with the theme's colours on every shown axis (an axis that sets its own keeps them), padded to fill the card. */
export function themed(options: uPlot.Options, colors: ChartColors): uPlot.Options {
  if (!options.axes) return options;
  return {
    // uPlot's own right padding leaves room for a time label past the last tick: a strip of the card stays empty.
    padding: [8, 12, 0, 0],
    ...options,
    axes: options.axes.map((axis) =>
      axis.show === false
        ? axis
        : {
            stroke: colors.text,
            grid: { stroke: colors.grid, width: 1 },
            ticks: { stroke: colors.grid, width: 1 },
            ...axis,
          },
    ),
  };
}
