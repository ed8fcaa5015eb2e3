import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';

const image = inject('standinImage');
const running = (v: MachineView): boolean =>
  v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

/**
 * The engine goes away under a running machine and comes back (a private dockerd, restarted by pid:
 * the shared engine and other people's machines are never touched). Without live-restore the
 * machine's container dies with the engine. The backend must say it is disconnected, reconnect by
 * itself, and reconcile: the machine shows what its container really is, and starts again.
 */
describe('engine event stream dropped and restored (private engine)', () => {
  let engine: PrivateEngine;
  let h: Harness;
  let machine: MachineView;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image });
    h = await Harness.create(engine.env());
    await h.waitForEngine(true, 30_000);
    machine = await h.call('createMachine', {
      name: uniqueName('Engine'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
  });
  afterAll(async () => {
    await h.cleanup([machine.id]);
    await engine.dispose();
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'the engine stops (%s): disconnected, then reconnected and reconciled by itself',
    async (signal) => {
      await h.call('startMachine', { id: machine.id });
      const before = await h.waitFor(machine.id, running, 120_000, 'running');
      const disk = await stat(join(machine.storageDir, 'data.img'));

      await engine.stopDaemon(signal);
      const down = await h.waitForEngine(false, 30_000);
      expect(down.message).toMatch(/not answering.*reconnects when it returns/);
      expect(await h.call('engineStatus', {})).toMatchObject({ connected: false });
      await expect(h.call('startMachine', { id: machine.id })).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });

      await engine.startDaemon();
      await h.waitForEngine(true, 30_000);
      // Reconciled: the container died with the engine, and the machine says so (not the stale "running").
      const after = await h.waitFor(
        machine.id,
        (v) => !v.status.running && v.status.phase === 'stopped',
        60_000,
        'stopped with the engine',
      );
      expect(after.status.containerId).toBe(before.status.containerId);
      expect(await h.containersOf(machine.id)).toHaveLength(1);

      await h.call('startMachine', { id: machine.id });
      await h.waitFor(machine.id, running, 120_000, 'running again');
      expect((await stat(join(machine.storageDir, 'data.img'))).ino).toBe(disk.ino);
      await h.call('forceStopMachine', { id: machine.id });
      await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 30_000, 'off');
    },
  );
});
