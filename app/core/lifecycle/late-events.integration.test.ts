import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { docker, Harness } from '../testing/harness';
import { LateEventsProxy } from '../testing/late-events-proxy';
import { remoteLifecyclePass } from '../testing/remote-lifecycle';

const image = inject('standinImage');
/** About what Podman's file-backed event log was seen to lag by here, and then some. */
const LAG_MS = 1500;

/**
 * The engine's events late, as Podman's are at times (CI caught it: a Start button for a machine already
 * starting, a forced-off machine reported killed, an apply that left it absent). Every state change of a
 * start, stop and apply must hold on what the engine's calls answered, with the events only confirming it.
 */
describe(`engine events ${LAG_MS} ms late (the real engine behind a proxy that holds its event stream)`, () => {
  let dir: string;
  let proxy: LateEventsProxy;
  let h: Harness | undefined;
  let machine: MachineView | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-late-events-'));
    proxy = await LateEventsProxy.listen(join(dir, 'engine.sock'), LAG_MS);
  });
  afterAll(async () => {
    if (h) await h.cleanup(machine ? [machine.id] : []).catch(() => undefined);
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('start (running when the call answers, followed once), adopt after a restart, stop, start, apply (recreated, running), off', async () => {
    h = await Harness.create({ ...process.env, DOCKER_HOST: proxy.host });
    await h.waitForEngine(true, 30_000);
    machine = await remoteLifecyclePass(h, { docker }, { image, name: 'Late events', over: 'late events', full: true });
  }, 400_000);

  it('forced off right after its start answered, it is stopped, and the start event that comes after the kill changes nothing', async () => {
    const id = machine!.id;
    await h!.call('startMachine', { id });
    const from = h!.mark(id);
    await h!.call('forceStopMachine', { id });
    await h!.waitFor(id, (v) => v.status.phase === 'stopped', 30_000, 'off');
    // Every late event of that run (start, die) has come by now.
    await sleep(2 * LAG_MS + 500);
    const after = h!.statusesSince(id, from);
    expect(
      after.filter((s) => s.phase === 'failed'),
      JSON.stringify(after),
    ).toEqual([]);
    expect(after.at(-1)).toMatchObject({ phase: 'stopped', running: false });
  });
});
