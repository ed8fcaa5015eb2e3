import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { formatBytes } from '@porthole/api/bytes';
import { toSeries } from './series';
import { UPlotChart } from './UPlotChart';
import { useMachineStats } from './use-machine-stats';
import { useVisible } from './use-visible';
import './stats.css';

/** The last two minutes on a card: enough to see a trend without the page. */
const SPARK_SECONDS = 120;

const sparkOptions = (width: number): uPlot.Options => ({
  width,
  height: 28,
  legend: { show: false },
  cursor: { show: false },
  select: { show: false, left: 0, top: 0, width: 0, height: 0 },
  axes: [{ show: false }, { show: false }],
  // From a little below 0, so an idle machine's line shows rather than hiding on the bottom edge;
  // up to 100 % (one core), or higher when it uses more.
  scales: { x: { time: false }, y: { range: (_u, _min, max) => [-4, Math.max(100, max)] } },
  // A canvas takes colours, not CSS variables.
  series: [{}, { stroke: '#3584e4', width: 1.5, fill: 'rgba(53,132,228,0.15)', points: { show: false } }],
});

/**
 * A small CPU graph on a running machine's card, with CPU and memory as numbers. Streams only while
 * the card is on screen: scrolled away, in a hidden tab or a minimised window, nothing is asked.
 */
export function Sparkline({ id, running }: { id: string; running: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const visible = useVisible(ref);
  const samples = useMachineStats(id, running && visible);
  const recent = samples.slice(-SPARK_SECONDS);
  const data = useMemo((): uPlot.AlignedData => {
    const s = toSeries(recent);
    return [s.t, s.cpuPercent];
    // `samples` is new on every sample; `recent` is derived from it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [samples]);
  const last = samples.at(-1);
  return (
    <div ref={ref} className="sparkline" data-testid="sparkline" aria-label="CPU and memory">
      {last && recent.length >= 2 ? (
        <>
          <UPlotChart className="sparkline-chart" options={sparkOptions} data={data} height={28} />
          <span className="sparkline-numbers" data-testid="sparkline-numbers">
            CPU {last.cpuPercent.toFixed(0)}% · {formatBytes(last.memBytes)}
          </span>
        </>
      ) : null}
    </div>
  );
}
