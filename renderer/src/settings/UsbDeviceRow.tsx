import { usbKey, type UsbDeviceRef } from '@porthole/api';

/** One USB device: its checkbox, name and id, whether it is plugged in, and Attach/Detach now while the machine runs. */
export function UsbDeviceRow({
  device,
  plugged,
  chosen,
  full,
  live,
  attached,
  busy,
  onToggle,
  onAttach,
}: {
  device: UsbDeviceRef;
  plugged: boolean;
  /** The machine has this device. */
  chosen: boolean;
  /** The machine has as many devices as it can take. */
  full: boolean;
  /** The machine runs and devices can be attached to it now. */
  live: boolean;
  attached: boolean;
  /** The key of the device being attached or detached, if any. */
  busy: string | null;
  onToggle: (on: boolean) => void;
  onAttach: (on: boolean) => void;
}) {
  const key = usbKey(device);
  return (
    <li>
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={chosen}
          disabled={!chosen && full}
          onChange={(e) => onToggle(e.target.checked)}
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
        <button type="button" className="ghost" disabled={busy !== null} onClick={() => onAttach(!attached)}>
          {busy === key ? 'Working…' : attached ? 'Detach now' : 'Attach now'}
        </button>
      ) : null}
    </li>
  );
}
