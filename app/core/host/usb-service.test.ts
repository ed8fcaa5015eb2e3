import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostUsbDevice, MachineView } from '../../api';
import { addFakeUsb, makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { missingUsbDevices, usbListing, usbListingFor, UsbStartWarnings } from './usb-service';

describe('usbListing', () => {
  let fake: FakeRoot;
  beforeEach(async () => {
    fake = await makeFakeRoot();
  });
  afterEach(async () => {
    await fake.cleanup();
  });

  it('lists the devices with usb.ids names, and the bus when /dev/bus/usb exists', async () => {
    await fake.mkdir('/dev/bus/usb/001');
    await addFakeUsb(fake, [
      { port: 'usb1', vendorId: '1d6b', productId: '0002', deviceClass: '09', bus: 1, device: 1 },
      { port: '1-1', vendorId: '046d', productId: 'c52b', bus: 1, device: 3 },
    ]);
    expect(await usbListing(fake.options())).toEqual({
      devices: [{ vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver', bus: 1, device: 3 }],
      busAvailable: true,
    });
  });

  it('without usb.ids names devices from their own strings, else by their ids', async () => {
    await fake.mkdir('/dev/bus/usb/002');
    await addFakeUsb(
      fake,
      [
        {
          port: '2-1',
          vendorId: '046d',
          productId: 'c52b',
          manufacturer: 'Logitech',
          product: 'USB Receiver',
          bus: 2,
          device: 2,
        },
        { port: '2-2', vendorId: '1234', productId: '5678', bus: 2, device: 3 },
      ],
      null,
    );
    const listing = await usbListing(fake.options());
    expect(listing.devices.map((d) => d.name)).toEqual(['Logitech USB Receiver', 'USB device 1234:5678']);
    expect(listing.busAvailable).toBe(true);
  });

  it('on a computer with no USB bus: no devices, and says why none can be passed', async () => {
    const listing = await usbListing(fake.options());
    expect(listing.devices).toEqual([]);
    expect(listing.busAvailable).toBe(false);
    expect(listing.busMessage).toMatch(/no \/dev\/bus\/usb/);
    expect(listing.busMessage).toMatch(/ls \/dev\/bus\/usb/);
  });

  it('with a remote engine, says the machines get that computer’s devices, not the listed ones', async () => {
    expect((await usbListingFor(fake.options(), null)).remoteNote).toBeUndefined();
    expect((await usbListingFor(fake.options(), 'vmhost.lan')).remoteNote).toMatch(
      /^Machines run on vmhost\.lan, the container engine's computer: they get USB devices plugged into that computer/,
    );
  });

  it('sysfs devices without /dev/bus/usb (a container without the bus): listed, but the bus is not available', async () => {
    await addFakeUsb(fake, [{ port: '1-1', vendorId: '046d', productId: 'c52b', bus: 1, device: 3 }]);
    const listing = await usbListing(fake.options());
    expect(listing.devices).toHaveLength(1);
    expect(listing.busAvailable).toBe(false);
  });
});

const receiver = { vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver' };
const stick = { vendorId: '0781', productId: '5581', name: 'SanDisk Corp. Ultra' };
const plugged = (...refs: (typeof receiver)[]): HostUsbDevice[] =>
  refs.map((r, i) => ({ ...r, bus: 1, device: i + 2 }));

function view(running: boolean, containerId = 'c1'): MachineView {
  return {
    id: 'm1',
    usbDevices: [receiver, stick],
    status: {
      phase: running ? 'booting' : 'stopped',
      running,
      screenReady: false,
      ...(running ? { containerId } : {}),
    },
  } as MachineView;
}

describe('missingUsbDevices', () => {
  it('names the machine’s devices that are not plugged in, by vendor and product id', () => {
    expect(missingUsbDevices(view(false), plugged(receiver))).toEqual([stick]);
    expect(missingUsbDevices(view(false), plugged({ ...receiver, name: 'another name' }, stick))).toEqual([]);
    expect(missingUsbDevices({}, plugged(receiver))).toEqual([]);
  });
});

describe('UsbStartWarnings', () => {
  it('a running machine started without a device carries a clear warning; stopping clears it', async () => {
    let now = plugged(receiver);
    const changed: string[] = [];
    let announce: () => void = () => undefined;
    const announced = new Promise<void>((resolve) => (announce = resolve));
    const warnings = new UsbStartWarnings(
      async () => now,
      (id) => {
        changed.push(id);
        announce();
      },
    );
    expect(warnings.decorate(view(false)).warnings).toBeUndefined();
    // First seen running: the look starts; the answer comes as a change.
    expect(warnings.decorate(view(true)).warnings).toBeUndefined();
    await announced;
    expect(changed).toEqual(['m1']);
    expect(warnings.decorate(view(true)).warnings).toEqual([
      'USB device SanDisk Corp. Ultra (0781:5581) is not plugged in; Windows starts without it. Plug it in and restart the machine to use it.',
    ]);
    // Plugged in meanwhile: this run still lacks it (looked at once per run).
    now = plugged(receiver, stick);
    expect(warnings.decorate(view(true)).warnings).toHaveLength(1);
    expect(warnings.decorate(view(false)).warnings).toBeUndefined();
    expect(warnings.decorate(view(true, 'c2')).warnings).toBeUndefined();
  });

  it('says nothing when every device is there, or when the listing fails', async () => {
    const changed: string[] = [];
    let looked = 0;
    const all = new UsbStartWarnings(
      async () => (looked++, plugged(receiver, stick)),
      (id) => changed.push(id),
    );
    all.decorate(view(true));
    const failing = new UsbStartWarnings(
      async () => (looked++, Promise.reject(new Error('EACCES'))),
      (id) => changed.push(id),
    );
    failing.decorate(view(true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(looked).toBe(2);
    expect(changed).toEqual([]);
    expect(all.decorate(view(true)).warnings).toBeUndefined();
    expect(failing.decorate(view(true)).warnings).toBeUndefined();
  });
});
