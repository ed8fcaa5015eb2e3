import { useCallback, useEffect, useState } from 'react';
import type { UsbListing } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

/** This computer's USB devices as the backend lists them (sysfs and usb.ids), read at once and again on refresh. */
export function useUsbListing() {
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

  const refresh = (): void => {
    setLoading(true);
    void load();
  };

  return { listing, loading, error, setError, refresh };
}
