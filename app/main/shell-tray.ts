import type { Shell } from './shell';
import { TrayController } from './tray-controller';

/** The tray icon and its menu, acting through the shell as the main window would. */
export function createTray(iconsDir: string, shell: Shell): TrayController {
  const { act, machineName: name } = shell;
  return new TrayController(iconsDir, {
    start: (id) => void act('startMachine', { id }, `Could not start ${name(id)}`),
    stop: (id) => void act('stopMachine', { id }, `Could not stop ${name(id)}`),
    restart: (id) => void act('restartMachine', { id }, `Could not restart ${name(id)}`),
    showScreen: (id) => void shell.openScreen(id).catch((err: unknown) => console.error(err)),
    usb: (id, { vendorId, productId }, attach) =>
      void (attach
        ? act('attachUsb', { id, vendorId, productId }, `Could not attach the USB device to ${name(id)}`)
        : act('detachUsb', { id, vendorId, productId }, `Could not detach the USB device from ${name(id)}`)),
    openApp: () => void shell.showMain(),
    quit: () => void shell.quit.request(),
  });
}
