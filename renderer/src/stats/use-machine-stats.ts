import { useEffect, useState } from 'react';
import type { StatsSample } from '@porthole/api';
import { SampleRing } from './series';
import { openMachineStats, type OpenStats } from './stats-source';

/**
 * A machine's samples while `active` (its card or page is on screen and it runs): one stream open
 * while active, closed as soon as it is not. The backend shares one engine stream among all viewers.
 * Returns the samples, oldest first (the last 10 minutes), new on every sample.
 */
export function useMachineStats(id: string, active: boolean, open: OpenStats = openMachineStats): StatsSample[] {
  const [samples, setSamples] = useState<StatsSample[]>([]);
  useEffect(() => {
    if (!active) return;
    const ring = new SampleRing();
    let pending = false;
    // Samples replayed on opening come together: draw once for the lot.
    const flush = (): void => {
      pending = false;
      setSamples(ring.toArray());
    };
    const close = open(
      id,
      (sample) => {
        ring.push(sample);
        if (!pending) {
          pending = true;
          queueMicrotask(flush);
        }
      },
      () => undefined,
    );
    return () => {
      close();
      setSamples([]);
    };
  }, [id, active, open]);
  return samples;
}
