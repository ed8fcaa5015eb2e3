import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart that follows its data and its container's width. uPlot draws to a canvas and takes
 * new data with setData, which suits a series that grows every second: no React work per point.
 * uPlot is loaded when the first chart shows (its own chunk): a list with no running machine never loads it.
 */
export function UPlotChart({ options, data, height, className }: { options: (width: number) => uPlot.Options; data: uPlot.AlignedData; height: number; className?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef<uPlot.AlignedData | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let gone = false;
    let resize: ResizeObserver | undefined;
    void import('uplot').then(({ default: UPlot }) => {
      if (gone) return;
      const width = Math.max(40, el.clientWidth);
      const opts = { ...options(width), width, height };
      const chart = new UPlot(opts, latest.current ?? (opts.series.map(() => []) as unknown as uPlot.AlignedData), el);
      plot.current = chart;
      resize = new ResizeObserver(() => chart.setSize({ width: Math.max(40, el.clientWidth), height }));
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
  }, [height]);

  useEffect(() => {
    // Kept for a chart still loading: it starts with the latest data.
    latest.current = data;
    plot.current?.setData(data);
  }, [data]);

  return <div ref={host} className={className} />;
}
