import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import type { MachineView } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';
import { axisWidth, byteTicks, percentTicks } from './axis-ticks';
import { memoryFloor, memoryNow } from './memory';
import { toSeries, type StatsSeries } from '../stats/series';
import { UPlotChart } from '../stats/UPlotChart';
import { useMachineStats } from '../stats/use-machine-stats';
import { useVisible } from '../stats/use-visible';
import '../stats/stats.css';

const WINDOW_SECONDS = 600;
const HEIGHT = 140;

const rate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

interface Graph {
  key: string;
  title: string;
  /** The columns drawn, after time. */
  columns: (s: StatsSeries) => number[][];
  labels: string[];
  colors: string[];
  /** The y axis's labels for uPlot's ticks (axis-ticks.ts: one unit per axis, never a label twice). */
  ticks: (splits: number[]) => string[];
  /** The numbers beside the title: the latest values. */
  now: (s: StatsSeries) => string;
  /** The least top of the y axis: a quiet machine's graph reads 0 to 100 % or 0 to 1 KB/s, not 0 to 0. */
  yFloor: number;
}

/** A graph of two byte rates (disk read and write, network in and out): one axis, floor and caption for both. */
function rateGraph(
  key: string,
  title: string,
  pick: (s: StatsSeries) => [number[], number[]],
  lines: [RateLine, RateLine],
): Graph {
  const latest = (s: StatsSeries): string =>
    pick(s)
      .map((column, i) => `${lines[i]!.word} ${rate(column.at(-1) ?? 0)}`)
      .join(' · ');
  return {
    key,
    title,
    columns: pick,
    labels: lines.map((l) => l.label),
    colors: lines.map((l) => l.color),
    ticks: (splits) => byteTicks(splits, '/s'),
    yFloor: 1000,
    now: latest,
  };
}

interface RateLine {
  label: string;
  color: string;
  /** Its word in the numbers beside the title. */
  word: string;
}

/** The graphs of a machine of `ramGiB` GB: memory is drawn and told against the machine's size, not the host's. */
const graphsFor = (ramGiB: number): Graph[] => [
  {
    key: 'cpu',
    title: 'CPU',
    columns: (s) => [s.cpuPercent],
    labels: ['CPU'],
    colors: ['#3584e4'],
    ticks: percentTicks,
    yFloor: 100,
    now: (s) => `${(s.cpuPercent.at(-1) ?? 0).toFixed(1)}%`,
  },
  {
    key: 'memory',
    title: 'Memory',
    columns: (s) => [s.memBytes],
    labels: ['In use'],
    colors: ['#9141ac'],
    ticks: (splits) => byteTicks(splits),
    yFloor: memoryFloor(ramGiB),
    now: (s) => memoryNow(s.memBytes.at(-1) ?? 0, ramGiB),
  },
  rateGraph('disk', 'Disk', (s) => [s.diskRead, s.diskWrite], [
    { label: 'Read', color: '#2ec27e', word: 'read' },
    { label: 'Write', color: '#e66100', word: 'write' },
  ]),
  rateGraph('network', 'Network', (s) => [s.netRx, s.netTx], [
    { label: 'Received', color: '#1c71d8', word: 'in' },
    { label: 'Sent', color: '#c64600', word: 'out' },
  ]),
];

function graphOptions(graph: Graph) {
  return (width: number): uPlot.Options => ({
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, Math.max(graph.yFloor, max * 1.1)] } },
    axes: [{}, { values: (_u, splits) => graph.ticks(splits), size: (_u, values) => axisWidth(values ?? []) }],
    series: [
      {},
      ...graph.labels.map((label, i) => ({ label, stroke: graph.colors[i], width: 1.5, points: { show: false } })),
    ],
  });
}

/**
 * The machine page's graphs: CPU, memory, disk and network over the last 10 minutes, a point a
 * second. The stream is open while the panel is on screen and the machine runs; the backend replays
 * what it already has, so a page opened from a card starts with the card's history.
 */
export function GraphsPanel({ machine }: { machine: MachineView }) {
  const ref = useRef<HTMLDivElement>(null);
  const visible = useVisible(ref);
  const running = machine.status.running;
  const samples = useMachineStats(machine.id, running && visible);
  // Memory reads against the machine's RAM, not the host's total.
  const series = useMemo(
    () => toSeries(samples.slice(-WINDOW_SECONDS), machine.ramGiB * 1024 ** 3),
    [samples, machine.ramGiB],
  );
  const graphs = useMemo(() => graphsFor(machine.ramGiB), [machine.ramGiB]);
  return (
    <section ref={ref} className="graphs-panel" aria-label="Graphs" data-testid="graphs-panel">
      {!running ? <p className="graphs-empty">Graphs show while the machine runs.</p> : null}
      {running && samples.length < 2 ? <p className="graphs-empty">Waiting for the first readings…</p> : null}
      {running && samples.length >= 2
        ? graphs.map((graph) => (
            <figure key={graph.key} className="graph" data-testid={`graph-${graph.key}`}>
              <figcaption>
                <strong>{graph.title}</strong>
                <span className="graph-now" data-testid={`graph-${graph.key}-now`}>
                  {graph.now(series)}
                </span>
                <span className="graph-legend">
                  {graph.labels.length > 1
                    ? graph.labels.map((label, i) => (
                        <span key={label}>
                          <i style={{ background: graph.colors[i] }} /> {label}
                        </span>
                      ))
                    : null}
                </span>
              </figcaption>
              <UPlotChart options={graphOptions(graph)} data={[series.t, ...graph.columns(series)]} height={HEIGHT} />
            </figure>
          ))
        : null}
    </section>
  );
}
