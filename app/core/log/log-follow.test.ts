import { describe, expect, it } from 'vitest';
import type { LogStreamItem, MachineView } from '../../api';
import { sampleView } from '../../api/testing/sample-machine';
import { followMachineLog, type LogFollowDeps } from './log-follow';

/** The engine at the boundary: each follow it was asked for, with a way to send lines and end it. */
function fakeEngine() {
  const follows: Array<{
    id: string;
    options: { tail: number; sinceSeconds?: number };
    lines: (l: string[]) => void;
    end: () => void;
    stopped: boolean;
  }> = [];
  const engine = {
    followTail: async (
      id: string,
      options: { tail: number; sinceSeconds?: number },
      lines: (l: string[]) => void,
      end: () => void,
    ) => {
      const f = { id, options, lines, end, stopped: false };
      follows.push(f);
      return () => void (f.stopped = true);
    },
  };
  return { engine, follows };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const running = (containerId: string): MachineView =>
  sampleView({ status: { phase: 'booting', running: true, screenReady: false, containerId } });

describe('followMachineLog', () => {
  it('a start seen while the container is still looked up is followed once, not twice', async () => {
    const { engine, follows } = fakeEngine();
    const lookup = deferred<string | null>();
    let view = sampleView();
    const listeners = new Set<(v: MachineView) => void>();
    const deps: LogFollowDeps = {
      containerId: () => lookup.promise,
      engine: () => engine,
      view: () => view,
      onViewChange: (l) => (listeners.add(l), () => listeners.delete(l)),
    };
    const items: LogStreamItem[] = [];
    const opening = followMachineLog(
      deps,
      100,
      (i) => items.push(i),
      (err) => {
        throw err;
      },
    );
    // The person clicks Start while the stream opens: the new container runs before the lookup answers.
    view = running('c1');
    for (const l of listeners) l(view);
    lookup.resolve('c1');
    const close = await opening;
    await Promise.resolve();
    expect(follows.map((f) => f.id)).toEqual(['c1']);
    follows[0]!.lines(['❯ Booting Windows']);
    expect(items.filter((i) => i.kind === 'lines')).toEqual([{ kind: 'lines', lines: ['❯ Booting Windows'] }]);
    expect(items.filter((i) => i.kind === 'started')).toHaveLength(1);
    close();
    expect(follows[0]!.stopped).toBe(true);
  });

  it('follows the current container from its tail, then the next run from where the last one ended', async () => {
    const { engine, follows } = fakeEngine();
    let view = running('c1');
    const listeners = new Set<(v: MachineView) => void>();
    let clock = 10_000;
    const deps: LogFollowDeps = {
      containerId: async () => 'c1',
      engine: () => engine,
      view: () => view,
      onViewChange: (l) => (listeners.add(l), () => listeners.delete(l)),
      now: () => clock,
    };
    const items: LogStreamItem[] = [];
    const close = await followMachineLog(
      deps,
      50,
      (i) => items.push(i),
      () => undefined,
    );
    expect(follows).toMatchObject([{ id: 'c1', options: { tail: 50 } }]);
    view = sampleView();
    for (const l of listeners) l(view);
    follows[0]!.end();
    expect(items.at(-1)).toEqual({ kind: 'ended' });
    clock = 20_000;
    view = running('c2');
    for (const l of listeners) l(view);
    expect(follows.map((f) => f.id)).toEqual(['c1', 'c2']);
    expect(follows[1]!.options).toEqual({ tail: 5000, sinceSeconds: 10 });
    close();
  });
});
