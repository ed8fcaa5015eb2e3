// Engine requests and CPU per idle minute of the web host (`node out/node/web.js`) with two machines
// running and the app open in Chromium (the machine list and one screen), beside a 1-second `inspect`
// poller of the same two containers (the baseline). Run with: npm run bench:engine-idle [-- --seconds 60]
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { ApiClient } from '../lib/api';
import { attachUi, type AttachedUi } from '../lib/browser';
import { removeContainers, startMachines } from '../lib/machines';
import { cpuSeconds, inotifyWatches, openSockets } from '../lib/proc';
import { startWebHost, type BenchWebHost, type TapEntry } from '../lib/web-host';
import { CountingProxy, type CountedRequest } from './counting-proxy';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    settle: { type: 'string', default: '15' },
    image: { type: 'string' },
    engine: { type: 'string', default: '/var/run/docker.sock' },
    // Mid-window, run one unlabelled container of an image that is not Windows (as other programs on a
    // shared engine do): Porthole must not answer it with a request. --no-foreign-start leaves it out.
    'no-foreign-start': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const settle = Number(values.settle);
const image = values.image ?? process.env.PORTHOLE_STANDIN_IMAGE;
if (!image) throw new Error('Give the stand-in image: --image <tag> (run.mjs builds it and passes it).');
if (!Number.isFinite(seconds) || seconds < 5) throw new Error('--seconds is a number of at least 5.');
if (!Number.isFinite(settle) || settle < 0) throw new Error('--settle is a number of seconds, 0 or more.');

/** The issue's target: no engine request at all, and under half a CPU second per idle minute. */
const TARGET = { requestsPerMinute: 0, cpuSecondsPerMinute: 0.5 };

const say = (text: string): void => void process.stderr.write(`engine-idle: ${text}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);
/** The bench's own foreign image: a second name for the stand-in image, so nothing is downloaded. */
const FOREIGN_IMAGE = 'porthole-bench/not-windows:idle';

/** Runs one short unlabelled container of FOREIGN_IMAGE to its end (docker CLI); answers its id. */
async function foreignStart(): Promise<string> {
  const { stdout } = await run('docker', ['run', '-d', '--entrypoint', 'true', FOREIGN_IMAGE]);
  const id = stdout.trim();
  await run('docker', ['wait', id]);
  await run('docker', ['rm', id]);
  return id;
}

function tally(keys: string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} × ${k}`).join(', ') || 'none';
}

const endpoint = (r: CountedRequest): string =>
  `${r.method} ${r.path.replace(/\/v[\d.]+\//, '/').replace(/[0-9a-f]{64}/g, '<id>')}${r.stream ? ' (stream)' : ''}`;

const USB_TICKED = { vendorId: '046d', productId: 'c52b', name: 'Logitech Unifying Receiver' };

