import { describe, expect, it } from 'vitest';
import type { StatsSample } from '../../api';
import { StatsStreams, type OpenStats, type StatsViewer } from './stats-streams';

const sample = (t: number): StatsSample => ({
  t,
  cpuPercent: t,
  memBytes: 1,
  memLimitBytes: 2,
  diskReadBytes: 0,
  diskWriteBytes: 0,
  netRxBytes: 0,
  netTxBytes: 0,
});

/** A stand-in for the engine that counts the streams it has open, as the engine would. */
function fakeEngine() {
  const open = new Map<string, { push(s: StatsSample): void; end(err?: Error): void }>();
  let opened = 0;
  const openStats: OpenStats = async (id, onSample, onEnd) => {
    await Promise.resolve();
    opened++;
    open.set(id, { push: onSample, end: onEnd });
    return () => void open.delete(id);
  };
  return { openStats, open, opened: () => opened };
}

function viewer() {
  const seen: number[] = [];
  const ends: Array<Error | undefined> = [];
  const v: StatsViewer = { sample: (s) => seen.push(s.t), end: (e) => ends.push(e) };
  return { v, seen, ends };
}

describe('StatsStreams', () => {
  it('opens one engine stream per machine however many viewers, and closes it when the last leaves', async () => {
    const engine = fakeEngine();
    const hub = new StatsStreams(engine.openStats);
    const a = viewer();
    const b = viewer();
    const stopA = await hub.watch('m1', a.v);
    engine.open.get('m1')!.push(sample(1));
    const stopB = await hub.watch('m1', b.v);
    expect(engine.opened()).toBe(1);
    expect(b.seen).toEqual([1]); // the late viewer starts with what was already seen
    engine.open.get('m1')!.push(sample(2));
    expect(a.seen).toEqual([1, 2]);
    expect(b.seen).toEqual([1, 2]);
    stopA();
    stopA();
    expect(engine.open.has('m1')).toBe(true);
    stopB();
    expect(engine.open.has('m1')).toBe(false);
    expect(hub.openCount).toBe(0);
    // A new viewer opens a new stream, without the old samples.
    const c = viewer();
    await hub.watch('m1', c.v);
    expect(engine.opened()).toBe(2);
    expect(c.seen).toEqual([]);
  });

  it('closes the engine stream as soon as its only viewer stops', async () => {
    const engine = fakeEngine();
    const hub = new StatsStreams(engine.openStats);
    const pending = hub.watch('m1', viewer().v);
    const stop = await pending;
    stop();
    expect(engine.open.size).toBe(0);
  });

  it('tells every viewer when the engine ends the stream (the machine stopped), and opens afresh next time', async () => {
    const engine = fakeEngine();
    const hub = new StatsStreams(engine.openStats);
    const a = viewer();
    const b = viewer();
    await hub.watch('m1', a.v);
    await hub.watch('m1', b.v);
    engine.open.get('m1')!.end();
    expect(a.ends).toHaveLength(1);
    expect(b.ends).toHaveLength(1);
    expect(hub.openCount).toBe(0);
    await hub.watch('m1', viewer().v);
    expect(engine.opened()).toBe(2);
  });

  it('keeps machines apart and rejects a viewer whose stream cannot open, leaving nothing behind', async () => {
    const engine = fakeEngine();
    const hub = new StatsStreams(async (id, onSample, onEnd) => {
      if (id === 'broken') throw new Error('no such container');
      return engine.openStats(id, onSample, onEnd);
    });
    await expect(hub.watch('broken', viewer().v)).rejects.toThrow('no such container');
    expect(hub.openCount).toBe(0);
    // One that joined while the stream was opening hears the failure as an end.
    let fail: (err: Error) => void = () => undefined;
    const slow = new StatsStreams(() => new Promise((_resolve, reject) => (fail = reject)));
    const first = slow.watch('m1', viewer().v);
    const late = viewer();
    await slow.watch('m1', late.v);
    fail(new Error('engine gone'));
    await expect(first).rejects.toThrow('engine gone');
    expect(late.ends.map((e) => e?.message)).toEqual(['engine gone']);
    expect(slow.openCount).toBe(0);
    const a = viewer();
    await hub.watch('m1', a.v);
    await hub.watch('m2', viewer().v);
    engine.open.get('m2')!.push(sample(9));
    expect(a.seen).toEqual([]);
    expect(hub.openCount).toBe(2);
    hub.dispose();
    expect(engine.open.size).toBe(0);
  });
});
