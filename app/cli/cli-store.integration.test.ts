// Many `porthole` processes on one config at once: the built CLI (out/node/cli.js, made by
// `npm run build:node`) in real OS child processes, against this machine's Docker engine,
// on empty temporary config and data dirs. No record may be lost, no name or id doubled.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuiltCli, runCli, type CliRun } from '../core/testing/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineViewSchema, type MachineView } from '../api';
import { MachineStore, type ExternalChange } from '../core/store/machine-store';

const N = 10;

let root = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  requireBuiltCli();
  root = await mkdtemp(join(tmpdir(), 'porthole-cli-store-'));
  env = { ...process.env, PORTHOLE_CONFIG_DIR: join(root, 'config'), PORTHOLE_DATA_DIR: join(root, 'data') };
  delete env.DOCKER_HOST;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const porthole = (args: string[]): Promise<CliRun> => runCli(args, env);

async function machines(): Promise<MachineView[]> {
  const run = await porthole(['machines', '--json']);
  expect(run.code).toBe(0);
  return machineViewSchema.array().parse(JSON.parse(run.stdout));
}

describe('porthole create, many at once', () => {
  it(`${N} processes creating machines at once keep all ${N}, with distinct ids, names and ports`, async () => {
    // One slug for all, so every process computes the same first id: only the lock keeps them apart.
    const names = Array.from({ length: N }, (_, i) => `Racer${' '.repeat(i % 3)}${i === 0 ? '' : `!${'.'.repeat(i)}`}`);
    const runs = await Promise.all(names.map((name) => porthole(['create', '--name', name, '--json'])));
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    const created = runs.map((r) => machineViewSchema.parse(JSON.parse(r.stdout)));
    const listed = await machines();
    expect(listed.map((m) => m.id).sort()).toEqual(created.map((m) => m.id).sort());
    expect(new Set(listed.map((m) => m.id)).size).toBe(N);
    expect(listed.map((m) => m.name).sort()).toEqual([...names].sort());
    const ports = listed.flatMap((m) => [m.ports.web, m.ports.rdp]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('processes creating one name at once: one machine, every other told the name is taken', async () => {
    const runs = await Promise.all(Array.from({ length: 5 }, () => porthole(['create', '--name', 'Twin'])));
    expect(runs.filter((r) => r.code === 0)).toHaveLength(1);
    for (const run of runs.filter((r) => r.code !== 0))
      expect(run.stderr).toContain('Another machine is already called “Twin”');
    expect((await machines()).filter((m) => m.name === 'Twin')).toHaveLength(1);
  });

  it('a watching store (as the app and the web host have) sees a machine a CLI process made within a second', async () => {
    const store = new MachineStore(join(root, 'config'));
    await store.load();
    let seen: (change: ExternalChange) => void = () => undefined;
    const change = new Promise<ExternalChange>((resolve) => (seen = resolve));
    const stop = store.watch((c) => seen(c));
    try {
      await new Promise((r) => setTimeout(r, 200)); // the watch is up
      const run = await porthole(['create', '--name', 'Watched', '--json']);
      const exited = Date.now();
      expect(run.code).toBe(0);
      const got = await change;
      expect(Date.now() - exited).toBeLessThan(1_000);
      expect(got.changed.map((r) => r.settings.name)).toEqual(['Watched']);
      expect(store.list().map((r) => r.settings.name)).toContain('Watched');
    } finally {
      stop();
    }
  });

  it('a corrupted machines.json: the next run has every machine back from the last good copy, the bad file kept aside', async () => {
    const before = (await machines()).map((m) => m.id).sort();
    const file = join(root, 'config', 'machines.json');
    await writeFile(file, '{"foo":1}');
    const run = await porthole(['machines', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /could not be read .* kept as .*machines\.json\.unreadable-\d+, and the \d+ machines of the last good copy/,
    );
    expect(
      machineViewSchema
        .array()
        .parse(JSON.parse(run.stdout))
        .map((m) => m.id)
        .sort(),
    ).toEqual(before);
    const aside = (await readdir(join(root, 'config'))).filter((f) => f.startsWith('machines.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(root, 'config', aside[0]!), 'utf8')).toBe('{"foo":1}');
  });
});
