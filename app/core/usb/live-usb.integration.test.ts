import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execInContainer } from '../engine/exec';
import { docker, Harness, uniqueName } from '../testing/harness';
import { INFO_USB, runQmp, type QmpExec } from './qmp';

const image = inject('standinImage');

/**
 * USB devices attached to a running machine through QEMU's own monitor, on the stand-in's real QEMU: the
 * monitor socket the spec asks for (QMP=), reached through the engine's exec API (no port on the host).
 * This computer has no USB bus, so the plumbing is shown with a device QEMU emulates (usb-tablet) and
 * the usb-host command with a device id that is not plugged in (QEMU keeps it, waiting for the device).
 */
describe('USB devices while the machine runs (stand-in image)', () => {
  let h: Harness;
  let id = '';
  let exec: QmpExec;
  const info = async (): Promise<string> => {
    const [reply] = await runQmp(exec, [INFO_USB], 'the machine');
    return reply?.ok ? String(reply.value) : '';
  };

  beforeAll(async () => {
    h = await Harness.create();
    const m = await h.call('createMachine', {
      name: uniqueName('Live USB'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    id = m.id;
    await h.call('startMachine', { id });
    await h.waitFor(id, (v) => v.status.running && v.status.screenReady, 120_000, 'screen ready (QEMU runs)');
    const client = new Docker();
    const container = h.containerName(id);
    exec = (argv) => execInContainer(client, container, argv, { timeoutMs: 15_000 });
  });
  afterAll(async () => {
    await h.cleanup(id ? [id] : []);
  });

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
    await docker('exec', h.containerName(id), 'mkdir', '-p', '/dev/bus/usb');
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
});
