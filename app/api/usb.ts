import { z } from 'zod';

/** A USB vendor or product id: four lowercase hex digits, as sysfs and usb.ids write them. */
export const usbIdSchema = z.string().regex(/^[0-9a-f]{4}$/, 'a USB id is four hexadecimal digits, such as 046d');

/**
 * A USB device given to a machine, by vendor and product id (the way the image documents passthrough:
 * QEMU's usb-host by vendorid/productid). The name is how it was called when chosen, so a device that is
 * unplugged now is still named.
 */
export const usbDeviceRefSchema = z.object({
  vendorId: usbIdSchema,
  productId: usbIdSchema,
  name: z.string().max(200),
});
export type UsbDeviceRef = z.infer<typeof usbDeviceRefSchema>;

/** The most USB devices one machine takes (QEMU's xHCI controller has a few ports; more is a mistake). */
export const USB_DEVICES_MAX = 8;

/** A USB device plugged into this computer now. */
export const hostUsbDeviceSchema = usbDeviceRefSchema.extend({
  /** `/dev/bus/usb/<bus>/<device>`: changes at each plug-in; shown, never stored. */
  bus: z.number().int().nonnegative(),
  device: z.number().int().nonnegative(),
});
export type HostUsbDevice = z.infer<typeof hostUsbDeviceSchema>;

export function usbKey(d: { vendorId: string; productId: string }): string {
  return `${d.vendorId}:${d.productId}`;
}

/** What listUsbDevices answers: the devices plugged in now, and whether they can be passed to machines at all. */
export const usbListingSchema = z.object({
  devices: z.array(hostUsbDeviceSchema),
  /** `/dev/bus/usb` exists on this computer: the device nodes machines are given. */
  busAvailable: z.boolean(),
  /** Why devices cannot be passed (no USB bus), with what to do; absent when they can. */
  busMessage: z.string().optional(),
  /** Set when the engine runs on another computer: machines get that computer's devices, not these. */
  remoteNote: z.string().optional(),
});
export type UsbListing = z.infer<typeof usbListingSchema>;

/** The warning a machine carries when it started without one of its USB devices. */
export function usbMissingWarning(d: { vendorId: string; productId: string; name: string }): string {
  return `USB device ${d.name} (${usbKey(d)}) is not plugged in; Windows starts without it. Plug it in and restart the machine to use it.`;
}

/** A device to attach to or detach from a running machine, by vendor and product id. */
export const liveUsbRequestSchema = z.object({ vendorId: usbIdSchema, productId: usbIdSchema });

/** After an attach or detach: the devices Porthole has attached to the running machine (`vendor:product`). */
export const liveUsbResultSchema = z.object({ attached: z.array(z.string()) });
export type LiveUsbResult = z.infer<typeof liveUsbResultSchema>;