/** Whether the web host watches /dev/bus/usb (inotify, by the folder's inode), or why it cannot. */
async function hotplugWatch(pid: number): Promise<string> {
  const bus = await stat('/dev/bus/usb').catch(() => null);
  if (!bus) return 'none: this computer has no /dev/bus/usb (no USB bus to watch)';
  const watched = (await inotifyWatches(pid)).has(bus.ino.toString(16));
  return watched ? 'open (inotify on /dev/bus/usb)' : 'NOT open (no inotify watch on /dev/bus/usb)';
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'porthole-bench-idle-'));
  const portholeProxy = await CountingProxy.listen(join(root, 'porthole.sock'), values.engine);
  const pollerProxy = await CountingProxy.listen(join(root, 'poller.sock'), values.engine);
  let host: BenchWebHost | undefined;
  let api: ApiClient | undefined;
  let ui: AttachedUi | undefined;
  let poller: ReturnType<typeof spawn> | undefined;
  const ids: string[] = [];
  try {
    host = await startWebHost({ DOCKER_HOST: portholeProxy.host });
    say(`web host up (pid ${host.pid}), DOCKER_HOST=${portholeProxy.host}`);
    api = await ApiClient.open(host.origin, host.token);
    // The second machine has a USB device ticked: while it runs, the hotplug (app/core/usb/hotplug.ts) follows it
    // and watches this computer's /dev/bus/usb, if it has one. Idle must stay idle with it.
    const machines = await startMachines(api, image!, 2, say, (i) => (i === 1 ? { usbDevices: [USB_TICKED] } : {}));
    ids.push(...machines.map((m) => m.id));
    const containers = machines.map((m) => m.status.containerId!).filter(Boolean);
    ui = await attachUi(host.origin, host.token, machines[0]!.name, machines[0]!.id);
    say("Chromium has the machine list and the first machine's screen open (connected)");
    poller = spawn(
      process.execPath,
      [resolve('bench', 'engine-idle', 'inspect-poller.mjs'), pollerProxy.path, ...containers],
      { stdio: 'inherit' },
    );
    await sleep(settle * 1000);

    // Idle means nothing happens to the machines: a state change in the window (someone else acting on
    // the shared engine) makes Porthole answer its event, and the report says so.
    const changes: string[] = [];
    const unsubscribe = api.subscribe((e) => {
      if (e.event === 'machineChanged' && ids.includes(e.payload.id))
        changes.push(`${e.payload.id} ${e.payload.status.phase}`);
      if (e.event === 'hostChanged' || e.event === 'engineChanged') changes.push(e.event);
    });
    // The engine is shared: another container starting answers on Porthole's event stream too (an
    // unlabelled container is inspected once, in case it runs a machine's storage by hand). The bench
    // watches the engine itself, beside Porthole, to tell those requests from idle ones.
    const others: { at: number; id: string; action: string }[] = [];
    const watch = (await new Docker({ socketPath: values.engine }).getEvents({
      filters: { type: ['container'] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    let pending = '';
    watch.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const e = JSON.parse(line) as { id?: string; Action?: string };
        if (e.id && !containers.includes(e.id))
          others.push({ at: Date.now(), id: e.id, action: (e.Action ?? '').split(':')[0]! });
      }
    });
    const foreign = !values['no-foreign-start'];
    if (foreign) await run('docker', ['tag', image!, FOREIGN_IMAGE]);
    say(`measuring ${seconds} s of idle...`);
    const before = {
      cpu: await cpuSeconds(host.pid),
      poller: await cpuSeconds(poller.pid!),
      sockets: await openSockets(host.pid),
      usage: await host.usage(),
    };
    const since = Date.now();
    let foreignId: string | undefined;
    if (foreign) {
      await sleep((seconds * 1000) / 2);
      foreignId = await foreignStart();
      say(`ran the unlabelled container ${foreignId.slice(0, 12)} of ${FOREIGN_IMAGE} in the window`);
      await sleep(Math.max(0, since + seconds * 1000 - Date.now()));
    } else {
      await sleep(seconds * 1000);
    }
    const until = Date.now();
    const usbWatch = await hotplugWatch(host.pid);
    const after = {
      cpu: await cpuSeconds(host.pid),
      poller: await cpuSeconds(poller.pid!),
      sockets: await openSockets(host.pid),
      usage: await host.usage(),
    };
    unsubscribe();
    watch.destroy();

    const inWindow = <T extends { at: number }>(list: T[]): T[] => list.filter((r) => r.at >= since && r.at < until);
    const requests = inWindow(portholeProxy.requests);
    const baseline = inWindow(pollerProxy.requests);
    const tapAll: TapEntry[] = await host.tap();
    const tap = inWindow(tapAll);
    // Connections to the counting proxy carry requests it has counted already; any other is a socket
    // Porthole reached around it (an engine probe, the keyring's bus, the network).
    const around = tap.filter(
      (t) => t.kind === 'spawn' || (t.kind === 'connect' && t.target !== `unix:${portholeProxy.path}`),
    );
    // Where each HTTP request of the window came from, for a request that should not be there.
    const callers = tap
      .filter((t) => t.kind === 'http')
      .map(
        (t) =>
          `  +${((t.at - since) / 1000).toFixed(1)} s ${t.target.replace(/[0-9a-f]{64}/g, '<id>')}\n      ${(t.stack ?? []).join('\n      ')}`,
      );
    const opened = [...after.sockets].filter((s) => !before.sockets.has(s)).length;
    const closed = [...before.sockets].filter((s) => !after.sockets.has(s)).length;
    const minutes = (until - since) / 60_000;
    const perMinute = (n: number): number => Number((n / minutes).toFixed(2));
    const portholeRequests = requests.length + around.length;
    // A request about a container someone else started or stopped in the window answers that event.
    const othersInWindow = others.filter((e) => e.at >= since && e.at < until);
    // The bench's own foreign container is not Windows: a request about it is held against the target.
    const answering = requests.filter((r) => othersInWindow.some((e) => e.id !== foreignId && r.path.includes(e.id)));
    const unexplained = portholeRequests - answering.length;
    // Every counted request of the window, one a line: when, what, and which other container's event it answers.
    const requestLog = [
      ...requests.map((r) => {
        const cause = othersInWindow.find((e) => e.id !== foreignId && r.path.includes(e.id));
        return {
          at: r.at,
          line: `+${((r.at - since) / 1000).toFixed(3)} s ${endpoint(r)}${cause ? ` (answers ${cause.action} of ${cause.id.slice(0, 12)} at +${((cause.at - since) / 1000).toFixed(3)} s)` : ' (UNEXPLAINED)'}`,
        };
      }),
      ...around.map((t) => ({
        at: t.at,
        line: `+${((t.at - since) / 1000).toFixed(3)} s ${t.kind} ${t.target} (UNEXPLAINED)`,
      })),
    ]
      .sort((x, y) => x.at - y.at)
      .map((r) => r.line);
    const cpu = Number(((after.cpu - before.cpu) / minutes).toFixed(3));
    const pollerCpu = Number(((after.poller - before.poller) / minutes).toFixed(3));
    const result = {
      seconds: Math.round((until - since) / 1000),
      machines: ids.length,
      ui: 'Chromium: machine list + one screen (connected)',
      usbTicked: `${ids[1]} has ${USB_TICKED.vendorId}:${USB_TICKED.productId} (${USB_TICKED.name}) ticked`,
      usbHotplugWatch: usbWatch,
      portholeRequestsPerMinute: perMinute(portholeRequests),
      baselineRequestsPerMinute: perMinute(baseline.length),
      requestRatio: baseline.length > 0 ? Number((portholeRequests / baseline.length).toFixed(4)) : null,
      portholeCpuSecondsPerMinute: cpu,
      portholeCpuSecondsPerMinuteSelfReported: Number(
        (
          (after.usage.cpu.user + after.usage.cpu.system - before.usage.cpu.user - before.usage.cpu.system) /
          1e6 /
          minutes
        ).toFixed(3),
      ),
      baselineCpuSecondsPerMinute: pollerCpu,
      cpuRatio: pollerCpu > 0 ? Number((cpu / pollerCpu).toFixed(4)) : null,
      engineRequests: tally(requests.map(endpoint)),
      streamsOpenedInWindow: requests.filter((r) => r.stream).length,
      streamsOpenedBeforeWindow: tally(portholeProxy.requests.filter((r) => r.stream && r.at < since).map(endpoint)),
      otherSocketsAndProcesses: tally(around.map((t) => `${t.kind} ${t.target}`)),
      // What the tap saw before the window (start-up, the host check's probes, creating and starting the
      // machines, the UI attaching): it shows the tap sees them.
      tapBeforeWindow: tally(
        tapAll
          .filter((t) => t.at < since && t.kind !== 'http')
          .map((t) => `${t.kind} ${t.target.replace(root, '<bench>')}`),
      ),
      socketsHeldOpen: { atStart: before.sockets.size, atEnd: after.sockets.size, opened, closed },
      baselineRequests: tally(baseline.map(endpoint)),
      changesDuringWindow: changes,
      otherContainersEvents: tally(othersInWindow.map((e) => e.action)),
      requestsAnsweringOtherContainers: answering.length,
      requestLog,
      foreignContainerStarted: foreignId
        ? `${foreignId.slice(0, 12)} (${FOREIGN_IMAGE}, unlabelled, mid-window)`
        : 'none (--no-foreign-start)',
      otherContainersInWindow: othersInWindow.map(
        (e) => `+${((e.at - since) / 1000).toFixed(3)} s ${e.action} ${e.id.slice(0, 12)}`,
      ),
      // Idle means no request but those answering other people's containers on the shared engine.
      targetMet: unexplained === TARGET.requestsPerMinute && cpu < TARGET.cpuSecondsPerMinute,
    };
    const pad = (v: number | null, d = 2): string => (v === null ? '-' : v.toFixed(d)).padStart(9);
    process.stdout.write(
      [
        '',
        `Idle, ${ids.length} machines running, Chromium on the list and one screen, ${result.seconds} s measured:`,
        `                                    requests/min   CPU s/min`,
        `  Porthole web host (engine events)   ${pad(result.portholeRequestsPerMinute)}   ${pad(cpu, 3)}`,
        `  baseline (1-second inspect poller)  ${pad(result.baselineRequestsPerMinute)}   ${pad(pollerCpu, 3)}`,
        `  ratio Porthole / baseline           ${pad(result.requestRatio, 4)}   ${pad(result.cpuRatio, 4)}`,
        `  USB: ${result.usbTicked}; the hotplug watch at the window's end: ${usbWatch}`,
        `  Porthole's engine requests: ${result.engineRequests}; streams opened in the window: ${result.streamsOpenedInWindow}`,
        `  other sockets connected and processes spawned: ${result.otherSocketsAndProcesses}`,
        `  sockets the web host holds: ${before.sockets.size} at the start, ${after.sockets.size} at the end (${opened} opened, ${closed} closed)`,
        `  streams it opened before the window: ${result.streamsOpenedBeforeWindow}`,
        `  sockets and processes before the window (the tap at work): ${result.tapBeforeWindow}`,
        `  baseline's requests: ${result.baselineRequests}`,
        ...(requestLog.length > 0
          ? ['  every request of the window (method, path, time):', ...requestLog.map((l) => `    ${l}`)]
          : []),
        ...(callers.length > 0 ? ['  where the HTTP requests of the window came from:', ...callers] : []),
        changes.length > 0
          ? `  NOT IDLE: ${changes.length} changes in the window (${changes.join(', ')}); Porthole's requests answer those events.`
          : '  the machines, the host and the engine stayed unchanged through the window',
        othersInWindow.length > 0
          ? `  NOT IDLE ENGINE: other containers on the shared engine: ${result.otherContainersEvents}; ${answering.length} of Porthole's requests answer those events (the target counts the other ${unexplained})`
          : '  no other container on the engine changed in the window',
        `  target (0 requests, < ${TARGET.cpuSecondsPerMinute} CPU s/min): ${result.targetMet ? 'MET' : 'MISSED'}`,
        '',
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
    await mkdir(resolve('out', 'bench'), { recursive: true });
    await writeFile(resolve('out', 'bench', 'engine-idle.json'), `${JSON.stringify(result, null, 2)}\n`);
    if (!result.targetMet) process.exitCode = 1;
  } finally {
    poller?.kill('SIGTERM');
    await ui?.close().catch(() => undefined);
    for (const id of ids) await api?.call('deleteMachine', { id, deleteDisk: true }).catch(() => undefined);
    api?.close();
    await host?.stop();
    await removeContainers(ids);
    await portholeProxy.close();
    await pollerProxy.close();
    await rm(root, { recursive: true, force: true });
    // Only the bench's own second name goes; the image stays under its own.
    await run('docker', ['rmi', FOREIGN_IMAGE]).catch(() => undefined);
  }
}

await main();
