import { useEffect, useState } from 'react';
import { usbKey, type UsbDeviceRef } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

/**
 * What is attached to the running machine now (attachUsb/detachUsb, through its QEMU monitor),
 * besides what it got at its start; `live` false: nothing to ask or attach.
 */
export function useUsbAttach(machineId: string | undefined, live: boolean, setError: (error: string | null) => void) {
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

  return { attached, busy, attachNow };
}
