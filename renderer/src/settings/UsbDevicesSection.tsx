import { USB_DEVICES_MAX, usbKey, type UsbDeviceRef, type UsbListing } from '@porthole/api';
import { useUsbAttach } from './use-usb-attach';
import { useUsbListing } from './use-usb-listing';
import { UsbDeviceRow } from './UsbDeviceRow';
import { UsbNotices } from './UsbNotices';
import './usb.css';

interface Row {
  device: UsbDeviceRef;
  plugged: boolean;
}

/** This computer's devices first, then the machine's devices that are not plugged in now (still there to remove). */
function rowsOf(listing: UsbListing | null, chosen: readonly UsbDeviceRef[]): Row[] {
  const plugged = listing?.devices ?? [];
  const here = new Set(plugged.map(usbKey));
  return [
    ...plugged.map((d) => ({ device: { vendorId: d.vendorId, productId: d.productId, name: d.name }, plugged: true })),
    ...chosen.filter((d) => !here.has(usbKey(d))).map((d) => ({ device: d, plugged: false })),
  ];
}

/**
 * The machine's USB devices on its settings page: this computer's devices with readable names and a
 * checkbox each. The choice is part of the page's form (saved with Apply, through updateMachine, where
 * the backend checks it); the list itself comes from the backend (sysfs and usb.ids), re-read on Refresh.
 */
export function UsbDevicesSection({
  value,
  onChange,
  running,
  machineId,
}: {
  value: readonly UsbDeviceRef[];
  onChange: (devices: UsbDeviceRef[]) => void;
  running: boolean;
  /** The machine, for attaching a device while it runs (through its QEMU monitor); absent: no such buttons. */
  machineId?: string;
}) {
  const { listing, loading, error, setError, refresh } = useUsbListing();
  const live = running && machineId !== undefined;
  const { attached, busy, attachNow } = useUsbAttach(machineId, live, setError);

  const chosen = new Set(value.map(usbKey));
  const full = value.length >= USB_DEVICES_MAX;
  const rows = rowsOf(listing, value);
  const toggle = (device: UsbDeviceRef, on: boolean): void => {
    const key = usbKey(device);
    onChange(on ? [...value, device] : value.filter((d) => usbKey(d) !== key));
  };

  return (
    <div className="usb-devices" data-testid="usb-devices">
      <UsbNotices listing={listing} running={running} live={live} error={error} />
      {rows.length > 0 ? (
        <ul className="plain usb-list" aria-label="USB devices">
          {rows.map(({ device, plugged }) => (
            <UsbDeviceRow
              key={usbKey(device)}
              device={device}
              plugged={plugged}
              chosen={chosen.has(usbKey(device))}
              full={full}
              live={live}
              attached={attached.has(usbKey(device))}
              busy={busy}
              onToggle={(on) => toggle(device, on)}
              onAttach={(on) => attachNow(device, on)}
            />
          ))}
        </ul>
      ) : null}
      {full ? <p className="field-hint">A machine takes at most {USB_DEVICES_MAX} USB devices.</p> : null}
      <button type="button" onClick={refresh} disabled={loading}>
        {loading ? 'Looking…' : 'Refresh'}
      </button>
    </div>
  );
}
