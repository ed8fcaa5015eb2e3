import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USB_DEVICES_MAX, type MachineView } from '../api';
import { createBackend, type Backend } from './backend';
import { addFakeUsb, makeFakeRoot, type FakeRoot } from './testing/fake-root';

describe('USB through the backend (a fake root, no engine)', () => {
  let fake: FakeRoot;
  let backend: Backend;
  beforeAll(async () => {
    fake = await makeFakeRoot();
    await fake.mkdir('/dev/bus/usb/001');
    await addFakeUsb(fake, [{ port: '1-1', vendorId: '046d', productId: 'c52b', bus: 1, device: 3 }]);
    backend = await createBackend({
      configDir: join(fake.root, 'config'),
      dataDir: join(fake.root, 'data'),
      env: { ...process.env, DOCKER_HOST: `unix://${join(fake.root, 'no-engine.sock')}` },
      watch: false,
      hostCheck: fake.options(),
    });
  });
  afterAll(async () => {
    await backend.dispose();
    await fake.cleanup();
  });

  it('listUsbDevices reads the host root given to the backend', async () => {
    expect(await backend.invoke('listUsbDevices', {})).toEqual({
      ok: true,
      value: {
        devices: [{ vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver', bus: 1, device: 3 }],
        busAvailable: true,
      },
    });
  });

  it('updateMachine refuses bad ids, duplicates and too many devices, and changes nothing', async () => {
    const created = await backend.invoke('createMachine', { name: 'Usb' });
    const id = created.ok ? (created.value as MachineView).id : '';
    const receiver = { vendorId: '046d', productId: 'c52b', name: 'Receiver' };
    expect(await backend.invoke('updateMachine', { id, changes: { usbDevices: [receiver] } })).toMatchObject({
      ok: true,
      value: { appliesAt: 'recreate' },
    });
    const refusals = [
      [{ ...receiver, vendorId: '46d' }],
      [{ ...receiver, productId: 'C52B' }],
      [receiver, { ...receiver, name: 'Again' }],
      Array.from({ length: USB_DEVICES_MAX + 1 }, (_, i) => ({
        vendorId: 'fffe',
        productId: (i + 1).toString(16).padStart(4, '0'),
        name: `D${i}`,
      })),
    ];
    const messages: string[] = [];
    for (const usbDevices of refusals) {
      const result = await backend.invoke('updateMachine', { id, changes: { usbDevices } });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      if (!result.ok) messages.push(result.error.message);
    }
    expect(messages[0]).toContain('a USB id is four hexadecimal digits, such as 046d');
    expect(messages[1]).toContain('a USB id is four hexadecimal digits');
    expect(messages[2]).toContain('each USB device is listed once');
    expect(messages[3]).toContain(`at most ${USB_DEVICES_MAX} USB devices`);
    expect(await backend.invoke('getMachine', { id })).toMatchObject({ ok: true, value: { usbDevices: [receiver] } });
  });
});
