import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineStatus, MachineView } from '../../api';
import { freePort } from '../lifecycle/ports';
import { docker, Harness, uniqueName } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { LocalRegistry } from '../testing/registry';

const standin = inject('standinImage');
const base = { kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;

/**
 * Pulls with real progress: the stand-in is pushed to a registry of the test's own on 127.0.0.1
 * (Debian's docker-registry) and pulled by a private engine that has never had it, so every byte is
 * really downloaded. Also: a tag the registry does not have, a registry that does not answer, and a
 * download cancelled by stopping the machine.
 */
describe('pulling the image with progress (local registry, private engine)', () => {
  let registry: LocalRegistry;
  let engine: PrivateEngine;
  let h: Harness;
  let ref: string;
  const ids: string[] = [];

  const pulling = (id: string, from: number): MachineStatus[] =>
    h.statusesSince(id, from).filter((s) => s.phase === 'pulling');
  const imagePresent = async (): Promise<boolean> =>
    engine.docker('image', 'inspect', ref).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    registry = await LocalRegistry.start();
    const tag = `it-${Date.now().toString(36)}`;
    ref = await registry.push(docker, standin, 'standin', tag);
    // The shared engine keeps the stand-in under its own name; only this registry tag goes.
    await docker('rmi', ref);
    engine = await PrivateEngine.start();
    h = await Harness.create(engine.env());
  });
  afterAll(async () => {
    await h.cleanup(ids);
    await engine.dispose();
    await registry.stop();
  });

  async function machine(image: string): Promise<MachineView> {
    const m = await h.call('createMachine', { name: uniqueName('Pull'), image, ...base });
    ids.push(m.id);
    return m;
  }

  it('cancels a download when the machine is stopped: no failure, no image, no container', async () => {
    expect(await imagePresent()).toBe(false);
    const m = await machine(ref);
    const from = h.mark(m.id);
    const starting = h.call('startMachine', { id: m.id }).then(
      () => undefined,
      (err: unknown) => err,
    );
    await h.waitFor(m.id, (v) => v.status.phase === 'pulling', 30_000, 'the download');
    await h.call('stopMachine', { id: m.id });
    expect(await starting).toMatchObject({ code: 'CANCELLED' });
    const after = await h.call('getMachine', { id: m.id });
    expect(after.status.phase).toBe('absent');
    expect(after.status.failure).toBeUndefined();
    expect(pulling(m.id, from).length).toBeGreaterThan(0);
    expect(await h.containersOf(m.id)).toEqual([]);
    expect(await imagePresent()).toBe(false);
  });

  it('downloads with bytes done growing to the total, then starts the machine', async () => {
    const m = await machine(ref);
    const from = h.mark(m.id);
    await h.call('startMachine', { id: m.id });
    await h.waitFor(m.id, (v) => v.status.running, 60_000, 'running after the download');
    const progress = pulling(m.id, from).flatMap((s) => (s.progress?.bytesTotal ? [s.progress] : []));
    expect(progress.length).toBeGreaterThan(2);
    const done = progress.map((p) => p.bytesDone ?? 0);
    for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThanOrEqual(done[i - 1]!);
    expect(new Set(done).size).toBeGreaterThan(2);
    const last = progress.at(-1)!;
    expect(last.bytesTotal).toBeGreaterThan(10 * 1024 * 1024);
    expect(last.bytesDone).toBe(last.bytesTotal);
    expect(last.fraction).toBe(1);
    expect(await imagePresent()).toBe(true);
    await h.call('forceStopMachine', { id: m.id });
    await h.waitFor(m.id, (v) => v.status.phase === 'stopped', 30_000, 'off');
  });

  it('fails a tag the registry does not have with IMAGE_PULL_FAILED and a readable cause', async () => {
    const missing = `${registry.address}/standin:no-such-tag`;
    const m = await machine(missing);
    const error = await h.call('startMachine', { id: m.id }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({
      code: 'IMAGE_PULL_FAILED',
      message: `The image ${missing} does not exist in its registry.`,
    });
    const v = await h.call('getMachine', { id: m.id });
    expect(v.status).toMatchObject({
      phase: 'failed',
      failure: { cause: `The image ${missing} does not exist in its registry.` },
    });
    expect(v.status.failure!.remedy).toMatch(/image name and tag/);
    expect(await h.containersOf(m.id)).toEqual([]);
  });

  it('fails a registry that does not answer with IMAGE_PULL_FAILED, saying it could not be reached', async () => {
    const nowhere = `127.0.0.1:${await freePort()}/standin:any`;
    const m = await machine(nowhere);
    await expect(h.call('startMachine', { id: m.id })).rejects.toMatchObject({
      code: 'IMAGE_PULL_FAILED',
      message: expect.stringContaining('the registry could not be reached'),
    });
    expect((await h.call('getMachine', { id: m.id })).status.phase).toBe('failed');
  });
});
