// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import type uPlot from 'uplot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatsSample } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { GraphsPanel } from '../machine-page/GraphsPanel';
import { toSeries } from './series';
import { UPlotChart } from './UPlotChart';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null, made: [] as uPlot.Options[] }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));
// uPlot draws to a canvas jsdom does not have: a stand-in records the options each chart is made with.
vi.mock('./uplot-loader', () => ({
  loadUPlot: async () =>
    class {
      constructor(opts: uPlot.Options) {
        state.made.push(opts);
      }
      setData(): void {}
      setSize(): void {}
      destroy(): void {}
    },
}));

class Observer {
  constructor(private readonly cb: (entries: Array<{ isIntersecting: boolean }>) => void) {}
  observe(): void {
    this.cb([{ isIntersecting: true }]);
  }
  disconnect(): void {}
  unobserve(): void {}
}

// jsdom has no matchMedia: a light system, whose switch to dark never comes.
const lightSystem = (): unknown => ({
  matches: false,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  state.made = [];
  document.documentElement.style.removeProperty('--muted');
  document.documentElement.style.removeProperty('--line');
});

const GIB = 1024 ** 3;
function sample(t: number, memBytes: number): StatsSample {
  return {
    t,
    cpuPercent: 5,
    memBytes,
    memLimitBytes: 25.3 * GIB,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
  };
}

describe('graphs (issue 23 item 6)', () => {
  it('draw axis labels and grid in the theme’s colours (readable in dark mode), not uPlot’s near-black', async () => {
    vi.stubGlobal('ResizeObserver', Observer);
    vi.stubGlobal('matchMedia', lightSystem);
    document.documentElement.style.setProperty('--muted', '#98a0b3');
    document.documentElement.style.setProperty('--line', '#343a48');
    render(
      <UPlotChart
        options={(width) => ({ width, height: 100, series: [{}, {}], axes: [{}, {}] })}
        data={[[1], [2]]}
        height={100}
      />,
    );
    await vi.waitFor(() => expect(state.made).toHaveLength(1));
    const axes = state.made[0]!.axes!;
    for (const axis of axes) {
      expect(axis.stroke).toBe('#98a0b3');
      expect(axis.grid?.stroke).toBe('#343a48');
    }
  });

  it('show memory against the machine’s RAM, not the host’s total', async () => {
    vi.stubGlobal('IntersectionObserver', Observer);
    vi.stubGlobal('ResizeObserver', Observer);
    vi.stubGlobal('matchMedia', lightSystem);
    state.fake = fakeApi({});
    render(
      <GraphsPanel
        machine={machineView({ ramGiB: 2, status: { phase: 'ready', running: true, screenReady: true } })}
      />,
    );
    const stream = await vi.waitFor(() => {
      const s = state.fake!.streams.find((x) => x.stream === 'machineStats');
      if (!s) throw new Error('no stream yet');
      return s;
    });
    await act(async () => {
      stream.onItem(sample(1000, 45 * 1024 ** 2));
      stream.onItem(sample(2000, 45 * 1024 ** 2));
      await Promise.resolve();
    });
    expect((await screen.findByTestId('graph-memory-now')).textContent).toBe('45 MB of 2 GB');
    expect(toSeries([sample(1000, 1)]).memLimitBytes).toBe(25.3 * GIB);
    await vi.waitFor(() => expect(state.made).toHaveLength(4));
  });
});
