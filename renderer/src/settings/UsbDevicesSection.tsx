import { useCallback, useEffect, useState } from 'react';
import { USB_DEVICES_MAX, usbKey, type UsbDeviceRef, type UsbListing } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/errors';
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
  const [listing, setListing] = useState<UsbListing | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  // State is set only when the answer comes (the first list is loading from the start).
  const load = useCallback(
    (): Promise<void> =>
      porthole()
        .listUsbDevices({})
        .then(
          (answer) => {
            setListing(answer);
            setError(null);
          },
          (e: unknown) => setError(`Porthole could not list this computer’s USB devices: ${errorText(e)}`),
        )
        .finally(() => setLoading(false)),
    [],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // What is attached to the running machine now (attachUsb/detachUsb), besides what it got at its start.
  const live = running && machineId !== undefined;
  const [attached, setAttached] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    if (!live || !machineId) return;
    let current = true;
    porthole()
      .attachedUsb({ id: machineId })
      .then(
        (answer) => current && setAttached(new Set(answer.attached)),
        () => undefined,
      );
    return () => {
      current = false;
    };
  }, [live, machineId]);
  const attachNow = (device: UsbDeviceRef, on: boolean): void => {
    if (!machineId) return;
    const key = usbKey(device);
    setBusy(key);
    const request = { id: machineId, vendorId: device.vendorId, productId: device.productId };
    (on ? porthole().attachUsb(request) : porthole().detachUsb(request))
      .then(
        (answer) => {
          setAttached(new Set(answer.attached));
          setError(null);
        },
        (e: unknown) => setError(errorText(e)),
      )
      .finally(() => setBusy(null));
  };

  const refresh = (): void => {
    setLoading(true);
    void load();
  };

  const chosen = new Set(value.map(usbKey));
  const full = value.length >= USB_DEVICES_MAX;
  const rows = rowsOf(listing, value);
  const toggle = (device: UsbDeviceRef, on: boolean): void => {
    const key = usbKey(device);
    onChange(on ? [...value, device] : value.filter((d) => usbKey(d) !== key));
  };

  return (
    <div className="usb-devices" data-testid="usb-devices">
      <p className="field-hint">
        Give Windows a device plugged into this computer (a security key, a dongle, a scanner): the machine gets it by
        its vendor and product id, so it finds it in any USB port. While the machine has it, Linux here cannot use it.
      </p>
      {running ? (
        <p className="notice" data-testid="usb-running-note">
          The machine is running: changes to its USB devices apply at its next start.{' '}
          {live ? 'Attach now gives a plugged-in device to Windows at once.' : ''}
        </p>
      ) : null}
      {listing?.remoteNote ? (
        <p className="notice" data-testid="usb-remote">
          {listing.remoteNote}
        </p>
      ) : null}
      {listing && !listing.busAvailable ? (
        <p className="notice" role="status" data-testid="usb-no-bus">
          {listing.busMessage ?? 'This computer has no USB bus, so no USB device can be passed to a machine.'}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {listing && listing.devices.length === 0 && listing.busAvailable ? (
        <p className="muted">No USB devices found on this computer.</p>
      ) : null}
      {rows.length > 0 ? (
        <ul className="plain usb-list" aria-label="USB devices">
          {rows.map(({ device, plugged }) => {
            const key = usbKey(device);
            const on = chosen.has(key);
            return (
              <li key={key}>
                <label className="checkbox-row">
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!on && full}
                    onChange={(e) => toggle(device, e.target.checked)}
                  />
                  <span className="usb-name">{device.name}</span> <code className="usb-id">{key}</code>
                  {plugged ? null : (
                    <>
                      {' '}
                      <span className="usb-absent">Not plugged in</span>
                    </>
                  )}
                </label>
                {live && plugged ? (
                  <button
                    type="button"
                    className="ghost"
                    disabled={busy !== null}
                    onClick={() => attachNow(device, !attached.has(key))}
                  >
                    {busy === key ? 'Working…' : attached.has(key) ? 'Detach now' : 'Attach now'}
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {full ? <p className="field-hint">A machine takes at most {USB_DEVICES_MAX} USB devices.</p> : null}
      <button type="button" onClick={refresh} disabled={loading}>
        {loading ? 'Looking…' : 'Refresh'}
      </button>
    </div>
  );
}
