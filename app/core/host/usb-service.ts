// USB for the backend: the listing action, and the warning a machine carries when it started without a device.
import { usbKey, usbMissingWarning, type HostUsbDevice, type MachineView, type UsbListing } from '../../api';
import { hostContext, type HostCheckOptions } from './context';
import { listUsbDevices } from './usb';

const USB_BUS = '/dev/bus/usb';

/** The devices plugged in now, and whether /dev/bus/usb exists (read under the host options' root). */
export async function usbListing(options: HostCheckOptions): Promise<UsbListing> {
  const ctx = hostContext(options);
  const [devices, busAvailable] = await Promise.all([listUsbDevices(ctx), ctx.exists(USB_BUS)]);
  if (busAvailable) return { devices, busAvailable };
  return {
    devices,
    busAvailable,
    busMessage:
      `This computer has no ${USB_BUS}, so no USB device can be passed to a machine (a computer without USB, or Porthole running in a container without it). ` +
      'Run Porthole where the devices are plugged in; "ls /dev/bus/usb" shows whether the bus is there.',
  };
}

/** The listing, saying so when machines run on another computer (a remote engine) whose devices are not these. */
export async function usbListingFor(options: HostCheckOptions, engineHost: string | null): Promise<UsbListing> {
  const listing = await usbListing(options);
  if (engineHost === null) return listing;
  return {
    ...listing,
    remoteNote: `Machines run on ${engineHost}, the container engine's computer: they get USB devices plugged into that computer, by the same vendor and product ids. This list is of this computer.`,
  };
}

/** The machine's USB devices that are not among those plugged in. */
export function missingUsbDevices(
  m: Pick<MachineView, 'usbDevices'>,
  plugged: readonly HostUsbDevice[],
): NonNullable<MachineView['usbDevices']> {
  const here = new Set(plugged.map(usbKey));
  return (m.usbDevices ?? []).filter((d) => !here.has(usbKey(d)));
}

/**
 * Which USB devices each running machine started without. QEMU takes a usb-host device that is absent
 * (it waits for it), so a missing device never fails a start: the machine runs without it and its view
 * says so. Looked at once per run, when a machine is first seen running; forgotten when it stops.
 */
export class UsbStartWarnings {
  private readonly runs = new Map<string, { containerId: string | undefined; warnings: string[] | null }>();

  constructor(
    private readonly list: () => Promise<HostUsbDevice[]>,
    /** Called when a machine's warnings become known: re-emit its view. */
    private readonly changed: (id: string) => void,
  ) {}

  /** The view with its warnings, if it runs with devices missing; starts the look at a new run. */
  decorate(view: MachineView): MachineView {
    if (!view.status.running || !view.usbDevices?.length) {
      this.runs.delete(view.id);
      return view;
    }
    const run = this.runs.get(view.id);
    if (!run || run.containerId !== view.status.containerId) {
      const fresh = { containerId: view.status.containerId, warnings: null as string[] | null };
      this.runs.set(view.id, fresh);
      // A listing that fails says nothing about the devices: no warning rather than a false one.
      void this.list()
        .catch(() => null)
        .then((plugged) => {
          if (!plugged || this.runs.get(view.id) !== fresh) return;
          fresh.warnings = missingUsbDevices(view, plugged).map(usbMissingWarning);
          if (fresh.warnings.length > 0) this.changed(view.id);
        });
      return view;
    }
    return run.warnings?.length ? { ...view, warnings: [...(view.warnings ?? []), ...run.warnings] } : view;
  }

  /** The machine is gone. */
  forget(id: string): void {
    this.runs.delete(id);
  }
}
