import { STATS_WINDOW_SAMPLES, type StatsSample } from '@porthole/api';

/**
 * The last samples of one machine, oldest first, at most `capacity` (10 minutes at one a second).
 * A ring: adding is O(1) however long the page stays open.
 */
export class SampleRing {
  private readonly buffer: StatsSample[] = [];
  private start = 0;
  constructor(readonly capacity = STATS_WINDOW_SAMPLES) {}

  push(sample: StatsSample): void {
    // The backend replays what it has to a new viewer: a sample already here is not added twice.
    const last = this.last();
    if (last && sample.t <= last.t) return;
    if (this.buffer.length < this.capacity) this.buffer.push(sample);
    else {
      this.buffer[this.start] = sample;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.buffer.length;
  }

  last(): StatsSample | undefined {
    if (this.buffer.length === 0) return undefined;
    return this.buffer[(this.start + this.buffer.length - 1) % this.buffer.length];
  }

  toArray(): StatsSample[] {
    return [...this.buffer.slice(this.start), ...this.buffer.slice(0, this.start)];
  }
}

/** What the graphs draw: columns of equal length, time in seconds (as uPlot takes it), rates per second. */
export interface StatsSeries {
  t: number[];
  cpuPercent: number[];
  memBytes: number[];
  /**
   * What the memory is measured against: the machine's RAM when given (the engine's own limit is the
   * host's total memory, since the container has none of its own), else the engine's figure.
   */
  memLimitBytes: number;
  diskRead: number[];
  diskWrite: number[];
  netRx: number[];
  netTx: number[];
}

/**
 * Rates from the engine's running totals: the difference between two consecutive samples over the
 * time between them. The first sample has no rate (0); a total that went down (the container was
 * recreated) counts from zero again rather than drawing a negative spike.
 */
export function toSeries(samples: readonly StatsSample[], machineRamBytes?: number): StatsSeries {
  const out: StatsSeries = {
    t: [],
    cpuPercent: [],
    memBytes: [],
    memLimitBytes: 0,
    diskRead: [],
    diskWrite: [],
    netRx: [],
    netTx: [],
  };
  const rate = (now: number, before: number | undefined, seconds: number): number => {
    if (before === undefined || seconds <= 0) return 0;
    return (now >= before ? now - before : now) / seconds;
  };
  samples.forEach((s, i) => {
    const prev = i > 0 ? samples[i - 1] : undefined;
    const seconds = prev ? (s.t - prev.t) / 1000 : 0;
    out.t.push(s.t / 1000);
    out.cpuPercent.push(s.cpuPercent);
    out.memBytes.push(s.memBytes);
    out.diskRead.push(rate(s.diskReadBytes, prev?.diskReadBytes, seconds));
    out.diskWrite.push(rate(s.diskWriteBytes, prev?.diskWriteBytes, seconds));
    out.netRx.push(rate(s.netRxBytes, prev?.netRxBytes, seconds));
    out.netTx.push(rate(s.netTxBytes, prev?.netTxBytes, seconds));
    out.memLimitBytes = s.memLimitBytes;
  });
  if (machineRamBytes) out.memLimitBytes = machineRamBytes;
  return out;
}
