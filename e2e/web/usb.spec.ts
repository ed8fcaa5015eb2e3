import { existsSync } from 'node:fs';
import { createBackend } from '../../app/core/backend';
import type { MachineView } from '../../app/api';
import { realHostClass } from '../../app/core/testing/test-host';
import { expect, standinImage, startWebHost, test, tileMenu } from './fixtures';
import { saveScreenshot } from './screenshots';

test.use({ viewport: { width: 1024, height: 900 } });

// The test web host's root carries a fake USB tree (PORTHOLE_TEST_USB=1: app/core/testing/test-usb.ts); its checks
// see this machine's own class, and /dev/bus/usb is this machine's truth.
test('USB devices: readable names on the settings page, ticked, saved into the machine, unticked', async ({ page }) => {
  const { host, stop } = await startWebHost(
    { PORTHOLE_TEST_HOST: await realHostClass(), PORTHOLE_TEST_USB: '1' },
    { testHost: true },
  );
  // Another Porthole process on the same configuration reads what the web host's backend saved.
  const view = async (id: string): Promise<MachineView> => {
    const other = await createBackend({
      configDir: host.configDir,
      dataDir: host.dataDir,
      env: process.env,
      watch: false,
    });
    try {
      const result = await other.invoke('getMachine', { id });
      if (!result.ok) throw new Error(result.error.message);
      return result.value as MachineView;
    } finally {
      await other.dispose();
    }
  };
  try {
    const other = await createBackend({
      configDir: host.configDir,
      dataDir: host.dataDir,
      env: process.env,
      watch: false,
    });
    const made = await other.invoke('createMachine', {
      name: `USB ${Math.random().toString(36).slice(2, 7)}`,
      image: standinImage(),
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    await other.dispose();
    if (!made.ok) throw new Error(made.error.message);
    const machine = made.value as MachineView;
    host.track(machine.id);

    await page.goto(host.url);
    await tileMenu(page.getByTestId(`machine-${machine.id}`), 'Settings');
    const settings = page.getByRole('region', { name: `Settings of ${machine.name}` });
    const usb = settings.getByTestId('settings-usb');
    await usb.scrollIntoViewIfNeeded();
    // Names from usb.ids, and from the device's own strings; the root hub is not offered.
    const receiver = usb.getByRole('checkbox', { name: /Logitech, Inc\. Unifying Receiver 046d:c52b/ });
    await expect(receiver).toBeVisible();
    await expect(usb.getByRole('checkbox', { name: /ACME Test Dongle abcd:1234/ })).toBeVisible();
    await expect(usb.getByRole('checkbox')).toHaveCount(2);
    // Whether devices can be passed at all is this computer's /dev/bus/usb.
    await expect(usb.getByTestId('usb-no-bus')).toHaveCount(existsSync('/dev/bus/usb') ? 0 : 1);

    await receiver.check();
    await expect(usb).toContainText('Changed · applies at next start');
    await saveScreenshot(page, 'usb-devices.png');
    const bar = settings.getByTestId('settings-bar');
    await bar.getByRole('button', { name: 'Apply' }).click();
    await expect(bar).toContainText('Saved', { timeout: 30_000 });
    expect((await view(machine.id)).usbDevices).toEqual([
      { vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver' },
    ]);
    await expect(receiver).toBeChecked();

    await receiver.uncheck();
    await bar.getByRole('button', { name: 'Apply' }).click();
    await expect(bar).toContainText('Saved', { timeout: 30_000 });
    expect((await view(machine.id)).usbDevices ?? []).toEqual([]);
    await expect(receiver).not.toBeChecked();
  } finally {
    await stop();
  }
});
