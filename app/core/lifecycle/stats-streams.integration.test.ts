// Live graphs against the real engine: a stand-in machine whose QEMU runs gives real CPU and memory
// numbers, one engine stats request serves every viewer, and it closes when the last viewer leaves.
import { execFile } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StatsSample } from '../../api';
import { followContainerStats } from '../engine/stats';
import { StatsStreams } from './stats-streams';

const execFileAsync = promisify(execFile);
const image = inject('standinImage');
const QUICK = [
  '-e',
  'KVM=N',
  '-e',
  'RAM_SIZE=2G',
  '-e',
  'CPU_CORES=1',
  '-e',
  'STANDIN_PREPARE_SECONDS=0',
  '-e',
  'STANDIN_INSTALL_SECONDS=0',
];

async function docker(args: string[], timeout = 60_000): Promise<string> {
  const { stdout } = await execFileAsync('docker', args, { timeout });
  return stdout.trim();
}

/** The container's log: the image writes it to standard error as well as out. */
async function containerLog(id: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync('docker', ['logs', id], { maxBuffer: 16 * 1024 * 1024 });
  return `${stdout}\n${stderr}`;
}

/**
 * A unix-socket proxy in front of the engine that counts the stats requests it passes on and how many
 * are still open: what the engine itself sees, whatever the client library does with its sockets.
 */
class StatsCountingProxy {
  opened = 0;
  open = 0;
  private readonly server: Server;
  constructor(readonly socketPath: string) {
    this.server = createServer((req, res) => {
      const isStats = /\/containers\/[^/]+\/stats$/.test((req.url ?? '').split('?')[0] ?? '');
      if (isStats) {
        this.opened++;
        this.open++;
        res.on('close', () => this.open--);
      }
      const upstream = request(
        { socketPath: '/var/run/docker.sock', method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.flushHeaders();
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
  }
  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('live stats of a running stand-in machine', () => {
  let container = '';
  let dir = '';
  let proxy: StatsCountingProxy;
  let hub: StatsStreams;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'porthole-stats-'));
    proxy = new StatsCountingProxy(path.join(dir, 'engine.sock'));
    await proxy.listen();
    const client = new Docker({ socketPath: proxy.socketPath });
    hub = new StatsStreams((id, onSample, onEnd) => followContainerStats(client, id, onSample, onEnd));
    container = await docker(['run', '-d', '--label', 'io.porthole.test=stats', ...QUICK, image]);
    // Numbers worth graphing come once QEMU runs.
    const deadline = Date.now() + 120_000;
    while (!(await containerLog(container)).includes('using QEMU')) {
      if (Date.now() > deadline) throw new Error('the stand-in did not start QEMU in 2 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  afterAll(async () => {
    hub?.dispose();
    if (container) await docker(['rm', '-f', '-v', container]).catch(() => '');
    await proxy?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives real, non-zero CPU and memory once a second, over one engine request for every viewer', async () => {
    const first: StatsSample[] = [];
    const second: StatsSample[] = [];
    const stopFirst = await hub.watch(container, { sample: (s) => first.push(s), end: () => undefined });
    const stopSecond = await hub.watch(container, { sample: (s) => second.push(s), end: () => undefined });
    await expect
      .poll(() => first.filter((s) => s.cpuPercent > 0).length, { timeout: 20_000, interval: 250 })
      .toBeGreaterThanOrEqual(3);
    expect(proxy.opened).toBe(1);
    expect(proxy.open).toBe(1);
    const last = first.at(-1)!;
    expect(last.memBytes).toBeGreaterThan(1024 * 1024);
    expect(last.memLimitBytes).toBeGreaterThan(last.memBytes);
    // About one a second, each later than the one before.
    for (let i = 1; i < first.length; i++) expect(first[i]!.t).toBeGreaterThan(first[i - 1]!.t);
    expect(second.length).toBeGreaterThanOrEqual(first.length - 1);

    stopFirst();
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.open).toBe(1);
    stopSecond();
    // The engine request itself is gone, not only the listener.
    await expect.poll(() => proxy.open, { timeout: 10_000, interval: 100 }).toBe(0);
    expect(hub.openCount).toBe(0);
    const count = first.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(first.length).toBe(count);
  });

  it('ends the viewers’ stream when the machine stops', async () => {
    const ends: unknown[] = [];
    const samples: StatsSample[] = [];
    await hub.watch(container, { sample: (s) => samples.push(s), end: (e) => ends.push(e ?? 'ended') });
    await expect.poll(() => samples.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await docker(['kill', container]);
    await expect.poll(() => ends.length, { timeout: 30_000 }).toBe(1);
    await expect.poll(() => proxy.open, { timeout: 10_000 }).toBe(0);
    expect(hub.openCount).toBe(0);
  });
});
