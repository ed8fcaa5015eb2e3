// Issue 22 item 9: `porthole start ID & porthole rm ID`, two CLI processes on one configuration. A remove
// that ran between the start's checks and its container used to report "Removed" while the container kept
// running with no record; a new machine of the same name then took that container over. The built CLI
// (out/node/cli.js, `npm run build`) runs in child processes against the real engine and the stand-in image.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../api';
import { instanceId } from '../core/lifecycle/config-instance-id';
import { requireBuiltCli, runCli, type CliRun } from '../core/testing/cli';
import { docker } from '../core/testing/harness';

const image = inject('standinImage');

let root = '';
let env: NodeJS.ProcessEnv = {};
const configDir = (): string => join(root, 'config');

beforeAll(async () => {
  requireBuiltCli();
  root = await mkdtemp(join(tmpdir(), 'porthole-race-'));
  env = { ...process.env, PORTHOLE_CONFIG_DIR: join(root, 'config'), PORTHOLE_DATA_DIR: join(root, 'data') };
});

afterAll(async () => {
  if (!root) return;
  // Every container this configuration made, orphans included.
  const mine = await docker(
    'ps',
    '-aq',
    '--no-trunc',
    '--filter',
    `label=io.porthole.instance=${instanceId(configDir())}`,
  ).catch(() => '');
  if (mine) await docker('rm', '-f', ...mine.split('\n')).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

const porthole = (args: readonly string[]): Promise<CliRun> => runCli(args, env, 120_000);
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function create(name: string): Promise<string> {
  const run = await porthole([
    'create',
    '--name',
    name,
    '--image',
    image,
    '--ram',
    '2',
    '--cpus',
    '1',
    '--no-kvm',
    '--json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { id: string }).id;
}

/** The ids in machines.json now (what every process reads). */
async function recordIds(): Promise<string[]> {
  const text = await readFile(join(configDir(), 'machines.json'), 'utf8');
  return (JSON.parse(text) as { machines: Array<{ settings: { id: string } }> }).machines.map((m) => m.settings.id);
}

/** This configuration's containers labelled with machine `id`, with whether each runs. */
async function containersOf(id: string): Promise<Array<{ id: string; running: boolean }>> {
  const out = await docker(
    'ps',
    '-a',
    '--no-trunc',
    '--format',
    '{{.ID}} {{.State}}',
    '--filter',
    `label=io.porthole.machine=${id}`,
    '--filter',
    `label=io.porthole.instance=${instanceId(configDir())}`,
  );
  return out
    ? out.split('\n').map((line) => ({ id: line.split(' ')[0]!, running: line.split(' ')[1] === 'running' }))
    : [];
}

async function view(id: string): Promise<MachineView> {
  const run = await porthole(['machines', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const found = (JSON.parse(run.stdout) as MachineView[]).find((v) => v.id === id);
  if (!found) throw new Error(`porthole machines --json left out ${id}`);
  return found;
}

describe('porthole start and porthole rm of one machine at once (two CLI processes)', () => {
  it('never leave a container running without a record, and a new machine of that name takes nothing over', async () => {
    // The remove is sent at different moments of the start: before its checks, during them, around its create.
    for (const delay of [0, 150, 300, 500, 800]) {
      const name = 'Race';
      const id = await create(name);
      const [start, removed] = await Promise.all([
        porthole(['start', id]),
        sleep(delay).then(() => porthole(['rm', id])),
      ]);
      const records = await recordIds();
      const left = await containersOf(id);
      const round = `delay ${delay} ms: start exited ${String(start.code)} (${start.stderr.trim()}), rm exited ${String(removed.code)} (${removed.stdout.trim()}${removed.stderr.trim()})`;
      if (removed.code === 0) {
        expect(removed.stdout, round).toMatch(/Removed/);
        expect(records, round).not.toContain(id);
        // The remove stopped and removed whatever container ran the machine: nothing is left behind.
        expect(left, round).toEqual([]);
      } else {
        // A remove refused (the start held the machine too long) keeps the machine, with at most its own container.
        expect(records, round).toContain(id);
        expect(left.length, round).toBeLessThanOrEqual(1);
        await porthole(['rm', id]);
      }
      // Whatever happened, a machine made again under that name starts from nothing: no running container is its.
      const again = await create(name);
      const fresh = await view(again);
      expect(fresh.status.running, round).toBe(false);
      expect(fresh.status.containerId, round).toBeUndefined();
      const cleared = await porthole(['rm', again]);
      expect(cleared.code, cleared.stderr).toBe(0);
      expect(await containersOf(again)).toEqual([]);
    }
  });

  it('a container left by a machine whose record is gone is offered for adoption, never taken by a new machine of that name', async () => {
    const name = 'Orphaned';
    const id = await create(name);
    const start = await porthole(['start', id]);
    expect(start.code, start.stderr).toBe(0);
    const [container] = await containersOf(id);
    expect(container?.running).toBe(true);
    // The record goes without Porthole's remove (as the race above used to leave it, or a lost machines.json).
    const path = join(configDir(), 'machines.json');
    const file = JSON.parse(await readFile(path, 'utf8')) as { machines: Array<{ settings: { id: string } }> };
    await writeFile(path, JSON.stringify({ ...file, machines: file.machines.filter((m) => m.settings.id !== id) }));

    const again = await create(name);
    const fresh = await view(again);
    expect(fresh.status.running).toBe(false);
    expect(fresh.status.containerId).toBeUndefined();
    // Its start does not drive the other container: it refuses, saying which container holds the disk.
    if (again === id) {
      const refused = await porthole(['start', again]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/already uses .* as its Windows disk/);
    }
    const orphan = await containersOf(id);
    expect(orphan).toEqual([{ id: container!.id, running: true }]);
    // The way to it is the adoption flow: it is listed as Porthole's own container without a record.
    const adoptable = await porthole(['adoptable', '--json']);
    expect(adoptable.code, adoptable.stderr).toBe(0);
    expect(JSON.parse(adoptable.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ containerId: container!.id, porthole: true })]),
    );
    expect((await porthole(['rm', again])).code).toBe(0);
    // Removing the new machine leaves the container it never had alone.
    expect(await containersOf(id)).toEqual([{ id: container!.id, running: true }]);
    // Adopted, it is a machine again, and that machine's container is the one it was made for.
    const adopted = await porthole(['adopt', container!.id, '--json']);
    expect(adopted.code, adopted.stderr).toBe(0);
    const machine = (JSON.parse(adopted.stdout) as { machine: MachineView }).machine;
    expect(machine.id).toBe(id);
    const shown = await view(id);
    expect(shown.status).toMatchObject({ running: true, containerId: container!.id });
    expect((await porthole(['rm', id])).code).toBe(0);
    expect(await containersOf(id)).toEqual([]);
  });
});
