// USB devices end to end on the real engine with the stand-in image: the listing from a fake sysfs tree (the test
// host root), the machine's setting, the container's ARGUMENTS and devices, and QEMU's own command line.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { docker, Harness, uniqueName } from '../testing/harness';
import { makeTestHostRoot, realHostClass, type TestHostRoot } from '../testing/test-host';
import { addTestUsb } from '../testing/test-usb';

const image = inject('standinImage');

interface ContainerInfo {
  Config: { Env: string[] };
  HostConfig: { Devices: Array<{ PathOnHost: string; PathInContainer: string }> | null };
}

const booted = (v: MachineView): boolean =>
  v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

describe('USB devices on the real engine (stand-in image)', () => {
  let root: TestHostRoot;
  let h: Harness;
  const ids: string[] = [];
  // This computer's own /dev/bus/usb decides whether the container gets it (the test root mirrors it).
  const bus = existsSync('/dev/bus/usb');

  beforeAll(async () => {
    root = await makeTestHostRoot(await realHostClass());
    await addTestUsb(root.options.root!);
    h = await Harness.create(process.env, root.options);
  });
  afterAll(async () => {
    await h?.cleanup(ids);
    await root?.cleanup();
  });

  it('lists the plugged-in devices with readable names, and whether the bus is there', async () => {
    const listing = await h.call('listUsbDevices', {});
    expect(listing.devices.map((d) => [d.vendorId, d.productId, d.name])).toEqual([
      ['046d', 'c52b', 'Logitech, Inc. Unifying Receiver'],
      ['abcd', '1234', 'ACME Test Dongle'],
    ]);
    expect(listing.busAvailable).toBe(bus);
    expect(listing.busMessage === undefined).toBe(bus);
  });

  it('passes the devices as the image documents; QEMU takes them (an absent one too) and the machine warns about the absent one', async () => {
    const machine = await h.call('createMachine', {
      name: uniqueName('USB'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(machine.id);
    const receiver = { vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver' };
    // Chosen earlier, not plugged in now (not in the fake sysfs tree).
    const absent = { vendorId: '0781', productId: '5581', name: 'SanDisk Corp. Ultra' };
    const updated = await h.call('updateMachine', { id: machine.id, changes: { usbDevices: [receiver, absent] } });
    expect(updated.machine.usbDevices).toEqual([receiver, absent]);

    await h.call('startMachine', { id: machine.id });
    await h.waitFor(machine.id, booted, 120_000, 'QEMU running with its screen');

    const container = h.containerName(machine.id);
    const info = (JSON.parse(await docker('inspect', container)) as ContainerInfo[])[0]!;
    expect(info.Config.Env).toContain(
      'ARGUMENTS=-device usb-host,vendorid=0x046d,productid=0xc52b -device usb-host,vendorid=0x0781,productid=0x5581',
    );
    const devices = (info.HostConfig.Devices ?? []).map((d) => d.PathOnHost);
    expect(devices.includes('/dev/bus/usb')).toBe(bus);

    // QEMU's own command line, read from the running container: the image's xHCI controller and both usb-host devices.
    const processes = (await docker('exec', container, 'ps', '-eo', 'args')).split('\n');
    const qemu = processes.find((p) => p.startsWith('qemu-system-x86_64 '));
    expect(qemu, processes.join('\n')).toBeDefined();
    expect(qemu).toContain('-device qemu-xhci,id=xhci');
    expect(qemu).toContain('-device usb-host,vendorid=0x046d,productid=0xc52b');
    expect(qemu).toContain('-device usb-host,vendorid=0x0781,productid=0x5581');
    // QEMU 7.2 takes a usb-host device that is not there and waits for it (observed: no error, not even a
    // warning), so the machine runs: nothing in its log says the device was refused.
    const log = (await h.call('machineLogs', { id: machine.id, tail: 500 })).lines.join('\n');
    expect(log).not.toMatch(/usb-host.*(error|failed)|could not open|Invalid/i);

    // The run without the absent device is said on the machine; the plugged-in one is not named.
    const warned = await h.waitFor(machine.id, (v) => (v.warnings?.length ?? 0) > 0, 30_000, 'the USB warning');
    expect(warned.warnings).toEqual([
      'USB device SanDisk Corp. Ultra (0781:5581) is not plugged in; Windows starts without it. Plug it in and restart the machine to use it.',
    ]);
    expect((await h.call('getMachine', { id: machine.id })).warnings).toEqual(warned.warnings);

    await h.call('stopMachine', { id: machine.id });
    const stopped = await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 90_000, 'stopped');
    expect(stopped.warnings).toBeUndefined();
  });
});
