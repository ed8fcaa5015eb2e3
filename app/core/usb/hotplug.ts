import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { usbKey, type HostUsbDevice, type MachineView } from '../../api';
import { peripheralIds, PERIPHERALS, runQmp, usbDeviceId, type QmpExec } from './qmp';

export interface UsbHotplugDeps {
  /** This computer's /dev/bus/usb (under the host options' root in tests). */
  busDir: string;
  /** The devices plugged in now. */
  list(): Promise<HostUsbDevice[]>;
  /** Gives the running machine the device just plugged in. */
  attach(view: MachineView, device: HostUsbDevice): Promise<void>;
  /** A device plugged in often makes several nodes change at once: one look for them all. */
  settleMs?: number;
  onError?(id: string, device: HostUsbDevice, err: unknown): void;
}

const plugKey = (d: HostUsbDevice): string => `${usbKey(d)}@${d.bus}.${d.device}`;

/**
 * A device ticked for a running machine and plugged in while it runs is given to it within seconds:
 * the host's /dev/bus/usb is watched (inotify, no polling) while, and only while, a running machine has
 * USB devices ticked; each device that appears is attached to the machines that have it ticked.
 */
export class UsbHotplug {
  private readonly machines = new Map<string, MachineView>();
  private watchers: FSWatcher[] = [];
  private readonly buses = new Set<string>();
  private seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> = Promise.resolve();

  constructor(private readonly deps: UsbHotplugDeps) {}

  /** Whether the bus is being watched now. */
  get watching(): boolean {
    return this.watchers.length > 0;
  }

  /** A machine's new view: followed while it runs with devices ticked. */
  update(view: MachineView): void {
    if (view.status.running && view.status.containerId && (view.usbDevices?.length ?? 0) > 0)
      this.machines.set(view.id, view);
    else this.machines.delete(view.id);
    this.sync();
  }

  remove(id: string): void {
    this.machines.delete(id);
    this.sync();
  }

  dispose(): void {
    this.machines.clear();
    this.sync();
  }

  /** Settles once the looks started so far are done (tests). */
  settled(): Promise<void> {
    return this.looking;
  }

  private sync(): void {
    if (this.machines.size > 0 && !this.watching) this.start();
    else if (this.machines.size === 0 && this.watching) this.stop();
  }

  private start(): void {
    const onChange = (): void => this.schedule();
    try {
      this.watchers.push(watch(this.deps.busDir, onChange));
    } catch {
      return; // no USB bus here: nothing will ever be plugged in
    }
    void this.watchBuses();
    // What is plugged in now the machines got at their start (or it was not ticked then): only what comes later is attached.
    this.looking = this.deps
      .list()
      .then((devices) => void (this.seen = new Set(devices.map(plugKey))))
      .catch(() => undefined);
  }

  /** New nodes appear in the bus folders (001/, 002/, ...); a new bus appears at the top. */
  private async watchBuses(): Promise<void> {
    const buses = await readdir(this.deps.busDir).catch(() => []);
    for (const bus of buses) {
      if (!this.watching || this.buses.has(bus)) continue;
      try {
        this.watchers.push(watch(join(this.deps.busDir, bus), () => this.schedule()));
        this.buses.add(bus);
      } catch {
        // a bus gone meanwhile
      }
    }
  }

  private stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    this.buses.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.looking = this.looking.then(() => this.look());
    }, this.deps.settleMs ?? 300);
  }

  private async look(): Promise<void> {
    await this.watchBuses();
    const devices = await this.deps.list().catch(() => null);
    if (!devices) return;
    const now = new Set(devices.map(plugKey));
    const fresh = devices.filter((d) => !this.seen.has(plugKey(d)));
    this.seen = now;
    for (const device of fresh) {
      for (const view of this.machines.values()) {
        if (!(view.usbDevices ?? []).some((d) => usbKey(d) === usbKey(device))) continue;
        await this.deps.attach(view, device).catch((err: unknown) => this.deps.onError?.(view.id, device, err));
      }
    }
  }
}

/** The device node of a USB device: `/dev/bus/usb/BBB/DDD`. */
export function usbNodePath(d: { bus: number; device: number }): string {
  return `/dev/bus/usb/${String(d.bus).padStart(3, '0')}/${String(d.device).padStart(3, '0')}`;
}

/** Its character device minor number under major 189 (Linux's usb_device: (bus - 1) * 128 + (device - 1)). */
export function usbNodeMinor(d: { bus: number; device: number }): number {
  return (d.bus - 1) * 128 + (d.device - 1);
}

/**
 * Gives a running machine a device plugged in after its start: the container's /dev was filled at its
 * start, so the device's node is made there first (argument arrays, no shell), then QEMU opens that node
 * (usb-host hostdevice=), in place of an earlier attach of the same device.
 */
export async function attachPluggedDevice(view: MachineView, device: HostUsbDevice, exec: QmpExec): Promise<void> {
  const node = usbNodePath(device);
  await exec(['mkdir', '-p', node.slice(0, node.lastIndexOf('/'))]);
  const made = await exec(['mknod', '-m', '0664', node, 'c', '189', String(usbNodeMinor(device))]);
  if (made.exitCode !== 0 && !/exists/i.test(made.output))
    throw new Error(`could not make ${node} in the container: ${made.output.slice(0, 200)}`);
  const id = usbDeviceId(device);
  const [before] = await runQmp(exec, [PERIPHERALS], view.name);
  if (before?.ok && peripheralIds(before.value).includes(id)) {
    // The same device plugged in again: the earlier attach goes first (its id is taken until QEMU has removed it).
    await runQmp(exec, [{ execute: 'device_del', arguments: { id } }, PERIPHERALS], view.name);
  }
  const [added] = await runQmp(
    exec,
    [{ execute: 'device_add', arguments: { driver: 'usb-host', id, bus: 'xhci.0', hostdevice: node } }],
    view.name,
  );
  if (added && !added.ok) throw new Error(added.error);
}
