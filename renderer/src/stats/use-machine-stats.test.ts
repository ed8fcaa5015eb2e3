// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StatsSample } from '@porthole/api';
import type { OpenStats } from './stats-source';
import { useMachineStats } from './use-machine-stats';

const sample = (t: number): StatsSample => ({
  t,
  cpuPercent: 5,
  memBytes: 1,
  memLimitBytes: 2,
  diskReadBytes: 0,
  diskWriteBytes: 0,
  netRxBytes: 0,
  netTxBytes: 0,
});

describe('useMachineStats', () => {
  it('opens the stream only while active, closes it when not, and forgets the samples', async () => {
    const open = new Map<string, (s: StatsSample) => void>();
    const events: string[] = [];
    const openStats: OpenStats = (id, onSample) => {
      events.push(`open ${id}`);
      open.set(id, onSample);
      return () => {
        events.push(`close ${id}`);
        open.delete(id);
      };
    };
    const { result, rerender, unmount } = renderHook(({ active }) => useMachineStats('m1', active, openStats), {
      initialProps: { active: false },
    });
    expect(events).toEqual([]);
    rerender({ active: true });
    expect(events).toEqual(['open m1']);
    await act(async () => {
      open.get('m1')!(sample(1000));
      open.get('m1')!(sample(2000));
      await Promise.resolve();
    });
    expect(result.current.map((s) => s.t)).toEqual([1000, 2000]);
    rerender({ active: false });
    expect(events).toEqual(['open m1', 'close m1']);
    expect(result.current).toEqual([]);
    rerender({ active: true });
    unmount();
    expect(events).toEqual(['open m1', 'close m1', 'open m1', 'close m1']);
  });
});
