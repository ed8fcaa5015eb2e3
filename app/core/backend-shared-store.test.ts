// Two Porthole processes on one config, played by two real backends (and a bare store) on one temp folder.
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineView } from '../api';
import { createBackend, type Backend, type BackendEvent } from './backend';
import { MachineStore } from './store/machine-store';

const deadEngine = { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' };

describe('one machine file, many backends', () => {
  let configDir: string;
  let dataDir: string;
  const backends: Backend[] = [];
  const open = async (watch: boolean): Promise<Backend> => {
    const backend = await createBackend({ configDir, dataDir, env: deadEngine, watch });
    backends.push(backend);
    return backend;
  };
  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'porthole-shared-'));
    configDir = join(root, 'config');
    dataDir = join(root, 'data');
  });
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.dispose()));
  });

  const names = async (backend: Backend) =>
    ((await backend.handlers.listMachines({})) as MachineView[]).map((m) => m.name).sort();

  it('refuses a second machine of the same name (whatever its case), and changes nothing', async () => {
    const backend = await open(false);
    expect(await backend.invoke('createMachine', { name: 'Work' })).toMatchObject({ ok: true });
    expect(await backend.invoke('createMachine', { name: ' work ' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('Another machine is already called') },
    });
    expect(await names(backend)).toEqual(['Work']);
  });

  it('an import next to the machine it was exported from is refused (one disk, one machine), and changes nothing', async () => {
    const backend = await open(false);
    const work = await backend.handlers.createMachine({ name: 'Work' });
    const { yaml } = await backend.handlers.exportCompose({ id: work.id });
    const before = await readFile(join(configDir, 'machines.json'), 'utf8');
    expect(await backend.invoke('importCompose', { yaml })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(work.storageDir) },
    });
    expect(await readFile(join(configDir, 'machines.json'), 'utf8')).toBe(before);
  });

  it('an import of the same machine on another folder gets a name of its own, and says so', async () => {
    const backend = await open(false);
    const work = await backend.handlers.createMachine({ name: 'Work' });
    const { yaml } = await backend.handlers.exportCompose({ id: work.id });
    const elsewhere = join(dataDir, '..', 'copy-of-work');
    await mkdir(elsewhere);
    const imported = await backend.handlers.importCompose({ yaml: yaml.split(work.storageDir).join(elsewhere) });
    expect(imported.machines.map((m) => m.name)).toEqual(['Work 2']);
    expect(imported.warnings).toContain('Another machine is called “Work”, so the imported one is “Work 2”.');
    expect(await names(backend)).toEqual(['Work', 'Work 2']);
  });

  it('racing creates of one name: one machine, every other create refused', async () => {
    const [a, b] = [await open(false), await open(false)];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).invoke('createMachine', { name: 'Same' })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(Array(5).fill('INVALID_ARGUMENT'));
    expect(await names(await open(false))).toEqual(['Same']);
  });

  it('racing creates of names with one slug: distinct ids, distinct ports, all kept', async () => {
    const [a, b] = [await open(false), await open(false)];
    const wanted = ['Dev box', 'dev-box', 'Dev  Box!', 'DEV_BOX', 'dev.box', '(dev box)'];
    const results = await Promise.all(wanted.map((name, i) => (i % 2 ? a : b).handlers.createMachine({ name })));
    const machines = (await open(false).then((c) => c.handlers.listMachines({}))) as MachineView[];
    expect(machines.map((m) => m.name).sort()).toEqual([...wanted].sort());
    expect(new Set(machines.map((m) => m.id)).size).toBe(wanted.length);
    expect(new Set(results.map((m) => m.id)).size).toBe(wanted.length);
    const ports = machines.flatMap((m) => [m.ports.web, m.ports.rdp]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('a running backend shows a machine another process made within a second, and its removal', async () => {
    const app = await open(true);
    const events: BackendEvent[] = [];
    let wake = (): void => undefined;
    app.subscribe((e) => {
      events.push(e);
      wake();
    });
    const machineEvent = (kind: 'machineChanged' | 'machineRemoved') =>
      new Promise<{ event: BackendEvent; ms: number }>((resolve) => {
        const t0 = Date.now();
        wake = () => {
          const event = events.find((e) => e.event === kind);
          if (event) resolve({ event, ms: Date.now() - t0 });
        };
      });
    await new Promise((r) => setTimeout(r, 200)); // the watch is up

    const cli = await open(false);
    let seen = machineEvent('machineChanged');
    const made = await cli.handlers.createMachine({ name: 'From the CLI' });
    const changed = await seen;
    expect(changed.ms).toBeLessThan(1_000);
    expect(changed.event.payload).toMatchObject({ id: made.id, name: 'From the CLI' });
    expect(changed.event.payload).toEqual(await app.handlers.getMachine({ id: made.id }));
    expect(await names(app)).toEqual(['From the CLI']);
    // The app's own write after the CLI's keeps the CLI's machine.
    await app.handlers.createMachine({ name: 'From the app' });
    expect(await names(await open(false))).toEqual(['From the CLI', 'From the app']);

    events.length = 0;
    seen = machineEvent('machineRemoved');
    const other = new MachineStore(configDir);
    await other.load();
    await other.remove(made.id);
    const removed = await seen;
    expect(removed.ms).toBeLessThan(1_000);
    expect(removed.event.payload).toEqual({ id: made.id });
    expect(await names(app)).toEqual(['From the app']);
  });
});
