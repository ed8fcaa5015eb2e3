import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineChanges, MachineView, SharedFolder } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';

const standin = inject('standinImage');
const testIso = inject('testIso');

const CYCLES = 20;
const ENGINE_RESTART_CYCLES = new Set([5, 13]);
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** Where the known pattern goes in data.img: the first sectors, the middle, the very end of a 64 GB disk. */
const REGIONS = [{ offset: 0, length: 4 * MIB }, { offset: 5 * GIB + 123 * 4096, length: 6 * MIB }, { offset: 31 * GIB, length: 3 * MIB }, { offset: 64 * GIB - 4 * MIB, length: 4 * MIB }];

/** mulberry32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writePattern(path: string, next: () => number): Promise<string[]> {
  const file = await open(path, 'r+');
  try {
    const sums: string[] = [];
    for (const region of REGIONS) {
      const data = Buffer.alloc(region.length);
      for (let i = 0; i < data.length; i += 4) data.writeUInt32LE(Math.floor(next() * 0x100000000), i);
      await file.write(data, 0, data.length, region.offset);
      sums.push(createHash('sha256').update(data).digest('hex'));
    }
    await file.sync();
    return sums;
  } finally {
    await file.close();
  }
}

async function readPattern(path: string): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const sums: string[] = [];
    for (const region of REGIONS) {
      const data = Buffer.alloc(region.length);
      await file.read(data, 0, data.length, region.offset);
      sums.push(createHash('sha256').update(data).digest('hex'));
    }
    return sums;
  } finally {
    await file.close();
  }
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

interface Inspected {
  Id: string;
  Config: { Env: string[] };
  HostConfig: { Binds: string[]; PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
}

const running = (v: MachineView): boolean => v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);
const down = (v: MachineView): boolean => !v.status.running && ['stopped', 'failed'].includes(v.status.phase);

/**
 * Never losing the disk: a known pattern in data.img survives 20 cycles of random (seeded, logged)
 * settings changes applied by recreating the container, engine restarts (SIGTERM and SIGKILL, on a
 * private engine) and containers killed behind Porthole's back. PORTHOLE_NO_LOSS_SEED replays a run.
 */
