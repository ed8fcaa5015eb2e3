import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostUsbDevice, MachineView } from '../../api';
import { attachPluggedDevice, UsbHotplug, usbNodeMinor, usbNodePath } from './hotplug';
import { QMP_SCRIPT, type QmpExec } from './qmp';

const receiver = { vendorId: '046d', productId: 'c52b', name: 'Logitech Unifying Receiver' };
const stick = { vendorId: '0781', productId: '5581', name: 'SanDisk Ultra' };
const view = (usbDevices: (typeof receiver)[], running = true): MachineView =>
  ({
    id: 'office',
    name: 'Office',
    usbDevices,
    status: { running, phase: running ? 'ready' : 'stopped', screenReady: running, containerId: 'c0ffee' },
  }) as unknown as MachineView;

describe('USB devices plugged in while a machine runs', () => {
  let root: string;
  let plugged: HostUsbDevice[];
  let attached: Array<{ id: string; device: string }>;
  let hotplug: UsbHotplug;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-hotplug-'));
    await mkdir(join(root, '001'), { recursive: true });
    plugged = [{ ...stick, bus: 1, device: 2 }];
    attached = [];
    hotplug = new UsbHotplug({
      busDir: root,
      list: async () => plugged,
      attach: async (v, d) =>
        void attached.push({ id: v.id, device: `${d.vendorId}:${d.productId}@${d.bus}.${d.device}` }),
      settleMs: 50,
    });
  });
  afterEach(async () => {
    hotplug.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('watches the bus only while a running machine has devices ticked', () => {
    expect(hotplug.watching).toBe(false);
    hotplug.update(view([]));
    expect(hotplug.watching).toBe(false);
    hotplug.update(view([receiver]));
    expect(hotplug.watching).toBe(true);
    hotplug.update(view([receiver], false));
    expect(hotplug.watching).toBe(false);
    hotplug.update(view([receiver]));
    hotplug.remove('office');
    expect(hotplug.watching).toBe(false);
  });

  it('attaches a ticked device within seconds of its node appearing, and nothing else', async () => {
    hotplug.update(view([receiver, stick]));
    await hotplug.settled();
    // The stick was there at the start (the machine got it then); the receiver comes now, on a new bus too.
    plugged = [
      { ...stick, bus: 1, device: 2 },
      { ...receiver, bus: 2, device: 5 },
    ];
    await mkdir(join(root, '002'));
    await expect.poll(() => attached, { timeout: 3_000 }).toEqual([{ id: 'office', device: '046d:c52b@2.5' }]);
    // Unplugged and plugged again (a new device number): attached again; an unticked device is not.
    plugged = [
      { ...stick, bus: 1, device: 2 },
      { vendorId: '1234', productId: '5678', name: 'Other', bus: 1, device: 7 },
    ];
    await writeFile(join(root, '001', '007'), '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hotplug.settled();
    plugged = [
      { ...stick, bus: 1, device: 2 },
      { ...receiver, bus: 2, device: 6 },
    ];
    await writeFile(join(root, '002', '006'), '');
    await expect.poll(() => attached.length, { timeout: 3_000 }).toBe(2);
    expect(attached[1]).toEqual({ id: 'office', device: '046d:c52b@2.6' });
  });

  it('makes the device node in the container, then has QEMU open it (argument arrays, no shell of ours)', async () => {
    expect(usbNodePath({ bus: 2, device: 5 })).toBe('/dev/bus/usb/002/005');
    expect(usbNodeMinor({ bus: 2, device: 5 })).toBe(132);
    const runs: string[][] = [];
    const exec: QmpExec = async (argv) => {
      runs.push(argv);
      if (argv[2] !== QMP_SCRIPT) return { exitCode: 0, output: '' };
      return {
        exitCode: 0,
        output: `{"QMP": {}}\n{"return": {}}\n${argv
          .slice(4)
          .map(() => '{"return": []}')
          .join('\n')}\n`,
      };
    };
    await attachPluggedDevice(view([receiver]), { ...receiver, bus: 2, device: 5 }, exec);
    expect(runs[0]).toEqual(['mkdir', '-p', '/dev/bus/usb/002']);
    expect(runs[1]).toEqual(['mknod', '-m', '0664', '/dev/bus/usb/002/005', 'c', '189', '132']);
    expect(JSON.parse(runs.at(-1)!.at(-1)!)).toEqual({
      execute: 'device_add',
      arguments: {
        driver: 'usb-host',
        id: 'porthole-usb-046d-c52b',
        bus: 'xhci.0',
        hostdevice: '/dev/bus/usb/002/005',
      },
    });
  });
});
