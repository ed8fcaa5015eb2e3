// `porthole usb`: this computer's USB devices and the machines using them; `usb add|remove` change a machine's;
// `usb attach|detach` give a running machine a device now, or take it back.
import { usbKey, type MachineView, type UsbDeviceRef, type UsbListing } from '../../api';
import type { Call } from '../backend-call';
import { tableLines } from '../output-text';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    "  usb                         This computer's USB devices (VENDOR:PRODUCT, name) and the machines using each\n" +
    '  usb add|remove ID VENDOR:PRODUCT\n' +
    '                              Give a machine a USB device, or take it away (applies at its next start)\n' +
    '  usb attach|detach ID VENDOR:PRODUCT\n' +
    '                              Attach a USB device to a running machine now, or detach it (settings unchanged)\n',
  run: ({ call, positionals, print }) => usbCommand(call, positionals.slice(1), print),
};

/** A usage mistake: said with what to type instead, exit code 2. */
export class UsbUsageError extends Error {}

/** The devices plugged in (with the machines using each), then those machines have that are not plugged in. */
export function formatUsbDevices(listing: UsbListing, machines: readonly MachineView[]): string {
  const users = (key: string): string =>
    machines
      .filter((m) => (m.usbDevices ?? []).some((d) => usbKey(d) === key))
      .map((m) => `${m.name} (${m.id})`)
      .join(', ');
  const lines: string[] = [];
  if (listing.devices.length === 0) lines.push('No USB devices found on this computer.');
  else {
    const rows = listing.devices.map((d) => [usbKey(d), d.name, users(usbKey(d)) || '-']);
    const header = ['ID', 'NAME', 'MACHINES'];
    lines.push(...tableLines(header, rows));
  }
  const plugged = new Set(listing.devices.map(usbKey));
  const absent = new Map<string, string>();
  for (const m of machines)
    for (const d of m.usbDevices ?? []) if (!plugged.has(usbKey(d))) absent.set(usbKey(d), d.name);
  for (const [key, name] of absent) lines.push(`Not plugged in: ${key} ${name}, used by ${users(key)}`);
  if (listing.busMessage) lines.push(listing.busMessage);
  if (listing.remoteNote) lines.push(listing.remoteNote);
  return lines.join('\n') + '\n';
}

/** `046D:C52B` -> vendor and product as the contract writes them; whether they are valid ids is the backend's call. */
export function parseUsbArg(text: string | undefined, verb: string): { vendorId: string; productId: string } {
  const parts = text?.split(':');
  if (!text || parts?.length !== 2) {
    throw new UsbUsageError(
      `"porthole usb ${verb}" needs a machine id and a device as VENDOR:PRODUCT, such as 046d:c52b. "porthole usb" lists the devices.`,
    );
  }
  return { vendorId: parts[0]!.trim().toLowerCase(), productId: parts[1]!.trim().toLowerCase() };
}

/** The machine's USB devices after adding or removing one. Adding one it has is left to the backend to refuse. */
export function usbDevicesAfter(
  verb: 'add' | 'remove',
  machine: MachineView,
  wanted: { vendorId: string; productId: string },
  listing: UsbListing,
): UsbDeviceRef[] {
  const now = machine.usbDevices ?? [];
  const key = usbKey(wanted);
  if (verb === 'remove') {
    if (!now.some((d) => usbKey(d) === key)) {
      throw new UsbUsageError(
        `${machine.name} (${machine.id}) has no USB device ${key}. "porthole usb" shows which machine uses which device.`,
      );
    }
    return now.filter((d) => usbKey(d) !== key);
  }
  const name = listing.devices.find((d) => usbKey(d) === key)?.name ?? `USB device ${key}`;
  return [...now, { ...wanted, name }];
}

/** Runs `porthole usb [add|remove ID VENDOR:PRODUCT]`; answers the exit code. */
export async function usbCommand(
  call: Call,
  args: readonly (string | undefined)[],
  print: (value: unknown, human: () => string) => void,
): Promise<number> {
  const [verb, id, device] = args;
  if (verb === undefined) {
    const [listing, machines] = await Promise.all([call('listUsbDevices', {}), call('listMachines', {})]);
    const used = listing.devices.map((d) => ({
      ...d,
      machines: machines.filter((m) => (m.usbDevices ?? []).some((u) => usbKey(u) === usbKey(d))).map((m) => m.id),
    }));
    print({ ...listing, devices: used }, () => formatUsbDevices(listing, machines));
    return 0;
  }
  if (verb !== 'add' && verb !== 'remove' && verb !== 'attach' && verb !== 'detach') {
    throw new UsbUsageError(`"porthole usb" takes add, remove, attach or detach, not "${verb}".`);
  }
  if (!id) throw new UsbUsageError(`"porthole usb ${verb}" needs a machine id. "porthole machines" lists them.`);
  const wanted = parseUsbArg(device, verb);
  if (verb === 'attach' || verb === 'detach') {
    // The running machine, now, through QEMU's monitor; its settings stay as they are.
    const result = await call(verb === 'attach' ? 'attachUsb' : 'detachUsb', { id, ...wanted });
    print(
      result,
      () =>
        `${verb === 'attach' ? 'Attached' : 'Detached'} USB device ${usbKey(wanted)} ${verb === 'attach' ? 'to' : 'from'} ${id} while it runs.\n`,
    );
    return 0;
  }
  const [machine, listing] = await Promise.all([call('getMachine', { id }), call('listUsbDevices', {})]);
  const usbDevices = usbDevicesAfter(verb, machine, wanted, listing);
  // The settings page's path: the backend validates (ids, how many, each once) and refuses with nothing changed.
  const result = await call('updateMachine', { id, changes: { usbDevices } });
  const key = usbKey(wanted);
  const name = (verb === 'add' ? usbDevices : (machine.usbDevices ?? [])).find((d) => usbKey(d) === key)?.name ?? key;
  const when =
    result.appliesAt === 'now'
      ? ''
      : result.machine.status.running
        ? ' It applies when the machine restarts (porthole apply ' + id + ').'
        : ' It applies at the machine’s next start.';
  const plugged = listing.devices.some((d) => usbKey(d) === key);
  print(
    result,
    () =>
      `${verb === 'add' ? 'Gave' : 'Took'} ${name} (${key}) ${verb === 'add' ? 'to' : 'from'} ${result.machine.name}.${when}\n` +
      (verb === 'add' && !plugged ? `It is not plugged in now: the machine starts without it until it is.\n` : ''),
  );
  return 0;
}
