// The exported compose file as its header promises: `porthole stop` -> `docker compose up -d` with
// the file -> Porthole shows the machine running -> `docker compose down` -> `porthole start` works,
// with the ports the file names.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { writeSecretFile } from '../../cli/secret-file';
import { Harness, uniqueName } from '../testing/harness';
import { composeCommand } from '../testing/compose-command';

const exec = promisify(execFile);
const image = inject('standinImage');

describe('the exported compose file, run by hand and handed back (stand-in image)', () => {
  let h: Harness;
  let compose: string[];
  let dir: string;
  let file: string | undefined;
  const project = `porthole-rt-${Math.random().toString(36).slice(2, 8)}`;
  const ids: string[] = [];
  const up = (args: string[]) => exec(compose[0]!, [...compose.slice(1), '-p', project, '-f', file!, ...args]);

  beforeAll(async () => {
    compose = await composeCommand();
    dir = await mkdtemp(join(tmpdir(), 'porthole-rt-'));
    h = await Harness.create();
  });
  afterAll(async () => {
    if (file) await up(['down']).catch(() => undefined);
    await h.cleanup(ids);
    await rm(dir, { recursive: true, force: true });
  });

  it('stop -> compose up -d: shown running (not absent) -> compose down -> start works, ports unchanged', async () => {
    const m = await h.call('createMachine', {
      name: uniqueName('Rt'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(m.id);
    await h.call('startMachine', { id: m.id });
    await h.waitFor(m.id, (v) => v.status.phase === 'ready', 180_000, 'ready');
    await h.call('stopMachine', { id: m.id });
    await h.waitFor(m.id, (v) => v.status.phase === 'stopped', 120_000, 'stopped');
    const { yaml } = await h.call('exportCompose', { id: m.id });
    file = join(dir, 'compose.yml');
    await writeSecretFile(file, yaml, false);

    // Porthole's stopped container stays: the file runs beside it without a name conflict.
    expect(await h.containersOf(m.id)).toHaveLength(1);
    await up(['up', '-d']);
    const running = await h.waitFor(
      m.id,
      (v) => v.status.running && (v.status.phase === 'ready' || v.status.phase === 'installing'),
      120_000,
      'running from compose',
    );
    expect(running.status.phase).toBe('ready');
    // A second start must not put another container on the same disk: it is running already.
    await h.call('startMachine', { id: m.id });
    expect((await h.docker('inspect', '--format', '{{.State.Running}}', h.containerName(m.id))).trim()).toBe('false');
    expect(
      (await h.docker('inspect', '--format', '{{.State.Running}}', `${h.containerName(m.id)}-compose`)).trim(),
    ).toBe('true');

    await up(['down']);
    await h.waitFor(
      m.id,
      (v) => !v.status.running && v.status.phase === 'stopped',
      60_000,
      'stopped after compose down',
    );
    await h.call('startMachine', { id: m.id });
    const again: MachineView = await h.waitFor(
      m.id,
      (v) => v.status.phase === 'ready' || v.status.phase === 'failed',
      180_000,
      'ready again',
    );
    expect(again.status.phase).toBe('ready');
    expect(again.ports).toEqual(m.ports);
  });

  it('a delete while the file runs the machine stops and removes that container too: nothing runs on the kept disk without a machine', async () => {
    const m = await h.call('createMachine', {
      name: uniqueName('RtDel'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(m.id);
    const { yaml } = await h.call('exportCompose', { id: m.id });
    const own = join(dir, 'delete.yml');
    await writeSecretFile(own, yaml, false);
    const run = (args: string[]) =>
      exec(compose[0]!, [...compose.slice(1), '-p', `${project}-del`, '-f', own, ...args]);
    try {
      await run(['up', '-d']);
      await h.waitFor(m.id, (v) => v.status.running, 120_000, 'running from compose');
      await h.call('deleteMachine', { id: m.id, deleteDisk: false });
      expect(await h.docker('ps', '-aq', '--filter', `name=^${h.containerName(m.id)}-compose$`)).toBe('');
    } finally {
      await run(['down']).catch(() => undefined);
    }
  });

  it('a start the engine refuses (the name taken by a container Porthole did not make) says so plainly and saves no new ports', async () => {
    const m = await h.call('createMachine', {
      name: uniqueName('Busy'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(m.id);
    // Its web port is taken, so the start picks another; then the engine refuses the container's name.
    const listener = createServer();
    await new Promise<void>((done) => listener.listen(m.ports.web, '127.0.0.1', done));
    const squatter = h.containerName(m.id);
    await h.docker('create', '--name', squatter, '--entrypoint', 'true', image);
    try {
      const refused = h.call('startMachine', { id: m.id });
      await expect(refused).rejects.toMatchObject({
        code: 'CONFLICT',
        message: `Another container already has the name “${squatter}” that this machine’s container needs.`,
      });
      await expect(refused).rejects.toMatchObject({ remedy: expect.stringContaining('docker compose down') });
      const after = (await h.call('listMachines', {})).find((v) => v.id === m.id)!;
      expect(after.ports).toEqual(m.ports);
    } finally {
      await h.docker('rm', '-f', squatter).catch(() => undefined);
      await new Promise((done) => listener.close(done));
    }
  });
});
