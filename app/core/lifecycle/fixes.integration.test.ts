// The engine's refusals at start in plain words, each with the fix the backend applies (fixMachine):
// a host port taken between Porthole's check and the engine's bind, and a host without /dev/kvm.
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { MachineView } from '../../api';
import { EngineClient } from '../engine/client';
import { describeEngineError } from '../engine/errors';
import { Harness, uniqueName } from '../testing/harness';
import { realHostClass } from '../testing/test-host';

const image = inject('standinImage');
const base = { image, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;
// Running past the image's checks (the view before the fix is the refused start's "failed": not an outcome).
const booted = (v: MachineView): boolean =>
  v.status.running && ['booting', 'installing', 'ready'].includes(v.status.phase);

function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done(server));
  });
}

describe('start refusals and their fixes (stand-in image)', () => {
  let h: Harness;
  const ids: string[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    h = await Harness.create();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await h.cleanup(ids);
  });

  it('a web port taken as the engine binds it: a plain cause, nothing saved, and "other ports" starts on new saved ports', async () => {
    const m = await h.call('createMachine', { name: uniqueName('Port'), ...base, kvm: false });
    ids.push(m.id);
    // The race Porthole's own check cannot close: another program takes the port just before the engine binds it.
    const realStart = EngineClient.prototype.start;
    vi.spyOn(EngineClient.prototype, 'start').mockImplementationOnce(async function (this: EngineClient, id: string) {
      servers.push(await listen(m.ports.web));
      return realStart.call(this, id);
    });
    await expect(h.call('startMachine', { id: m.id })).rejects.toMatchObject({
      message: `Port ${m.ports.web} on this computer (the machine's screen port) was taken by another program as the machine started.`,
      remedy: expect.stringContaining(`porthole fix ${m.id} other-ports`),
    });
    const failed = await h.call('getMachine', { id: m.id });
    expect(failed.status).toMatchObject({
      phase: 'failed',
      failure: { fix: 'other-ports', logLine: expect.stringMatching(/address already in use|already allocated/) },
    });
    expect(failed.ports).toEqual(m.ports);

    await h.call('fixMachine', { id: m.id, fix: 'other-ports' });
    const running = await h.waitFor(m.id, booted, 120_000, 'booting');
    expect(running.status.running).toBe(true);
    expect(running.ports.web).not.toBe(m.ports.web);
    expect(running.ports.rdp).not.toBe(m.ports.rdp);
    // Saved: another process reads the new ports from the file.
    await h.shutdown();
    await h.boot();
    expect((await h.call('getMachine', { id: m.id })).ports).toEqual(running.ports);
    await h.call('stopMachine', { id: m.id });
  });

  it('no /dev/kvm: a plain cause instead of the engine’s words, and "software emulation" starts it', async () => {
    const cls = await realHostClass();
    const m = await h.call('createMachine', { name: uniqueName('NoKvm'), ...base, kvm: true });
    ids.push(m.id);
    const raw = 'error gathering device information while adding custom device "/dev/kvm": no such file or directory';
    // A host without /dev/kvm refuses for real; elsewhere the engine's own refusal is injected, as dockerode reports it
    // (docker 20.10 gives these words at start for a device missing on the host: docker create --device /dev/nonexistent, then start).
    if (cls !== 'none') {
      vi.spyOn(EngineClient.prototype, 'start').mockImplementationOnce(async function (this: EngineClient) {
        // docker-modem's wording: `(HTTP code N) <reason> - <the engine's message> `.
        throw describeEngineError(
          Object.assign(new Error(`(HTTP code 500) server error - ${raw} `), { statusCode: 500 }),
          this.target.label,
        );
      });
    }
    const refused = h.call('startMachine', { id: m.id });
    await expect(refused).rejects.toMatchObject({
      message: 'This computer has no /dev/kvm, so the machine cannot use KVM hardware acceleration.',
    });
    await expect(refused).rejects.not.toMatchObject({ message: expect.stringContaining('error gathering') });
    const failed = await h.call('getMachine', { id: m.id });
    expect(failed.status).toMatchObject({
      phase: 'failed',
      failure: { fix: 'software-emulation', logLine: expect.stringContaining(raw) },
    });
    expect(failed.kvm).toBe(true);

    await h.call('fixMachine', { id: m.id, fix: 'software-emulation' });
    const running = await h.waitFor(m.id, booted, 120_000, 'booting');
    expect(running.kvm).toBe(false);
    expect(running.status.running).toBe(true);
    const env = JSON.parse(
      await h.docker('inspect', '--format', '{{json .Config.Env}}', h.containerName(m.id)),
    ) as string[];
    expect(env).toContain('KVM=N');
    await h.call('stopMachine', { id: m.id });
  });

  it('make room changes nothing and names the storage folder; choose-iso without an ISO is refused and changes nothing', async () => {
    const m = await h.call('createMachine', { name: uniqueName('Room'), ...base, kvm: false });
    ids.push(m.id);
    await expect(h.call('fixMachine', { id: m.id, fix: 'make-room' })).resolves.toEqual({
      ok: true,
      folder: m.storageDir,
    });
    await expect(h.call('fixMachine', { id: m.id, fix: 'choose-iso' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const after = await h.call('getMachine', { id: m.id });
    expect({ ...after, status: undefined }).toEqual({ ...m, status: undefined });
    expect(after.status.running).toBe(false);
  });
});
