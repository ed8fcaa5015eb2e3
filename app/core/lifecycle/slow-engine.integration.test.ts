import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { createBackend } from '../backend';
import { Harness } from '../testing/harness';
import { SlowEngineProxy } from '../testing/slow-engine-proxy';

const image = inject('standinImage');
const LAG_MS = 500;
const MACHINES = 20;

/**
 * Issue 22: on an engine that takes half a second an answer, `porthole machines` with 40 machines took 26 s,
 * since each machine asked the engine in turn (a list of every container each). One list serves them all now,
 * and the machines are asked about a few at a time.
 */
describe(`${MACHINES} machines on an engine ${LAG_MS} ms slow per answer (the real engine behind a proxy)`, () => {
  let dir: string;
  let proxy: SlowEngineProxy;
  let h: Harness;
  const ids: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-slow-engine-'));
    proxy = await SlowEngineProxy.listen(join(dir, 'engine.sock'), LAG_MS);
    h = await Harness.create();
    await h.waitForEngine(true, 30_000);
    for (let i = 0; i < MACHINES; i++)
      ids.push((await h.call('createMachine', { name: `Slow ${i}`, image, kvm: false })).id);
    await h.shutdown();
  });
  afterAll(async () => {
    await h?.cleanup(ids).catch(() => undefined);
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listing them asks for every container once, not once a machine, and takes a few answers’ time', async () => {
    const started = Date.now();
    const backend = await createBackend({
      configDir: h.configDir,
      dataDir: h.dataDir,
      env: { ...process.env, DOCKER_HOST: proxy.host },
      watch: false,
    });
    try {
      const listed = await backend.invoke('listMachines', {});
      const took = Date.now() - started;
      console.log(
        `${MACHINES} machines listed in ${took} ms through an engine ${LAG_MS} ms slow per answer; ${proxy.requests.length} requests`,
      );
      expect(listed.ok).toBe(true);
      const machines = (listed as { value: MachineView[] }).value;
      expect(machines).toHaveLength(MACHINES);
      for (const m of machines) expect(m.status).toMatchObject({ phase: 'absent', running: false });
      // The list of every container (for one run by hand on a machine's disk): once, not once a machine.
      const everyContainer = proxy.requests.filter(
        (r) => /^GET \/(v[\d.]+\/)?containers\/json\?/.test(r) && !r.includes('filters='),
      );
      expect(everyContainer, proxy.requests.join('\n')).toHaveLength(1);
      // One after the other, the machines alone took MACHINES answers (10 s); the host check and the connection take ~6.
      expect(took).toBeLessThan((MACHINES * LAG_MS) / 1.25);
    } finally {
      await backend.dispose();
    }
  });
});
