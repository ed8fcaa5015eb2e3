// USB devices for a test host root (the integration tests and the e2e web host): a fake sysfs tree and usb.ids,
// while /dev/bus/usb stays this computer's truth, since the containers that get it run on the real engine.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { addFakeUsb, type FakeUsbDevice } from './fake-root';

/** What the tests plug in: a device usb.ids names, and one known only by its own strings. */
export const TEST_USB_DEVICES: readonly FakeUsbDevice[] = [
  { port: 'usb1', vendorId: '1d6b', productId: '0002', deviceClass: '09', bus: 1, device: 1 },
  { port: '1-1', vendorId: '046d', productId: 'c52b', bus: 1, device: 3 },
  { port: '1-2', vendorId: 'abcd', productId: '1234', manufacturer: 'ACME', product: 'Test Dongle', bus: 1, device: 4 },
];

/** Writes the devices under `root` (a test host root); /dev/bus/usb there only when this computer has it. */
export async function addTestUsb(root: string, devices: readonly FakeUsbDevice[] = TEST_USB_DEVICES): Promise<void> {
  const write = async (path: string, content = ''): Promise<void> => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  };
  await addFakeUsb({ write }, devices);
  if (existsSync('/dev/bus/usb')) await mkdir(join(root, 'dev/bus/usb'), { recursive: true });
}
