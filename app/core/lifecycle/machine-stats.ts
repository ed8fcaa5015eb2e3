import { PortholeError, type StatsSample } from '../../api';
import type { EngineClient } from '../engine/client';
import { followContainerStats } from '../engine/stats';
import { StatsStreams } from './stats-streams';

/** What the machineStats stream needs of the rest of the backend. */
export interface MachineStatsDeps {
  engine(): EngineClient;
  /** The machine's current container, or null (throws NOT_FOUND for an unknown machine). */
  containerId(id: string): Promise<string | null>;
  running(id: string): boolean;
}

/**
 * The backend's `machineStats` stream: a viewer's samples from the one shared engine stream of that
 * machine (StatsStreams). A machine that is not running has no numbers: refused with what to do.
 */
export function machineStatsStreams(deps: MachineStatsDeps): {
  streams: StatsStreams;
  open(id: string, sink: { item(sample: StatsSample): void; end(error?: PortholeError): void }): Promise<() => void>;
} {
  const streams = new StatsStreams(async (id, onSample, onEnd) => {
    const containerId = await deps.containerId(id);
    if (!containerId || !deps.running(id)) {
      throw new PortholeError(
        'CONFLICT',
        'The machine is not running, so it has no CPU, memory, disk or network use to show.',
        'Start it; the graphs begin with its first second.',
      );
    }
    return followContainerStats(deps.engine().docker, containerId, onSample, onEnd);
  });
  return {
    streams,
    open: (id, sink) =>
      streams.watch(id, {
        sample: (s) => sink.item(s),
        // The engine ends the stream when the container stops: a plain end, the viewer shows it stopped.
        end: (err) =>
          sink.end(
            err
              ? new PortholeError(
                  'ENGINE_UNAVAILABLE',
                  `The engine stopped sending the machine's figures: ${err.message}`,
                  'They resume when the page is opened again.',
                )
              : undefined,
          ),
      }),
  };
}
