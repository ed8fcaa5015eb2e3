import type { UsbListing } from '@porthole/api';

/** What the USB section says first: what it does, a running machine, a remote engine, no bus, an error, no devices. */
export function UsbNotices({
  listing,
  running,
  live,
  error,
}: {
  listing: UsbListing | null;
  running: boolean;
  /** Devices can be attached to the running machine now. */
  live: boolean;
  error: string | null;
}) {
  return (
    <>
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
    </>
  );
}
