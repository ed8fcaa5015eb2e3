// Engine requests per minute while idle: Porthole with two running machines, beside a 1-second
// `inspect` poller watching the same two containers (the baseline). Both go through counting proxies
// in front of the engine's socket. Run with: node bench/engine-idle/run.mjs [--seconds 60]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import type { MachineView } from '../../app/api';
import { createBackend, type Backend } from '../../app/core/backend';
import { CountingProxy, type CountedRequest } from './counting-proxy';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    image: { type: 'string' },
    engine: { type: 'string', default: '/var/run/docker.sock' },
  },
});
const seconds = Number(values.seconds);
const image = values.image ?? process.env.PORTHOLE_STANDIN_IMAGE;
if (!image) throw new Error('Give the stand-in image: --image <tag> (run.mjs builds it and passes it).');
if (!Number.isFinite(seconds) || seconds < 5) throw new Error('--seconds is a number of at least 5.');

const say = (text: string): void => void process.stderr.write(`engine-idle: ${text}\n`);

async function call<T>(backend: Backend, action: Parameters<Backend['invoke']>[0], request: unknown): Promise<T> {
  const result = await backend.invoke(action, request);
  if (!result.ok) throw new Error(`${String(action)}: ${result.error.message}`);
  return result.value as T;
}

/** Waits for every machine to reach `phase`, from the backend's own events. */
function allIn(backend: Backend, ids: string[], phase: MachineView['status']['phase'], timeoutMs: number): Promise<void> {
  const reached = new Set<string>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`machines not ${phase} after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const stop = backend.subscribe((e) => {
      if (e.event !== 'machineChanged' || !ids.includes(e.payload.id)) return;
      if (e.payload.status.phase === phase) reached.add(e.payload.id);
      if (reached.size === ids.length) {
        clearTimeout(timer);
        stop();
        resolve();
      }
    });
  });
}

function byEndpoint(requests: CountedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.method} ${r.path.replace(/\/v[\d.]+\//, '/').replace(/[0-9a-f]{64}/g, '<id>')}${r.stream ? ' (stream)' : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} × ${k}`).join(', ') || 'none';
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'porthole-bench-idle-'));
  const portholeProxy = await CountingProxy.listen(join(root, 'porthole.sock'), values.engine);
  const pollerProxy = await CountingProxy.listen(join(root, 'poller.sock'), values.engine);
  const env = { ...process.env, DOCKER_HOST: portholeProxy.host };
  // As the desktop app runs it: host watcher on.
  const backend = await createBackend({ configDir: join(root, 'config'), dataDir: join(root, 'data'), env });
  const ids: string[] = [];
  say(`backend up, engine ${(await call<{ connected: boolean }>(backend, 'engineStatus', {})).connected ? 'connected' : 'NOT connected'}`);
  try {
    // Unique names: two runs on one engine must not take over each other's containers.
    const run = Math.random().toString(36).slice(2, 7);
    for (const name of [`Idle bench ${run} A`, `Idle bench ${run} B`]) {
      const m = await call<MachineView>(backend, 'createMachine', { name, image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 });
      ids.push(m.id);
      say(`created ${m.id}`);
    }
    const ready = allIn(backend, ids, 'ready', 180_000);
    for (const id of ids) await call(backend, 'startMachine', { id });
    say('two machines starting (stand-in image, software emulation)...');
    await ready;
    const machines = await call<MachineView[]>(backend, 'listMachines', {});
    const containers = machines.map((m) => m.status.containerId!).filter(Boolean);
    await new Promise((r) => setTimeout(r, 2000));

    const streamsOpen = portholeProxy.requests.filter((r) => r.stream).length;
    say(`both ready; measuring ${seconds} s of idle...`);
    // Idle means nothing happens to the machines: a state change in the window (someone else acting on
    // the shared engine) makes Porthole answer its event, and the report says so.
    const changes: string[] = [];
    const unsubscribe = backend.subscribe((e) => {
      if (e.event === 'machineChanged') changes.push(`${e.payload.id} ${e.payload.status.phase}`);
    });
    const poller = new Docker({ socketPath: pollerProxy.path });
    const since = Date.now();
    const timer = setInterval(() => {
      for (const id of containers) void poller.getContainer(id).inspect().catch(() => undefined);
    }, 1000);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(timer);
    const until = Date.now();
    unsubscribe();

    const porthole = portholeProxy.since(since).filter((r) => r.at < until);
    const baseline = pollerProxy.since(since).filter((r) => r.at < until);
    const minutes = (until - since) / 60_000;
    const portholePerMin = porthole.length / minutes;
    const baselinePerMin = baseline.length / minutes;
    const result = {
      seconds: Math.round((until - since) / 1000),
      machines: ids.length,
      portholeRequestsPerMinute: Number(portholePerMin.toFixed(2)),
      baselineRequestsPerMinute: Number(baselinePerMin.toFixed(2)),
      ratio: Number((portholePerMin / baselinePerMin).toFixed(4)),
      portholeStreamsOpen: streamsOpen,
      machineChangesDuringWindow: changes.length,
      portholeRequests: byEndpoint(porthole),
      baselineRequests: byEndpoint(baseline),
    };
    process.stdout.write(
      [
        '',
        `Engine requests per minute while idle, ${ids.length} machines running, ${result.seconds} s measured:`,
        `  Porthole (engine events)         ${result.portholeRequestsPerMinute.toFixed(2).padStart(8)}   [${result.portholeRequests}]`,
        `  baseline (1-second inspect poll) ${result.baselineRequestsPerMinute.toFixed(2).padStart(8)}   [${result.baselineRequests}]`,
        `  ratio Porthole / baseline        ${result.ratio.toFixed(4).padStart(8)}`,
        `  long-lived streams Porthole keeps open (each counted once when opened): ${streamsOpen}`,
        changes.length > 0
          ? `  NOT IDLE: the machines changed state ${changes.length} times in the window (${changes.join(', ')}); Porthole's requests answer those events.`
          : '  the machines stayed unchanged through the window',
        '',
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
  } finally {
    for (const id of ids) await call(backend, 'deleteMachine', { id, deleteDisk: true }).catch(() => undefined);
    await backend.dispose();
    await portholeProxy.close();
    await pollerProxy.close();
    await rm(root, { recursive: true, force: true });
  }
}

await main();
