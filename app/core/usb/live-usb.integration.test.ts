import { chmod, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { EngineClient, targetFromEnv } from '../engine/client';
import { execInContainer } from '../engine/exec';
import { Harness, uniqueName } from '../testing/harness';
import { PrivatePodman } from '../testing/private-podman';
import { INFO_USB, runQmp, type QmpExec } from './qmp';

const image = inject('standinImage');

/** The engine a pass runs on: the environment its backend gets (DOCKER_HOST), and how it ends. */
interface Engine {
  env: NodeJS.ProcessEnv;
  dispose: () => Promise<void>;
  /** What a machine needs before it starts on this engine (a rootless one: its folder handed to the engine's user). */
  prepare?: (h: Harness, m: MachineView) => Promise<void>;
}

describe('USB devices while the machine runs on Docker (stand-in image)', () => {
  liveUsbChecks(async () => ({ env: process.env, dispose: async () => undefined }));
});

// Issue 25: the same on Podman's compatible API (its exec, its /dev), on a private rootful service.
describe('USB devices while the machine runs on Podman (a private rootful podman system service)', () => {
  liveUsbChecks(async () => {
    const podman = await PrivatePodman.start({ image });
    return { env: podman.env(), dispose: () => podman.dispose() };
  });
});

describe('USB devices while the machine runs on rootless Podman (a private podman system service as an unprivileged user)', () => {
  liveUsbChecks(async () => {
    const user = await PrivatePodman.rootlessUser();
    const podman = await PrivatePodman.start({ image, user });
    // In real use Porthole runs as the engine's user; here the backend runs as root (see podman.integration.test.ts).
    const prepare = async (h: Harness, m: MachineView): Promise<void> => {
      await chmod(join(h.configDir, '..'), 0o711);
      await chown(m.storageDir, user.uid, user.gid);
    };
    return { env: podman.env(), dispose: () => podman.dispose(), prepare };
  });
});

/**
 * USB devices attached to a running machine through QEMU's own monitor, on the stand-in's real QEMU: the
 * monitor socket the spec asks for (QMP=), reached through the engine's exec API (no port on the host).
 * This computer has no USB bus, so the plumbing is shown with a device QEMU emulates (usb-tablet) and
 * the usb-host command with a device id that is not plugged in (QEMU keeps it, waiting for the device).
 */
function liveUsbChecks(startEngine: () => Promise<Engine>): void {
  let engine: Engine | undefined;
  let h: Harness;
  let id = '';
  let exec: QmpExec;
  const info = async (): Promise<string> => {
    const [reply] = await runQmp(exec, [INFO_USB], 'the machine');
    return reply?.ok ? String(reply.value) : '';
  };

  beforeAll(async () => {
    engine = await startEngine();
    h = await Harness.create(engine.env);
    const m = await h.call('createMachine', {
      name: uniqueName('Live USB'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    id = m.id;
    await engine.prepare?.(h, m);
    await h.call('startMachine', { id });
    await h.waitFor(id, (v) => v.status.running && v.status.screenReady, 120_000, 'screen ready (QEMU runs)');
    // The engine the machine runs on (its DOCKER_HOST), not the default socket.
    const client = new EngineClient(targetFromEnv(engine.env)).docker;
    const container = h.containerName(id);
    exec = (argv) => execInContainer(client, container, argv, { timeoutMs: 15_000 });
  }, 240_000);
  afterAll(async () => {
    if (h) await h.cleanup(id ? [id] : []);
    await engine?.dispose();
  }, 120_000);

  it('attaches an emulated device through the monitor, QEMU’s own list shows it, and detaching removes it', async () => {
    const [added] = await runQmp(
      exec,
      [{ execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'porthole-usb-tablet', bus: 'xhci.0' } }],
      'the machine',
    );
    expect(added).toEqual({ ok: true, value: {} });
    expect(await info()).toMatch(/Product QEMU USB Tablet, ID: porthole-usb-tablet/);
    const [removed] = await runQmp(
      exec,
      [{ execute: 'device_del', arguments: { id: 'porthole-usb-tablet' } }],
      'the machine',
    );
    expect(removed).toEqual({ ok: true, value: {} });
    await expect.poll(info, { timeout: 5_000 }).not.toContain('porthole-usb-tablet');
  });

  it('attachUsb refuses a machine started without USB passthrough, saying what to do', async () => {
    await expect(h.call('attachUsb', { id, vendorId: '046d', productId: 'c52b' })).rejects.toThrow(
      /was started without USB passthrough/,
    );
  });

  it('attachUsb and detachUsb give the running machine a host device by its ids and take it back; twice is refused', async () => {
    // This computer has no USB bus to pass: the folder the engine passes to a machine with USB devices is made by hand.
    await h.docker('exec', h.containerName(id), 'mkdir', '-p', '/dev/bus/usb');
    expect(await h.call('attachUsb', { id, vendorId: '046d', productId: 'c52b' })).toEqual({ attached: ['046d:c52b'] });
    expect(await info()).toContain('ID: porthole-usb-046d-c52b');
    await expect(h.call('attachUsb', { id, vendorId: '046d', productId: 'c52b' })).rejects.toThrow(
      /is already attached to/,
    );
    expect(await h.call('detachUsb', { id, vendorId: '046d', productId: 'c52b' })).toEqual({ attached: [] });
    await expect.poll(info, { timeout: 5_000 }).not.toContain('porthole-usb-046d-c52b');
    await expect(h.call('detachUsb', { id, vendorId: '046d', productId: 'c52b' })).rejects.toThrow(
      /is not attached to .* now/,
    );
    // The machine's settings are not touched: attach is for now, usbDevices for each start.
    expect((await h.call('getMachine', { id })).usbDevices ?? []).toEqual([]);
  });

  it('refuses a stopped machine, saying so', async () => {
    await h.call('forceStopMachine', { id });
    await h.waitFor(id, (v) => !v.status.running, 60_000, 'stopped');
    await expect(h.call('attachUsb', { id, vendorId: '046d', productId: 'c52b' })).rejects.toThrow(/is not running/);
  });
}