describe('no loss of the Windows disk', () => {
  let engine: PrivateEngine;
  let h: Harness;
  let tmp: string;
  let machine: MachineView;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image: standin });
    h = await Harness.create(engine.env());
    tmp = await mkdtemp(join(tmpdir(), 'porthole-noloss-'));
  });
  afterAll(async () => {
    await h.cleanup(machine ? [machine.id] : []);
    await engine.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  it(`keeps the pattern in data.img through ${CYCLES} cycles of changes, engine restarts and kills`, async () => {
    const started = Date.now();
    const seed = Number(process.env.PORTHOLE_NO_LOSS_SEED ?? Date.now() % 2 ** 31);
    const rand = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const log = (text: string): void => void process.stdout.write(`[no-loss seed ${seed}] ${text}\n`);
    log(`start (replay with PORTHOLE_NO_LOSS_SEED=${seed})`);

    const folders = ['one', 'two', 'three'].map((name) => join(tmp, name));
    for (const folder of folders) await mkdir(folder);
    machine = await h.call('createMachine', { name: uniqueName('NoLoss'), image: standin, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 });
    const id = machine.id;
    const diskPath = join(machine.storageDir, 'data.img');

    // The install (simulated), then the pattern, written while the machine is stopped.
    await h.call('startMachine', { id });
    await h.waitFor(id, (v) => v.status.phase === 'ready', 120_000, 'installed');
    await h.call('stopMachine', { id });
    await h.waitFor(id, down, 60_000, 'stopped');
    const inode = (await stat(diskPath)).ino;
    const sums = await writePattern(diskPath, rand);
    log(`pattern written: ${REGIONS.length} regions, ${REGIONS.reduce((n, r) => n + r.length, 0) / MIB} MiB`);
    await h.call('startMachine', { id });
    await h.waitFor(id, running, 60_000, 'running');

    let engineRestarts = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const changes: MachineChanges = {
        ramGiB: pick([2, 3]),
        cpuCores: pick([1, 2]),
        sharedFolders: folders.filter(() => rand() < 0.5).map((hostPath): SharedFolder => ({ hostPath, readOnly: rand() < 0.5 })),
        customIso: rand() < 0.4 ? testIso : null,
      };
      const disruption = ENGINE_RESTART_CYCLES.has(cycle) ? 'engine' : pick(['apply', 'apply', 'kill', 'engine-maybe'] as const);
      const engineRestart = disruption === 'engine' || (disruption === 'engine-maybe' && rand() < 0.3);
      // Engine restarts alternate between a clean stop and a crash of dockerd.
      const signal = engineRestart && engineRestarts++ % 2 === 1 ? 'SIGKILL' : 'SIGTERM';
      const how = engineRestart ? `engine restart (${signal})` : disruption === 'kill' || disruption === 'engine-maybe' ? 'container killed' : 'apply (recreate)';
      await h.call('updateMachine', { id, changes });

      let portNote = '';
      if (how === 'apply (recreate)') {
        const before = h.views.get(id)!.status.containerId;
        await h.call('applyMachine', { id });
        await h.waitFor(id, (v) => running(v) && v.status.containerId !== before, 120_000, `cycle ${cycle}: recreated`);
      } else {
        if (engineRestart) {
          await engine.restartDaemon(signal);
          await h.waitForEngine(true, 60_000);
        } else {
          await engine.docker('kill', `porthole-${id}`);
        }
        await h.waitFor(id, down, 60_000, `cycle ${cycle}: down`);
        // Half the time the screen port is taken meanwhile: the start must choose another.
        let blocker: Server | undefined;
        const oldPort = h.views.get(id)!.ports.web;
        if (rand() < 0.5) blocker = await occupy(oldPort);
        try {
          await h.call('startMachine', { id });
          const v = await h.waitFor(id, running, 120_000, `cycle ${cycle}: running again`);
          if (blocker) {
            expect(v.ports.web).not.toBe(oldPort);
            portNote = `, port ${oldPort} taken -> ${v.ports.web}`;
          }
        } finally {
          blocker?.close();
        }
      }

      // The container is made from the new settings, on the same disk.
      const view = h.views.get(id)!;
      const info = (JSON.parse(await engine.docker('inspect', `porthole-${id}`)) as Inspected[])[0]!;
      expect(info.Id).toBe(view.status.containerId);
      expect(info.Config.Env).toEqual(expect.arrayContaining([`RAM_SIZE=${changes.ramGiB}G`, `CPU_CORES=${changes.cpuCores}`]));
      expect(info.HostConfig.Binds).toContain(`${machine.storageDir}:/storage`);
      changes.sharedFolders!.forEach((f, i) => expect(info.HostConfig.Binds).toContain(`${f.hostPath}:${['/shared', '/shared2', '/shared3'][i]}${f.readOnly ? ':ro' : ''}`));
      expect(info.HostConfig.Binds.some((b) => b.endsWith(':/custom.iso:ro'))).toBe(changes.customIso !== null);
      expect(info.HostConfig.PortBindings['8006/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(view.ports.web) }]);
      const disk = await stat(diskPath);
      expect(disk.ino).toBe(inode);
      expect(disk.size).toBe(64 * GIB);
      const shares = changes.sharedFolders!.map((f) => `${f.hostPath.slice(tmp.length + 1)}${f.readOnly ? ' ro' : ''}`).join(', ') || 'none';
      log(`cycle ${cycle}/${CYCLES}: ram ${changes.ramGiB}, cpu ${changes.cpuCores}, shared [${shares}], iso ${changes.customIso ? 'on' : 'off'}; ${how}${portNote}`);
    }

    await h.call('stopMachine', { id });
    await h.waitFor(id, down, 60_000, 'stopped at the end');
    expect(await readPattern(diskPath)).toEqual(sums);
    expect((await stat(diskPath)).ino).toBe(inode);
    log(`pattern intact after ${CYCLES} cycles, ${Math.round((Date.now() - started) / 1000)} s`);
  }, 600_000);
});
