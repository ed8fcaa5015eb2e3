import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USB_DEVICES_MAX, type MachineView } from '../../api';
import { usbListing } from '../../core/host/usb-service';
import { runCliHere as cli, throwawayCliConfig } from '../../core/testing/cli';
import { formatUsbDevices, parseUsbArg, usbDevicesAfter } from './usb';

const receiver = { vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver' };
const stick = { vendorId: '0781', productId: '5581', name: 'SanDisk Corp. Ultra' };
const machine = (usbDevices?: (typeof receiver)[]): MachineView =>
  ({ id: 'office', name: 'Office', ...(usbDevices ? { usbDevices } : {}) }) as MachineView;

describe('porthole usb (formatting)', () => {
  it('lists ids, readable names and the machines using each; then the chosen devices not plugged in', () => {
    const text = formatUsbDevices({ devices: [{ ...receiver, bus: 1, device: 3 }], busAvailable: true }, [
      machine([receiver, stick]),
    ]);
    expect(text).toBe(
      [
        'ID         NAME                              MACHINES',
        '046d:c52b  Logitech, Inc. Unifying Receiver  Office (office)',
        'Not plugged in: 0781:5581 SanDisk Corp. Ultra, used by Office (office)',
        '',
      ].join('\n'),
    );
  });

  it('says when there are none, and why none can be passed without a USB bus', () => {
    const text = formatUsbDevices(
      { devices: [], busAvailable: false, busMessage: 'This computer has no /dev/bus/usb.' },
      [],
    );
    expect(text).toBe('No USB devices found on this computer.\nThis computer has no /dev/bus/usb.\n');
  });

  it('says when the machines run on another computer', () => {
    expect(formatUsbDevices({ devices: [], busAvailable: true, remoteNote: 'Machines run on vmhost.lan.' }, [])).toBe(
      'No USB devices found on this computer.\nMachines run on vmhost.lan.\n',
    );
  });

  it('reads VENDOR:PRODUCT in either case; anything else is a usage error', () => {
    expect(parseUsbArg('046D:C52B', 'add')).toEqual({ vendorId: '046d', productId: 'c52b' });
    expect(() => parseUsbArg('046dc52b', 'add')).toThrow('needs a machine id and a device as VENDOR:PRODUCT');
    expect(() => parseUsbArg(undefined, 'remove')).toThrow('porthole usb remove');
  });

  it('adds with the name the computer gives it (or its ids when unplugged); removing one the machine lacks is refused', () => {
    const listing = { devices: [{ ...receiver, bus: 1, device: 3 }], busAvailable: true };
    expect(usbDevicesAfter('add', machine(), receiver, listing)).toEqual([receiver]);
    expect(usbDevicesAfter('add', machine([receiver]), { vendorId: 'abcd', productId: '0001' }, listing)).toEqual([
      receiver,
      { vendorId: 'abcd', productId: '0001', name: 'USB device abcd:0001' },
    ]);
    expect(usbDevicesAfter('remove', machine([receiver, stick]), stick, listing)).toEqual([receiver]);
    expect(() => usbDevicesAfter('remove', machine([receiver]), stick, listing)).toThrow(
      'Office (office) has no USB device 0781:5581',
    );
  });
});

describe('porthole usb (the CLI, real backend without an engine)', () => {
  // Were anything to slip through, the backend it reaches is a throwaway one with no engine.
  const root = throwawayCliConfig('porthole-cli-usb-');

  const machineFile = (): Promise<string> => readFile(join(root(), 'config', 'machines.json'), 'utf8');
  const devicesOf = async (id: string): Promise<unknown> =>
    (JSON.parse((await cli('machines', '--json')).out) as MachineView[]).find((m) => m.id === id)?.usbDevices;

  it('lists this computer’s devices as the backend reads them (--json carries the machines using each)', async () => {
    const here = await usbListing({});
    const listed = await cli('usb', '--json');
    expect(listed.code).toBe(0);
    const json = JSON.parse(listed.out) as {
      devices: { vendorId: string; machines: string[] }[];
      busAvailable: boolean;
    };
    expect(json.busAvailable).toBe(here.busAvailable);
    expect(json.devices.map((d) => d.vendorId)).toEqual(here.devices.map((d) => d.vendorId));
    const human = await cli('usb');
    expect(human.out).toContain(here.devices.length === 0 ? 'No USB devices found on this computer.' : 'ID');
  });

  it('add and remove change the machine’s setting; bad ids, duplicates and too many are refused with nothing changed', async () => {
    const { id } = JSON.parse((await cli('create', '--name', 'Office', '--json')).out) as { id: string };
    const added = await cli('usb', 'add', id, 'FFFE:0001');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(
      /^Gave USB device fffe:0001 \(fffe:0001\) to Office\. It applies at the machine’s next start\.\n/,
    );
    expect(await devicesOf(id)).toEqual([{ vendorId: 'fffe', productId: '0001', name: 'USB device fffe:0001' }]);

    const before = await machineFile();
    const twice = await cli('usb', 'add', id, 'fffe:0001');
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('each USB device is listed once');
    const bad = await cli('usb', 'add', id, 'xyz:0001');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('a USB id is four hexadecimal digits, such as 046d');
    expect(await machineFile()).toBe(before);

    for (let n = 2; n <= USB_DEVICES_MAX; n++) expect((await cli('usb', 'add', id, `fffe:000${n}`)).code).toBe(0);
    const full = await machineFile();
    const tooMany = await cli('usb', 'add', id, 'fffe:0009');
    expect(tooMany.code).toBe(1);
    expect(tooMany.err).toContain(`at most ${USB_DEVICES_MAX} USB devices`);
    expect(await machineFile()).toBe(full);

    const removed = await cli('usb', 'remove', id, 'fffe:0001');
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('Took USB device fffe:0001 (fffe:0001) from Office.');
    expect(((await devicesOf(id)) as unknown[]).length).toBe(USB_DEVICES_MAX - 1);
    const absent = await cli('usb', 'remove', id, 'fffe:0001');
    expect(absent.code).toBe(2);
    expect(absent.err).toContain(`Office (${id}) has no USB device fffe:0001`);
    expect((await cli('usb', 'add', id)).code).toBe(2);
    expect((await cli('usb', 'plug', id, 'fffe:0001')).err).toContain('takes add, remove, attach or detach');
  });
});
