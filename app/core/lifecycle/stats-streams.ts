import { STATS_WINDOW_SAMPLES, type StatsSample } from '../../api';

/** Opens the engine's stats stream for a machine; returns what closes it. `onEnd` when the engine ends it. */
export type OpenStats = (
  machineId: string,
  onSample: (sample: StatsSample) => void,
  onEnd: (err?: Error) => void,
) => Promise<() => void>;

export interface StatsViewer {
  sample(sample: StatsSample): void;
  /** The engine stream ended (the machine stopped, the engine went away): no more samples for this viewer. */
  end(err?: Error): void;
}

interface Shared {
  viewers: Set<StatsViewer>;
  /** The last samples, replayed to a viewer that joins: a page opened from a card starts with its graph. */
  recent: StatsSample[];
  close: (() => void) | null;
  closed: boolean;
}

/**
 * One engine stats stream per machine, however many viewers (cards, pages, windows, web pages):
 * opened by the first viewer, closed when the last leaves. Nothing is asked of the engine while no
 * one looks, so an idle Porthole makes no engine requests.
 */
export class StatsStreams {
  private readonly shared = new Map<string, Shared>();

  constructor(private readonly open: OpenStats) {}

  /** How many engine streams are open now (tests, diagnostics). */
  get openCount(): number {
    return this.shared.size;
  }

  /** Starts watching a machine; the returned function stops. Rejects (and adds nothing) when the stream cannot be opened. */
  async watch(machineId: string, viewer: StatsViewer): Promise<() => void> {
    let entry = this.shared.get(machineId);
    if (!entry) {
      const created: Shared = { viewers: new Set(), recent: [], close: null, closed: false };
      entry = created;
      this.shared.set(machineId, created);
      created.viewers.add(viewer);
      try {
        const close = await this.open(
          machineId,
          (sample) => {
            created.recent.push(sample);
            if (created.recent.length > STATS_WINDOW_SAMPLES) created.recent.shift();
            for (const v of created.viewers) v.sample(sample);
          },
          (err) => this.finish(machineId, created, err),
        );
        if (created.closed || created.viewers.size === 0) close();
        else created.close = close;
      } catch (err) {
        // This viewer hears it as the rejection; any that joined while it was opening, as an end.
        created.viewers.delete(viewer);
        this.finish(machineId, created, err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    } else {
      entry.viewers.add(viewer);
      for (const sample of entry.recent) viewer.sample(sample);
    }
    const joined = entry;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      joined.viewers.delete(viewer);
      if (joined.viewers.size === 0 && !joined.closed) {
        joined.closed = true;
        if (this.shared.get(machineId) === joined) this.shared.delete(machineId);
        joined.close?.();
      }
    };
  }

  /** Closes every stream (the backend is going away). */
  dispose(): void {
    for (const [id, entry] of [...this.shared]) this.finish(id, entry);
  }

  private finish(machineId: string, entry: Shared, err?: Error): void {
    if (entry.closed) return;
    entry.closed = true;
    if (this.shared.get(machineId) === entry) this.shared.delete(machineId);
    entry.close?.();
    const viewers = [...entry.viewers];
    entry.viewers.clear();
    for (const v of viewers) v.end(err);
  }
}
