// Resident memory of the web host (`node out/node/web.js`) with three machines running and the app open
// in Chromium (the machine list and one screen), against the target of 80 MB, beside the floor: a bare
// Node process holding a dockerode client, the event stream and a followed log per machine.
// Run with: npm run bench:memory [-- --settle 20]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../lib/api';
import { attachUi, type AttachedUi } from '../lib/browser';
import { removeContainers, startMachines } from '../lib/machines';
import { rss } from '../lib/proc';
import { startWebHost, type BenchWebHost, type HostUsage } from '../lib/web-host';

const { values } = parseArgs({
  options: {
    settle: { type: 'string', default: '20' },
    image: { type: 'string' },
    engine: { type: 'string', default: '/var/run/docker.sock' },
  },
});
const settle = Number(values.settle);
const image = values.image ?? process.env.PORTHOLE_STANDIN_IMAGE;
if (!image) throw new Error('Give the stand-in image: --image <tag> (run.mjs builds it and passes it).');
if (!Number.isFinite(settle) || settle < 0) throw new Error('--settle is a number of seconds, 0 or more.');

/** The target for the web host's resident memory, in MB (10^6 bytes, as the figures are printed). */
const TARGET_MB = 80;
const MACHINES = 3;
/** RSS is read this many times, a second apart, after the settle time; the report gives the largest. */
const SAMPLES = 10;

const say = (text: string): void => void process.stderr.write(`memory: ${text}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number): number => Number((bytes / 1e6).toFixed(1));

/** The largest RSS of SAMPLES readings a second apart, and the peak the kernel saw (VmHWM). */
async function measure(pid: number): Promise<{ rss: number; peak: number }> {
  let most = 0;
  let peak = 0;
  for (let i = 0; i < SAMPLES; i += 1) {
    const now = await rss(pid);
    most = Math.max(most, now.rss);
    peak = now.peak;
    await sleep(1000);
  }
  return { rss: most, peak };
}

async function main(): Promise<void> {
  let host: BenchWebHost | undefined;
  let api: ApiClient | undefined;
  let ui: AttachedUi | undefined;
  let floor: ChildProcess | undefined;
  const ids: string[] = [];
  try {
    host = await startWebHost({ DOCKER_HOST: `unix://${values.engine}` });
    say(`web host up (pid ${host.pid})`);
    api = await ApiClient.open(host.origin, host.token);
    const machines = await startMachines(api, image!, MACHINES, say);
    ids.push(...machines.map((m) => m.id));
    ui = await attachUi(host.origin, host.token, machines[0]!.name, machines[0]!.id);
    say("Chromium has the machine list and the first machine's screen open (connected)");
    // The benchmark's own connection is one more client than the UI: it leaves before the measure.
    api.close();
    api = undefined;
    const containers = machines.map((m) => m.status.containerId!).filter(Boolean);
    floor = spawn(process.execPath, [resolve('bench', 'memory', 'floor.mjs'), values.engine, ...containers], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((done, fail) => {
      floor!.stdout!.once('data', () => done());
      floor!.once('exit', (code) => fail(new Error(`the floor process exited with ${code}`)));
    });
    say(`settling ${settle} s, then reading RSS ${SAMPLES} times...`);
    await sleep(settle * 1000);
    const [portholeRss, floorRss] = await Promise.all([measure(host.pid), measure(floor.pid!)]);
    const usage: HostUsage = await host.usage();
    const result = {
      machines: MACHINES,
      ui: 'Chromium: machine list + one screen (connected)',
      portholeRssMB: mb(portholeRss.rss),
      portholePeakRssMB: mb(portholeRss.peak),
      targetMB: TARGET_MB,
      ratioToTarget: Number((portholeRss.rss / 1e6 / TARGET_MB).toFixed(3)),
      floorRssMB: mb(floorRss.rss),
      ratioToFloor: Number((portholeRss.rss / floorRss.rss).toFixed(3)),
      portholeAboveFloorMB: mb(portholeRss.rss - floorRss.rss),
      portholeHeapUsedMB: mb(usage.memory.heapUsed),
      portholeHeapTotalMB: mb(usage.memory.heapTotal),
      portholeExternalMB: mb(usage.memory.external),
      portholeArrayBuffersMB: mb(usage.memory.arrayBuffers),
      targetMet: portholeRss.rss / 1e6 <= TARGET_MB,
    };
    const row = (name: string, value: number, ratio: string): string =>
      `  ${name.padEnd(44)}${value.toFixed(1).padStart(8)}   ${ratio}`;
    process.stdout.write(
      [
        '',
        `Resident memory, ${MACHINES} machines running, Chromium on the list and one screen (largest of ${SAMPLES} readings):`,
        `                                                  RSS MB`,
        row(
          'Porthole web host',
          result.portholeRssMB,
          `peak ${result.portholePeakRssMB.toFixed(1)}; heap used ${result.portholeHeapUsedMB} of ${result.portholeHeapTotalMB}, external ${result.portholeExternalMB}`,
        ),
        row('target', TARGET_MB, `ratio Porthole / target ${result.ratioToTarget.toFixed(3)}`),
        row(
          'floor (node + dockerode + events + 3 logs)',
          result.floorRssMB,
          `ratio Porthole / floor ${result.ratioToFloor.toFixed(3)}`,
        ),
        `  target (<= ${TARGET_MB} MB): ${result.targetMet ? 'MET' : 'MISSED'}`,
        '',
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
    await mkdir(resolve('out', 'bench'), { recursive: true });
    await writeFile(resolve('out', 'bench', 'memory.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (!result.targetMet) process.exitCode = 1;
  } finally {
    floor?.kill('SIGTERM');
    await ui?.close().catch(() => undefined);
    if (host && ids.length > 0) {
      const cleaner = await ApiClient.open(host.origin, host.token).catch(() => undefined);
      for (const id of ids) await cleaner?.call('deleteMachine', { id, deleteDisk: true }).catch(() => undefined);
      cleaner?.close();
    }
    api?.close();
    await host?.stop();
    await removeContainers(ids);
  }
}

await main();
