import { PortholeError, usbKey, type LiveUsbResult, type MachineView } from '../../api';
import {
  peripheralIds,
  PERIPHERALS,
  runQmp,
  usbAttachCommand,
  usbDetachCommand,
  usbDeviceId,
  type QmpExec,
} from './qmp';

const PREFIX = 'porthole-usb-';

/** `porthole-usb-046d-c52b` -> `046d:c52b`. */
function keyOf(deviceId: string): string | null {
  const match = /^porthole-usb-([0-9a-f]{4})-([0-9a-f]{4})$/.exec(deviceId);
  return match ? `${match[1]}:${match[2]}` : null;
}

/** The devices Porthole has attached to a running machine; none when it is stopped. */
export async function attachedLiveUsb(view: MachineView, exec: QmpExec): Promise<LiveUsbResult> {
  if (!view.status.running || !view.status.containerId) return { attached: [] };
  const [reply] = await runQmp(exec, [PERIPHERALS], view.name);
  return { attached: reply?.ok ? attachedKeys(peripheralIds(reply.value)) : [] };
}

function attachedKeys(ids: string[]): string[] {
  return ids
    .filter((id) => id.startsWith(PREFIX))
    .map(keyOf)
    .filter((k): k is string => k !== null);
}

/**
 * Attaches a host USB device to a running machine, or detaches it, through QEMU's monitor; answers the
 * devices Porthole has attached to it now. Attaching one that is attached, or detaching one that is not, is
 * said plainly rather than done twice.
 */
export async function changeLiveUsb(
  verb: 'attach' | 'detach',
  view: MachineView,
  device: { vendorId: string; productId: string },
  exec: QmpExec,
): Promise<LiveUsbResult> {
  if (!view.status.running || !view.status.containerId) {
    throw new PortholeError(
      'CONFLICT',
      `${view.name} is not running.`,
      `Start it first ("porthole start ${view.id}"), or give it the device in its settings for its next start ("porthole usb add").`,
    );
  }
  const key = usbKey(device);
  // QEMU opens host devices through the container's /dev/bus/usb, which the engine passes only to a machine
  // started with USB devices ticked: without it an attach would seem to work and never reach the device.
  if (verb === 'attach' && (await exec(['test', '-d', '/dev/bus/usb'])).exitCode !== 0) {
    throw new PortholeError(
      'CONFLICT',
      `${view.name} was started without USB passthrough, so Windows cannot reach a USB device of this computer.`,
      `Tick the device in its settings ("porthole usb add ${view.id} ${key}") and restart it once; after that, devices attach while it runs.`,
    );
  }
  const [before] = await runQmp(exec, [PERIPHERALS], view.name);
  const present = before?.ok ? peripheralIds(before.value) : [];
  const has = present.includes(usbDeviceId(device));
  if (verb === 'attach' && has)
    throw new PortholeError('CONFLICT', `USB device ${key} is already attached to ${view.name}.`);
  if (verb === 'detach' && !has) {
    throw new PortholeError(
      'NOT_FOUND',
      `USB device ${key} is not attached to ${view.name} now.`,
      'A device it got at its start is taken away by removing it in its settings (porthole usb remove), then restarting it.',
    );
  }
  const [reply, after] = await runQmp(
    exec,
    [verb === 'attach' ? usbAttachCommand(device) : usbDetachCommand(device), PERIPHERALS],
    view.name,
  );
  if (reply && !reply.ok) {
    throw new PortholeError(
      'ENGINE_ERROR',
      `QEMU in ${view.name} refused to ${verb} USB device ${key}: ${reply.error}`,
      'Check that the device is plugged into the engine’s computer ("porthole usb" lists them).',
    );
  }
  const ids = after?.ok ? peripheralIds(after.value) : [];
  // device_del finishes when the device is gone from the bus: for USB at once, but said from the answer, not assumed.
  return { attached: attachedKeys(ids.filter((id) => !(verb === 'detach' && id === usbDeviceId(device)))) };
}
