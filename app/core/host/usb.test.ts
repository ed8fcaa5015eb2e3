import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFakeUsb, makeFakeRoot, SAMPLE_USB_IDS, type FakeRoot } from '../testing/fake-root';
import { hostContext } from './context';
import { listUsbDevices, parseUsbIds, usbDeviceName } from './usb';

describe('usb.ids', () => {
  const names = parseUsbIds(SAMPLE_USB_IDS);

  it('names vendors and their products, not interfaces or classes', () => {
    expect(names.vendor('046d')).toBe('Logitech, Inc.');
    expect(names.product('046d', 'c52b')).toBe('Unifying Receiver');
    expect(names.product('046d', '0000')).toBeUndefined();
    expect(names.vendor('0000')).toBeUndefined();
    // "C 00" starts the class list: its tab-indented lines are not SanDisk products.
    expect(names.product('0781', '0001')).toBeUndefined();
    expect(names.product('0781', '5581')).toBe('Ultra');
  });

  it('makes a readable name from what is known, never an empty one', () => {
    expect(usbDeviceName(names, { vendorId: '046d', productId: 'c52b' })).toBe('Logitech, Inc. Unifying Receiver');
    expect(usbDeviceName(names, { vendorId: '046d', productId: '9999', product: 'Mouse' })).toBe(
      'Logitech, Inc. Mouse',
    );
    expect(
      usbDeviceName(names, { vendorId: 'abcd', productId: '1234', manufacturer: 'ACME', product: 'ACME Dongle' }),
    ).toBe('ACME Dongle');
    expect(usbDeviceName(names, { vendorId: 'abcd', productId: '1234', manufacturer: 'ACME' })).toBe(
      'ACME device 1234',
    );
    expect(usbDeviceName(names, { vendorId: 'abcd', productId: '1234' })).toBe('USB device abcd:1234');
  });
});

describe('listUsbDevices', () => {
  let fake: FakeRoot;
  beforeEach(async () => {
    fake = await makeFakeRoot();
  });
  afterEach(async () => {
    await fake.cleanup();
  });
  const list = () => listUsbDevices(hostContext(fake.options()));

  it('lists the plugged-in devices with names, without hubs or interfaces', async () => {
    await addFakeUsb(fake, [
      { port: 'usb1', vendorId: '1d6b', productId: '0002', deviceClass: '09', bus: 1, device: 1 },
      { port: '1-1', vendorId: '046d', productId: 'c52b', bus: 1, device: 3 },
      {
        port: '1-2.1',
        vendorId: 'abcd',
        productId: '1234',
        manufacturer: 'ACME',
        product: 'Dongle',
        bus: 1,
        device: 7,
      },
    ]);
    expect(await list()).toEqual([
      { vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver', bus: 1, device: 3 },
      { vendorId: 'abcd', productId: '1234', name: 'ACME Dongle', bus: 1, device: 7 },
    ]);
  });

  it('names devices from their own strings when the system has no usb.ids', async () => {
    await addFakeUsb(
      fake,
      [
        {
          port: '2-1',
          vendorId: '0781',
          productId: '5581',
          manufacturer: 'SanDisk',
          product: 'Ultra USB 3.0',
          bus: 2,
          device: 2,
        },
      ],
      null,
    );
    expect((await list()).map((d) => d.name)).toEqual(['SanDisk Ultra USB 3.0']);
  });

  it('is empty on a computer without a USB bus, and skips garbled entries', async () => {
    expect(await list()).toEqual([]);
    await fake.write('/sys/bus/usb/devices/3-1/idVendor', 'not hex\n');
    await fake.write('/sys/bus/usb/devices/3-1/idProduct', '0001\n');
    expect(await list()).toEqual([]);
  });
});
