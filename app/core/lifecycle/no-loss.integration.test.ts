import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineChanges, MachineView, SharedFolder } from '../../api';
import {
  closeServer,
  nextEngineEvent,
  occupy,
  PortholeProcess,
  readPattern,
  seededRandom,
  shuffled,
  SmallFs,
  writePattern,
  type Region,
} from '../testing/faults';
import { Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { program } from '../testing/processes';

const standin = inject('standinImage');
const testIso = inject('testIso');

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** Where the known pattern goes in data.img: the first sectors, the middle, the very end of a 64 GB disk. */
const REGIONS: Region[] = [
  { offset: 0, length: 4 * MIB },
  { offset: 5 * GIB + 123 * 4096, length: 6 * MIB },
  { offset: 31 * GIB, length: 3 * MIB },
  { offset: 64 * GIB - 4 * MIB, length: 4 * MIB },
];
/** The machine's storage file system: room for the pattern (17 MiB) and the image's own files, then full. */
const STORAGE_FS_MIB = 48;

const FAULTS = [
  'apply',
  'container-kill',
  'engine-restart',
  'porthole-kill',
  'full-fs',
  'corrupt-settings',
  'port-taken',
] as const;
type Fault = (typeof FAULTS)[number];
/**
 * Each fault's share of the cycles (out of 100). Engine restarts are the slowest (dockerd stops its
 * containers and starts again), so they are fewest; the whole matrix stays within ~6 minutes on 2 cores.
 */
const SHARE: Record<Fault, number> = {
  apply: 14,
  'container-kill': 14,
  'engine-restart': 8,
  'porthole-kill': 18,
  'full-fs': 12,
  'corrupt-settings': 16,
  'port-taken': 18,
};
const CORRUPTIONS = ['garbage', 'null', 'empty object', 'truncated'] as const;

/**
 * The seeded order of faults: every fault its share of `cycles` (at least one), the rest plain
 * applies, shuffled. PORTHOLE_FAULTS (comma-separated) keeps only some faults, to chase one of them.
 */
function schedule(cycles: number, faults: readonly Fault[], next: () => number): Fault[] {
  const total = faults.reduce((n, f) => n + SHARE[f], 0);
  const list = faults.flatMap((f) => Array<Fault>(Math.max(1, Math.floor((SHARE[f] * cycles) / total))).fill(f));
  while (list.length < cycles) list.push(faults[list.length % faults.length]!);
  return shuffled(list.slice(0, cycles), next);
}

interface Inspected {
  Id: string;
  State: { Running: boolean };
  Config: { Env: string[] };
  HostConfig: { Binds: string[]; PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
}

/** Up with its screen: booting, installing or ready, or running from the test ISO (a cycle that sets it starts a new install from it). */
const running = (v: MachineView): boolean =>
  v.status.running &&
  v.status.screenReady &&
  ['booting', 'installing', 'ready', 'running-iso'].includes(v.status.phase);
const down = (v: MachineView): boolean => !v.status.running && ['stopped', 'failed'].includes(v.status.phase);
/** Down, or never started: a Porthole killed mid-apply can leave the new container created but not started, or none. */
const idle = (v: MachineView): boolean =>
  !v.status.running && ['stopped', 'failed', 'created', 'absent'].includes(v.status.phase);

/**
 * Never losing the disk or a record: a known pattern in data.img and every machine record survive
 * a seeded matrix of faults (PORTHOLE_NO_LOSS_CYCLES, 100 by default): settings applied by
 * recreating the container, the container SIGKILLed, the engine restarted (SIGTERM and SIGKILL, on a
 * private engine), Porthole itself SIGKILLed in the middle of an apply, the storage file system
 * full, machines.json corrupted, the machine's host port taken. PORTHOLE_NO_LOSS_SEED replays a run.
 */
describe('no loss of the Windows disk or a record', () => {
  let engine: PrivateEngine | undefined;
  let h: Harness | undefined;
  let small: SmallFs | undefined;
  let tmp: string | undefined;
  const ids: string[] = [];
  const cli = resolve('out/node/cli.js');

  beforeAll(async () => {
    // The CLI under test is the one built from this tree (npm test builds it too; this takes 0.5 s).
    await program(process.execPath, ['scripts/build-node.mjs']);
    engine = await PrivateEngine.start({ image: standin });
    h = await Harness.create(engine.env());
    tmp = await mkdtemp(join(tmpdir(), 'porthole-noloss-'));
    small = await SmallFs.mount(join(tmp, 'storage-fs'), STORAGE_FS_MIB);
  });
  afterAll(async () => {
    // Each step on its own: the file system is unmounted and the engine stopped even if one fails.
    await small?.free().catch(() => undefined);
    await h?.cleanup(ids).catch(() => undefined);
    await engine?.dispose().catch(() => undefined);
    await small
      ?.unmount()
      .catch((err: unknown) => process.stderr.write(`could not unmount ${small?.path}: ${String(err)}\n`));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const cycles = Number(process.env.PORTHOLE_NO_LOSS_CYCLES ?? 100);
  it(`keeps data.img and every record through ${cycles} cycles of faults`, async () => {
    const hh = h!;
    const eng = engine!;
    const fs = small!;
    const started = Date.now();
    const seed = Number(process.env.PORTHOLE_NO_LOSS_SEED ?? Date.now() % 2 ** 31);
    const rand = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const log = (text: string): void => void process.stdout.write(`[no-loss seed ${seed}] ${text}\n`);
    const only = process.env.PORTHOLE_FAULTS?.split(',').map((f) => f.trim()) ?? [];
    const unknown = only.filter((f) => !(FAULTS as readonly string[]).includes(f));
    if (unknown.length > 0)
      throw new Error(`PORTHOLE_FAULTS: no such fault ${unknown.join(', ')}; the faults are ${FAULTS.join(', ')}`);
    const faults = only.length > 0 ? FAULTS.filter((f) => only.includes(f)) : FAULTS;
    const plan = schedule(cycles, faults, rand);
    log(`start: ${cycles} cycles of ${faults.join(', ')} (replay with PORTHOLE_NO_LOSS_SEED=${seed})`);

    const folders = ['one', 'two', 'three'].map((name) => join(tmp!, name));
    for (const folder of folders) await mkdir(folder);
    // The machine under test keeps its storage on the small file system; two more records stand by.
    let machine = await hh.call('createMachine', {
      name: uniqueName('NoLoss'),
      image: standin,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      storageDir: join(fs.path, 'win'),
    });
    const id = machine.id;
    ids.push(id);
    for (const name of ['Spare A', 'Spare B'])
      ids.push(
        (
          await hh.call('createMachine', {
            name: uniqueName(name),
            image: standin,
            kvm: false,
            ramGiB: 2,
            cpuCores: 1,
            diskGiB: 64,
          })
        ).id,
      );
    const diskPath = join(machine.storageDir, 'data.img');
    const storePath = join(hh.configDir, 'machines.json');

    // The install (simulated), then the pattern, written while the machine is stopped.
    await hh.call('startMachine', { id });
    await hh.waitFor(id, (v) => v.status.phase === 'ready', 120_000, 'installed');
    await hh.call('stopMachine', { id });
    await hh.waitFor(id, down, 60_000, 'stopped');
    const inode = (await stat(diskPath)).ino;
    const sums = await writePattern(diskPath, REGIONS, rand);
    log(
      `pattern written: ${REGIONS.length} regions, ${REGIONS.reduce((n, r) => n + r.length, 0) / MIB} MiB, on a ${STORAGE_FS_MIB} MiB tmpfs`,
    );
    await hh.call('startMachine', { id });
    await hh.waitFor(id, running, 60_000, 'running');

    // One complete `porthole apply` as its own process, timed: the kills below land anywhere within it
    // (the process starting, reconciling, stopping the old container, creating or starting the new one).
    await hh.shutdown();
    const calibration = PortholeProcess.run(cli, ['apply', id], {
      configDir: hh.configDir,
      dataDir: hh.dataDir,
      dockerHost: eng.host,
    });
    const calibrationStart = Date.now();
    await calibration.done;
    const applyMs = Date.now() - calibrationStart;
    expect(calibration.exitCode, `porthole apply: ${calibration.log}`).toBe(0);
    await hh.boot();
    await hh.waitFor(id, running, 60_000, 'running after porthole apply');
    log(`porthole apply as a process takes ${applyMs} ms`);

    /** What every record must still say: the settings each cycle set (the others never change). */
    const expected = new Map((await hh.call('listMachines', {})).map((v) => [v.id, v] as const));

    const inspect = async (containerId: string | undefined): Promise<Inspected | undefined> => {
      if (!containerId) return undefined;
      const out = await eng.docker('inspect', containerId).catch(() => '[]');
      return (JSON.parse(out) as Inspected[])[0];
    };
    /** How the machine's container differs from its settings (nothing: it was made from them, on the same disk). */
    const mismatches = (info: Inspected | undefined, view: MachineView): string[] => {
      if (!info) return ['no container'];
      const want = expected.get(id)!;
      const problems: string[] = [];
      if (info.Id !== view.status.containerId)
        problems.push(`container ${info.Id} is not the status's ${view.status.containerId}`);
      for (const env of [`RAM_SIZE=${want.ramGiB}G`, `CPU_CORES=${want.cpuCores}`])
        if (!info.Config.Env.includes(env)) problems.push(`no ${env}`);
      const binds = info.HostConfig.Binds;
      if (!binds.includes(`${machine.storageDir}:/storage`)) problems.push('storage not bound');
      const shares = want.sharedFolders.map(
        (f, i) => `${f.hostPath}:${['/shared', '/shared2', '/shared3'][i]}${f.readOnly ? ':ro' : ''}`,
      );
      const bound = binds.filter((b) => /:\/shared[23]?(:ro)?$/.test(b));
      if (JSON.stringify(bound.sort()) !== JSON.stringify([...shares].sort()))
        problems.push(`shared folders ${bound.join(' ')}, not ${shares.join(' ')}`);
      if (binds.some((b) => b.endsWith(':/custom.iso:ro')) !== (want.customIso !== null))
        problems.push('custom ISO mount differs');
      const web = JSON.stringify(info.HostConfig.PortBindings['8006/tcp']);
      if (web !== JSON.stringify([{ HostIp: '127.0.0.1', HostPort: String(view.ports.web) }]))
        problems.push(`web port ${web}, not ${view.ports.web}`);
      return problems;
    };
    const startAndWait = async (what: string): Promise<MachineView> => {
      await hh.call('startMachine', { id });
      return hh.waitFor(id, running, 120_000, what);
    };
    /**
     * After Porthole itself was gone (killed, or its settings file broken): the next Porthole finds
     * the machine, reconciles, and brings it up on its current settings. The dead process may have
     * left the old container running, stopping, removed, or the new one created but not started.
     */
    const recover = async (): Promise<string> => {
      const steps: string[] = [];
      for (let attempt = 1; attempt <= 4; attempt++) {
        const v = await hh.waitFor(
          id,
          (x) => running(x) || idle(x),
          120_000,
          `recovery (attempt ${attempt}): a settled state`,
        );
        if (idle(v)) {
          steps.push(`start (${v.status.phase})`);
          await startAndWait(`recovery: running again after a start`);
          continue;
        }
        if (mismatches(await inspect(v.status.containerId), v).length === 0) return steps.join(', ') || 'found running';
        // The old container: the apply never got as far as replacing it. Apply again, as a person would.
        steps.push('apply');
        await hh.call('applyMachine', { id });
        // Up on the new container, or (when the old one had stopped meanwhile) the new one made but not started.
        const fresh = (x: MachineView): boolean =>
          x.status.containerId !== undefined && x.status.containerId !== v.status.containerId;
        await hh.waitFor(id, (x) => fresh(x) && (running(x) || idle(x)), 120_000, 'recovery: recreated');
      }
      throw new Error(`the machine did not come back on its settings after ${steps.join(', ')}`);
    };
    /** Every record through the backend (a fresh one after a Porthole kill or a corrupted file) and in the file. */
    const expectRecords = async (): Promise<void> => {
      const listed = new Map((await hh.call('listMachines', {})).map((v) => [v.id, v] as const));
      for (const [rid, want] of expected) {
        const got = listed.get(rid);
        expect(got, `record ${rid} listed`).toBeDefined();
        const { status: _s, ...wantSettings } = want;
        const { status: _g, ...gotSettings } = got!;
        expect({ ...gotSettings, ports: undefined }, `record ${rid}`).toEqual({ ...wantSettings, ports: undefined });
      }
      const file = JSON.parse(await readFile(storePath, 'utf8')) as { machines: Array<{ settings: { id: string } }> };
      expect(file.machines.map((m) => m.settings.id).sort()).toEqual([...expected.keys()].sort());
    };
    const expectDisk = async (): Promise<void> => {
      const disk = await stat(diskPath);
      expect(disk.ino, 'data.img is the same file').toBe(inode);
      expect(disk.size, 'data.img keeps its size').toBe(64 * GIB);
      expect(await readPattern(diskPath, REGIONS), 'the pattern in data.img').toEqual(sums);
    };

    const counts = new Map<string, number>();
    let engineRestarts = 0;
    for (let cycle = 1; cycle <= cycles; cycle++) {
      const fault = plan[cycle - 1]!;
      const cycleStart = Date.now();
      let note = '';
      try {
        // New settings for the next container (a corrupted-file cycle keeps them: no Porthole runs to apply them).
        if (fault !== 'corrupt-settings') {
          const changes: MachineChanges = {
            ramGiB: pick([2, 3]),
            cpuCores: pick([1, 2]),
            sharedFolders: folders
              .filter(() => rand() < 0.5)
              .map((hostPath): SharedFolder => ({ hostPath, readOnly: rand() < 0.5 })),
            customIso: rand() < 0.4 ? testIso : null,
          };
          const { machine: updated } = await hh.call('updateMachine', { id, changes });
          expected.set(id, updated);
          machine = updated;
        }

        switch (fault) {
          case 'apply': {
            const before = hh.views.get(id)!.status.containerId;
            await hh.call('applyMachine', { id });
            await hh.waitFor(id, (v) => running(v) && v.status.containerId !== before, 120_000, 'recreated');
            break;
          }
          case 'container-kill': {
            await eng.docker('kill', '-s', 'KILL', hh.views.get(id)!.status.containerId!);
            await hh.waitFor(id, down, 60_000, 'down after the kill');
            await startAndWait('running again');
            break;
          }
          case 'engine-restart': {
            // Alternately a clean stop of dockerd and a crash.
            const signal = engineRestarts++ % 2 === 1 ? 'SIGKILL' : 'SIGTERM';
            note = signal;
            await eng.restartDaemon(signal);
            await hh.waitForEngine(true, 60_000);
            await hh.waitFor(id, down, 60_000, 'down after the engine restart');
            await startAndWait('running again');
            break;
          }
          case 'porthole-kill': {
            // Porthole as its own process (this test's backend stopped: one Porthole at a time),
            // killed with SIGKILL at a random point of `porthole apply`.
            await hh.shutdown();
            // The kill point: a random moment within a whole apply, or just as the engine reports one of
            // its steps (the old container told to stop, dead, removed; the new one created, started).
            const point = pick(['time', 'time', 'kill', 'die', 'destroy', 'create', 'start'] as const);
            const watcher =
              point === 'time' ? undefined : nextEngineEvent(eng.host, `io.porthole.machine=${id}`, point);
            const proc = PortholeProcess.run(cli, ['apply', id], {
              configDir: hh.configDir,
              dataDir: hh.dataDir,
              dockerHost: eng.host,
            });
            const after = Math.round(rand() * applyMs);
            try {
              await Promise.race([proc.done, watcher ? watcher.event : new Promise((r) => setTimeout(r, after))]);
            } finally {
              watcher?.stop();
            }
            const killed = await proc.kill();
            if (!killed && proc.exitCode !== 0)
              throw new Error(`porthole apply failed by itself (exit ${proc.exitCode}): ${proc.log}`);
            await hh.boot();
            await hh.waitForEngine(true, 60_000);
            const at = point === 'time' ? `after ${after} ms` : `at the engine's ${point} event`;
            note = `${killed ? `killed ${at}` : `finished before the kill ${at}`}; next Porthole: ${await recover()}`;
            break;
          }
          case 'full-fs': {
            const whileRunning = rand() < 0.5;
            if (!whileRunning) {
              await hh.call('stopMachine', { id });
              await hh.waitFor(id, down, 60_000, 'stopped before filling');
            }
            await fs.fill();
            expect(await fs.freeBytes(), 'the storage file system is full').toBeLessThan(64 * 1024);
            // Porthole reports the space left where the machine is stored.
            const report = await hh.call('creationDefaults', { storageDir: machine.storageDir });
            expect(report.freeDiskBytes, 'free space Porthole reports').toBeLessThan(MIB);
            if (whileRunning) {
              await hh.call('stopMachine', { id });
              await hh.waitFor(id, down, 60_000, 'stopped on a full file system');
            }
            // A start on the full file system: it runs, or it fails and says why; the disk is untouched either way.
            const mark = hh.mark(id);
            let outcome: string;
            try {
              await hh.call('startMachine', { id });
              const v = await hh.waitFor(
                id,
                (x) => running(x) || (x.status.phase === 'failed' && hh.mark(id) > mark),
                120_000,
                'a start on a full file system',
              );
              outcome = running(v) ? 'ran' : `failed: ${v.status.failure?.cause ?? v.status.message ?? ''}`;
              if (!running(v))
                expect(v.status.failure?.cause ?? v.status.message ?? '', 'the failure says why').not.toBe('');
            } catch (err) {
              outcome = `refused: ${err instanceof Error ? err.message : String(err)}`;
              expect(err instanceof Error && err.message.length > 0, 'the refusal says why').toBe(true);
            }
            await expectDisk();
            await fs.free();
            if (!running(hh.views.get(id)!)) await startAndWait('running after the space was freed');
            note = `${whileRunning ? 'filled while running' : 'filled while stopped'}, start ${outcome}`;
            break;
          }
          case 'corrupt-settings': {
            // While no Porthole runs, machines.json is broken; the next Porthole has every record.
            const corruption = pick(CORRUPTIONS);
            note = corruption;
            await hh.shutdown();
            const good = await readFile(storePath, 'utf8');
            const content = {
              garbage: `\u0000\u00ff${Math.random().toString(36)}{{{not json`,
              null: 'null',
              'empty object': '{}',
              truncated: good.slice(0, Math.floor(good.length / 2)),
            }[corruption];
            await writeFile(storePath, content);
            await hh.boot();
            await hh.waitForEngine(true, 60_000);
            await expectRecords();
            expect(
              (await readdir(hh.configDir)).some((f) => f.startsWith('machines.json.unreadable-')),
              'the unreadable file is kept aside',
            ).toBe(true);
            note += `; next Porthole: ${await recover()}`;
            break;
          }
          case 'port-taken': {
            await eng.docker('kill', '-s', 'KILL', hh.views.get(id)!.status.containerId!);
            await hh.waitFor(id, down, 60_000, 'down before the port is taken');
            const which = pick(['web', 'rdp'] as const);
            const oldPort = hh.views.get(id)!.ports[which];
            const blocker: Server = await occupy(oldPort);
            try {
              const v = await startAndWait('running on another port');
              expect(v.ports[which], `the ${which} port was chosen again`).not.toBe(oldPort);
              note = `${which} port ${oldPort} taken -> ${v.ports[which]}`;
            } finally {
              await closeServer(blocker);
            }
            break;
          }
        }

        // After every cycle: the container is made from the settings, on the same disk, with every record.
        const view = hh.views.get(id)!;
        expect(running(view), 'running at the end of the cycle').toBe(true);
        expect(mismatches(await inspect(view.status.containerId), view)).toEqual([]);
        expected.set(id, view);
        await expectDisk();
        await expectRecords();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(
          `cycle ${cycle}/${cycles}, fault "${fault}"${note ? ` (${note})` : ''}: ${message}\nReplay with PORTHOLE_NO_LOSS_SEED=${seed}` +
            (only.length > 0 ? ` PORTHOLE_FAULTS=${only.join(',')}` : ''),
          { cause: err },
        );
      }
      counts.set(fault, (counts.get(fault) ?? 0) + 1);
      log(
        `cycle ${cycle}/${cycles}: ${fault}${note ? ` (${note})` : ''}; ${((Date.now() - cycleStart) / 1000).toFixed(1)} s`,
      );
    }

    await hh.call('stopMachine', { id });
    await hh.waitFor(id, down, 60_000, 'stopped at the end');
    await expectDisk();
    await expectRecords();
    const perFault = [...counts].map(([f, n]) => `${f} ${n}`).join(', ');
    log(
      `data.img and ${expected.size} records intact after ${cycles} cycles (${perFault}) in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }, 900_000);
});
