import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartColors, themed } from './chart-theme';
import { loadUPlot } from './uplot-loader';
import './stats.css';

/** Bumps when the system switches between light and dark: a chart is drawn again in the theme's colours. */
function useColorScheme(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const changed = (): void => setVersion((v) => v + 1);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return version;
}

/**
 * A uPlot chart that follows its data and its container's width. uPlot draws to a canvas and takes
 * new data with setData, which suits a series that grows every second: no React work per point.
 * uPlot is loaded when the first chart shows (its own chunk): a list with no running machine never loads it.
 */
export function UPlotChart({
  options,
  data,
  height,
  className,
}: {
  options: (width: number) => uPlot.Options;
  data: uPlot.AlignedData;
  height: number;
  className?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef<uPlot.AlignedData | null>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let gone = false;
    let resize: ResizeObserver | undefined;
    void loadUPlot().then((UPlot) => {
      if (gone) return;
      // The chart takes its host's size: the full width of its card, and any height the card has beyond `height`.
      const size = (): { width: number; height: number } => ({
        width: Math.max(40, el.clientWidth),
        height: Math.max(height, el.clientHeight),
      });
      const { width, height: tall } = size();
      const opts = themed({ ...options(width), width, height: tall }, chartColors());
      const chart = new UPlot(opts, latest.current ?? (opts.series.map(() => []) as unknown as uPlot.AlignedData), el);
      plot.current = chart;
      resize = new ResizeObserver(() => chart.setSize(size()));
      resize.observe(el);
    });
    return () => {
      gone = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The options are fixed for a chart's life: only its data changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [height, scheme]);

  useEffect(() => {
    // Kept for a chart still loading: it starts with the latest data.
    latest.current = data;
    plot.current?.setData(data);
  }, [data]);

  // The host fills its card; uPlot follows the host's width (the canvas never sets it: see stats.css).
  return <div ref={host} className={`uplot-host${className ? ` ${className}` : ''}`} style={{ minHeight: height }} />;
}
