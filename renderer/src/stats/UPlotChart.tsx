import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart that follows its data and its container's width. uPlot draws to a canvas and takes
 * new data with setData, which suits a series that grows every second: no React work per point.
 */
export function UPlotChart({ options, data, height, className }: { options: (width: number) => uPlot.Options; data: uPlot.AlignedData; height: number; className?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(40, el.clientWidth);
    // Made empty: the data effect below (run after this one) fills it, and every update after.
    const opts = { ...options(width), width, height };
    const chart = new uPlot(opts, opts.series.map(() => []) as unknown as uPlot.AlignedData, el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(40, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The options are fixed for a chart's life: only its data changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data, height]);

  return <div ref={host} className={className} />;
}
