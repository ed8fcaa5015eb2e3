// This computer's USB devices, read from sysfs (no lsusb, no root), named from the system's usb.ids.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostUsbDevice } from '../../api';

/** Where distributions keep the USB id database (Debian's usb.ids package first; hwdata elsewhere). */
export const USB_IDS_PATHS = ['/usr/share/misc/usb.ids', '/usr/share/hwdata/usb.ids', '/var/lib/usbutils/usb.ids'];

/** Vendor and product names by id, from the usb.ids text format. */
export interface UsbNames {
  vendor(vendorId: string): string | undefined;
  product(vendorId: string, productId: string): string | undefined;
}

/**
 * Reads usb.ids: `vvvv  Vendor name` lines, each followed by `\tpppp  Product name` lines. Interfaces
 * (two tabs) and the class lists after the vendors (`C 00  …`) are not device names and are skipped.
 */
export function parseUsbIds(text: string): UsbNames {
  const vendors = new Map<string, string>();
  const products = new Map<string, string>();
  let vendor: string | null = null;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const top = /^([0-9a-f]{4}) {2}(.+)$/.exec(line);
    if (top) {
      vendor = top[1]!;
      vendors.set(vendor, top[2]!.trim());
      continue;
    }
    const sub = /^\t([0-9a-f]{4}) {2}(.+)$/.exec(line);
    if (sub && vendor) {
      products.set(`${vendor}:${sub[1]!}`, sub[2]!.trim());
      continue;
    }
    // Anything else at the top level (the class, language and HID lists) ends the vendor section.
    if (!line.startsWith('\t')) vendor = null;
  }
  return {
    vendor: (v) => vendors.get(v),
    product: (v, p) => products.get(`${v}:${p}`),
  };
}

const NO_NAMES: UsbNames = { vendor: () => undefined, product: () => undefined };

/** What the listing reads: the file system under `root` (a fake tree in tests). */
export interface UsbReader {
  at(path: string): string;
  readText(path: string): Promise<string | null>;
}

async function loadNames(reader: UsbReader): Promise<UsbNames> {
  for (const path of USB_IDS_PATHS) {
    const text = await reader.readText(path);
    if (text !== null) return parseUsbIds(text);
  }
  return NO_NAMES;
}

/**
 * The readable name: usb.ids' vendor and product, else what the device says of itself, else its ids.
 * A device's own strings come first only when usb.ids does not know the product.
 */
export function usbDeviceName(
  names: UsbNames,
  d: { vendorId: string; productId: string; manufacturer?: string; product?: string },
): string {
  const product = names.product(d.vendorId, d.productId) ?? d.product;
  const vendor = names.vendor(d.vendorId) ?? d.manufacturer;
  if (vendor && product)
    return product.toLowerCase().startsWith(vendor.toLowerCase()) ? product : `${vendor} ${product}`;
  return product ?? (vendor ? `${vendor} device ${d.productId}` : `USB device ${d.vendorId}:${d.productId}`);
}

const HUB_CLASS = '09';

/**
 * The USB devices plugged in now, without hubs (root hubs included): what a person could give a machine.
 * None when the computer has no USB bus in sysfs (a VM without USB, a container).
 */
export async function listUsbDevices(reader: UsbReader): Promise<HostUsbDevice[]> {
  const dir = '/sys/bus/usb/devices';
  let entries: string[];
  try {
    entries = await readdir(reader.at(dir));
  } catch {
    return [];
  }
  const names = await loadNames(reader);
  const found: HostUsbDevice[] = [];
  // Devices are `<bus>-<port>[.<port>…]` (and `usbN` for root hubs); interfaces have a colon.
  for (const entry of entries.sort()) {
    if (entry.includes(':')) continue;
    const read = async (file: string): Promise<string | undefined> =>
      (await reader.readText(join(dir, entry, file)))?.trim() || undefined;
    const [vendorId, productId, deviceClass, busnum, devnum, manufacturer, product] = await Promise.all(
      ['idVendor', 'idProduct', 'bDeviceClass', 'busnum', 'devnum', 'manufacturer', 'product'].map(read),
    );
    if (!vendorId || !productId || !/^[0-9a-f]{4}$/.test(vendorId) || !/^[0-9a-f]{4}$/.test(productId)) continue;
    if (deviceClass === HUB_CLASS) continue;
    found.push({
      vendorId,
      productId,
      name: usbDeviceName(names, {
        vendorId,
        productId,
        ...(manufacturer ? { manufacturer } : {}),
        ...(product ? { product } : {}),
      }).slice(0, 200),
      bus: Number(busnum ?? 0) || 0,
      device: Number(devnum ?? 0) || 0,
    });
  }
  return found;
}
