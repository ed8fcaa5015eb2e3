import { describe, expect, it } from 'vitest';
import { PortholeError } from '../../api';
import { changeLiveUsb } from './live';
import {
  parseQmpReplies,
  peripheralIds,
  QMP_ENV,
  QMP_SCRIPT,
  runQmp,
  usbAttachCommand,
  usbDetachCommand,
  type QmpExec,
} from './qmp';
import type { MachineView } from '../../api';

const GREETING = '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}';

describe('QEMU monitor commands for USB', () => {
  it('attaches a host device by vendor and product id on the image’s xHCI controller, under an id it can be detached by', () => {
    expect(usbAttachCommand({ vendorId: '046d', productId: 'c52b' })).toEqual({
      execute: 'device_add',
      arguments: {
        driver: 'usb-host',
        id: 'porthole-usb-046d-c52b',
        bus: 'xhci.0',
        vendorid: 0x046d,
        productid: 0xc52b,
      },
    });
    expect(usbDetachCommand({ vendorId: '046d', productId: 'c52b' })).toEqual({
      execute: 'device_del',
      arguments: { id: 'porthole-usb-046d-c52b' },
    });
  });

  it('asks the image for the monitor on a unix socket in the container, and reaches it there', () => {
    expect(QMP_ENV).toBe('QMP=unix:/run/porthole-qmp.sock,server=on,wait=off');
    expect(QMP_SCRIPT).toContain('sock=/run/porthole-qmp.sock');
    expect(QMP_SCRIPT).toContain('"execute":"qmp_capabilities"');
  });

  it('reads the answers in order, leaving out the greeting, the handshake and events; errors by their description', () => {
    const output = [
      GREETING,
      '{"return": {}}',
      '{"return": {}}',
      '{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "DEVICE_DELETED", "data": {"device": "x"}}',
      '{"error": {"class": "DeviceNotFound", "desc": "Device \'nope\' not found"}}',
      'not json',
    ].join('\n');
    expect(parseQmpReplies(output)).toEqual([
      { ok: true, value: {} },
      { ok: false, error: "Device 'nope' not found" },
    ]);
    expect(
      peripheralIds([
        { name: 'type', type: 'string' },
        { name: 'porthole-usb-046d-c52b', type: 'child<usb-host>' },
      ]),
    ).toEqual(['porthole-usb-046d-c52b']);
  });

  it('says plainly when the machine has no monitor (started before this Porthole) or QEMU does not answer', async () => {
    const none: QmpExec = async () => ({ exitCode: 10, output: '' });
    await expect(runQmp(none, [usbDetachCommand({ vendorId: '046d', productId: 'c52b' })], 'Office')).rejects.toThrow(
      'Office was started without the monitor',
    );
    const silent: QmpExec = async () => ({ exitCode: 0, output: GREETING });
    await expect(runQmp(silent, [usbDetachCommand({ vendorId: '046d', productId: 'c52b' })], 'Office')).rejects.toThrow(
      'QEMU in Office did not answer.',
    );
  });

  it('refuses a machine that is not running before reaching its container', async () => {
    const view = {
      id: 'office',
      name: 'Office',
      status: { running: false, phase: 'stopped', screenReady: false },
    } as unknown as MachineView;
    const exec: QmpExec = async () => {
      throw new Error('not reached');
    };
    const refused = await changeLiveUsb('attach', view, { vendorId: '046d', productId: 'c52b' }, exec).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PortholeError);
    expect((refused as PortholeError).message).toBe('Office is not running.');
  });
});
