import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { docker, Harness, uniqueName } from '../testing/harness';

const image = inject('standinImage');

describe('machine lifecycle against the real engine (stand-in image)', () => {
  let h: Harness;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await Harness.create();
  });
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('creates, starts, shows preparation then the screen, and stops gracefully keeping data.img', async () => {
    const machine = await h.call('createMachine', { name: uniqueName('Life'), image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64 });
    ids.push(machine.id);
    expect(machine.status.phase).toBe('absent');
    expect(machine.ports.web).not.toBe(machine.ports.rdp);

    await h.call('startMachine', { id: machine.id });
    const preparing = await h.waitFor(machine.id, (v) => v.status.phase === 'preparing' && /\.\.\.$/.test(v.status.message ?? ''), 60_000, 'a preparation message');
    expect(preparing.status.running).toBe(true);
    await h.waitFor(machine.id, (v) => v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase), 90_000, 'the screen');

    const inspect = JSON.parse(await docker('inspect', `porthole-${machine.id}`)) as Array<{
      Config: { Env: string[]; Labels: Record<string, string> };
      HostConfig: { PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>; CapAdd: string[] };
    }>;
    const info = inspect[0]!;
    expect(info.Config.Labels['io.porthole.machine']).toBe(machine.id);
    expect(info.Config.Env).toContain('KVM=N');
    expect(info.Config.Env).toContain('RAM_SIZE=2G');
    expect(info.HostConfig.CapAdd).toContain('NET_ADMIN');
    for (const bindings of Object.values(info.HostConfig.PortBindings)) {
      for (const b of bindings) expect(b.HostIp).toBe('127.0.0.1');
    }

    await h.call('stopMachine', { id: machine.id });
    const stopped = await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 60_000, 'stopped');
    expect(stopped.status.running).toBe(false);
    const logs = await h.call('machineLogs', { id: machine.id, tail: 200 });
    expect(logs.lines.join('\n')).toContain('Received SIGTERM signal, sending ACPI shutdown signal');
    const disk = await stat(join(machine.storageDir, 'data.img'));
    expect(disk.size).toBe(64 * 1024 ** 3);
  });
});
