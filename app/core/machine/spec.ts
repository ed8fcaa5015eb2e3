import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { QMP_ENV } from '../usb/qmp';
import { audioOn, PortholeError, type MachineSettings, type UsbDeviceRef } from '../../api';
import { INSTANCE_LABEL, MACHINE_LABEL, RECORD_LABEL, STOP_TIMEOUT_SECONDS } from '../engine/labels';

/** Labels every Porthole container carries (the ones the engine layer reads live in engine/labels.ts). */
export { INSTANCE_LABEL, MACHINE_LABEL, RECORD_LABEL, STOP_TIMEOUT_SECONDS } from '../engine/labels';
export const VERSION_LABEL = 'io.porthole.version';
export const SPEC_LABEL = 'io.porthole.spec';
/**
 * Set on a container made to keep the user's groups (rootless Podman on crun, engine/libpod-create.ts): being in
 * the spec hash, a container made before (or after) that choice changed is made again at the next start.
 */
export const KEEP_GROUPS_LABEL = 'io.porthole.keep-groups';
/** The layout of Porthole's containers; bump it when an old container can no longer be adopted as is. */
export const SPEC_VERSION = '1';

export const CONTAINER_PORTS = { web: 8006, rdp: 3389 } as const;
/** Where the image looks for the first, second and third shared folder. */
export const SHARED_FOLDER_TARGETS = ['/shared', '/shared2', '/shared3'] as const;
export const STORAGE_TARGET = '/storage';
export const CUSTOM_ISO_TARGET = '/custom.iso';
export const OEM_TARGET = '/oem';
/** The host's USB device nodes, given whole to a machine with USB devices (the image's documented way). */
export const USB_BUS = '/dev/bus/usb';
/** Every USB device node (character major 189), for devices plugged in while the machine runs. */
export const USB_CGROUP_RULE = 'c 189:* rwm';
const LOOPBACK = '127.0.0.1';

export interface SpecOptions {
  /** The id of the Porthole configuration making the container (lifecycle/config-instance-id.ts). */
  instance: string;
  /** Host folder holding Porthole's install.bat (see oem.ts), mounted read-only at /oem. */
  oemDir: string;
  /**
   * Windows has finished installing (the COM1 marker was seen). The custom ISO is then left out:
   * the image ignores removed media after a completed install, and a deleted ISO would otherwise
   * make Docker create an empty folder in its place. Changing this changes the spec hash, so the
   * container made for the install is recreated once, at the next start after it.
   */
  installed?: boolean;
  /**
   * The host has /dev/net/tun (host facts: tunAvailable). Default true. Without it the device is
   * left out, since Docker refuses to create a container with a missing device; the image then
   * warns and falls back to user-mode networking.
   */
  tun?: boolean;
  /**
   * The engine's computer has /dev/bus/usb (host facts: usbBusAvailable). Default true. Without it the
   * device folder is left out (the engine would refuse the container); the machine still starts and QEMU
   * waits for the devices, which it would also do for a device that is unplugged.
   */
  usbBus?: boolean;
  /** The machine record's nonce (MachineRecord.nonce): carried as RECORD_LABEL. Records made before it have none. */
  nonce?: string | undefined;
  /** The container keeps the user's groups (host facts: kvmKeepGroups, with KVM on): KEEP_GROUPS_LABEL. */
  keepGroups?: boolean;
}

/**
 * QEMU's arguments for the machine's USB devices, passed the way the image documents it: a usb-host
 * device by vendor and product id on the image's xHCI controller. A device that is not plugged in does
 * not stop QEMU: it attaches when it appears.
 */
export function usbArguments(devices: readonly UsbDeviceRef[]): string {
  return devices.map((d) => `-device usb-host,vendorid=0x${d.vendorId},productid=0x${d.productId}`).join(' ');
}

/** The short form of an instance id in container names: readable, and enough to keep two configurations apart. */
export function shortInstance(instance: string): string {
  return instance.slice(0, 6);
}

/** `porthole-<machine>-<short instance>`: two configurations with a machine of the same id never clash on names. */
export function containerName(machineId: string, instance: string): string {
  return `porthole-${machineId}-${shortInstance(instance)}`;
}

/** What ownership is judged on: a container's labels and its `/storage` bind (list or inspect results). */
export interface ContainerFacts {
  labels: Readonly<Record<string, string>> | null | undefined;
  /** The host folder bound at /storage, if any. */
  storageSource: string | undefined;
}

/**
 * The container belongs to this configuration's machine `machineId` (with storage `storageDir`).
 * A container with another configuration's label is never ours. One made before instances existed
 * (machine label, no instance label) is ours only when its `/storage` bind is this machine's storage
 * folder: another configuration's machine of the same id keeps its disk elsewhere. It gets the
 * instance label at its next recreate (the label changes the spec hash, so the next start does it).
 * `nonce` is the record's (MachineRecord.nonce): a container made for an earlier record of the same id
 * (removed, then made again under that name) carries another one, or none, and is not this record's.
 */
export function ownsContainer(
  facts: ContainerFacts,
  instance: string,
  machineId: string,
  storageDir: string,
  nonce?: string,
): boolean {
  const labels = facts.labels ?? {};
  if (labels[MACHINE_LABEL] !== machineId) return false;
  if (labels[RECORD_LABEL] !== nonce) return false;
  const owner = labels[INSTANCE_LABEL];
  if (owner !== undefined) return owner === instance;
  return facts.storageSource !== undefined && trimSlashes(facts.storageSource) === trimSlashes(storageDir);
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

/** The host folder a list or inspect result binds at /storage. */
export function storageSourceOf(
  mounts: ReadonlyArray<{ Type?: string; Source?: string; Destination?: string }> | undefined,
): string | undefined {
  const mount = (mounts ?? []).find(
    (m) => m.Type === 'bind' && (m.Destination ?? '').replace(/\/+$/, '') === STORAGE_TARGET,
  );
  return mount?.Source;
}

function bindable(path: string, what: string): string {
  if (!path.startsWith('/') || path.includes(':')) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `The ${what} “${path}” cannot be mounted into the machine.`,
      'Use a full path (starting with /) without a colon.',
    );
  }
  return path;
}

function portBinding(hostPort: number): Array<{ HostIp: string; HostPort: string }> {
  return [{ HostIp: LOOPBACK, HostPort: String(hostPort) }];
}

/**
 * The one description of a machine's container, exactly per the dockur contract. Pure: the same
 * settings always give the same object, and its `io.porthole.spec` label is a hash of everything
 * else, so a container made from older settings is recognised by comparing that label.
 *
 * Choices worth knowing:
 * - KVM off: `KVM=N` and no /dev/kvm device, so hosts without a usable /dev/kvm can still create it.
 * - SAMBA stays on even without shared folders: the image adds the desktop link and drive Z: only
 *   when the share exists at install time, so a folder added later still appears in Windows.
 * - Read-only shared folders are `:ro` mounts; the image tests each share for writes and serves
 *   it read-only by itself (SAMBA_READONLY would make every share read-only).
 * - Every port is published on 127.0.0.1 only: the screen's VNC has no password.
 */
export function buildContainerSpec(m: MachineSettings, opts: SpecOptions): Docker.ContainerCreateOptions {
  const env: string[] = [
    `VERSION=${m.version}`,
    `RAM_SIZE=${m.ramGiB}G`,
    `CPU_CORES=${m.cpuCores}`,
    `DISK_SIZE=${m.diskGiB}G`,
    `DISK_FMT=${m.diskFormat}`,
    `USERNAME=${m.username}`,
    `PASSWORD=${m.password}`,
    `LANGUAGE=${m.language}`,
  ];
  if (m.region) env.push(`REGION=${m.region}`);
  if (m.keyboard) env.push(`KEYBOARD=${m.keyboard}`);
  env.push(`WIDTH=${m.screen.width}`, `HEIGHT=${m.screen.height}`, 'SAMBA=Y', 'DISPLAY=web');
  if (!m.kvm) env.push('KVM=N');
  if (m.ballooning) env.push('BALLOONING=Y');
  // Said either way (the image's default is N): an exported compose file then keeps the choice when imported.
  env.push(audioOn(m) ? 'AUDIO=Y' : 'AUDIO=N');
  // QEMU's monitor on a unix socket in the container, for USB devices attached while the machine runs (usb/qmp.ts).
  env.push(QMP_ENV);
  const usb = m.usbDevices ?? [];
  if (usb.length > 0) env.push(`ARGUMENTS=${usbArguments(usb)}`);

  const binds = [`${bindable(m.storageDir, 'storage folder')}:${STORAGE_TARGET}`];
  m.sharedFolders.forEach((folder, index) => {
    const target = SHARED_FOLDER_TARGETS[index];
    if (!target) throw new PortholeError('INVALID_ARGUMENT', 'A machine can have at most three shared folders.');
    binds.push(`${bindable(folder.hostPath, 'shared folder')}:${target}${folder.readOnly ? ':ro' : ''}`);
  });
  if (m.customIso && !opts.installed) binds.push(`${bindable(m.customIso, 'custom ISO')}:${CUSTOM_ISO_TARGET}:ro`);
  binds.push(`${bindable(opts.oemDir, 'OEM folder')}:${OEM_TARGET}:ro`);

  const devices: Docker.DeviceMapping[] = [];
  if (m.kvm) devices.push({ PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' });
  if (opts.tun !== false)
    devices.push({ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' });
  if (usb.length > 0 && opts.usbBus !== false)
    devices.push({ PathOnHost: USB_BUS, PathInContainer: USB_BUS, CgroupPermissions: 'rwm' });

  const web = `${CONTAINER_PORTS.web}/tcp`;
  const rdpTcp = `${CONTAINER_PORTS.rdp}/tcp`;
  const rdpUdp = `${CONTAINER_PORTS.rdp}/udp`;

  const spec: Docker.ContainerCreateOptions = {
    name: containerName(m.id, opts.instance),
    Image: m.image,
    Env: env,
    ExposedPorts: { [web]: {}, [rdpTcp]: {}, [rdpUdp]: {} },
    StopTimeout: STOP_TIMEOUT_SECONDS,
    Labels: {
      [MACHINE_LABEL]: m.id,
      [INSTANCE_LABEL]: opts.instance,
      [VERSION_LABEL]: SPEC_VERSION,
      ...(opts.nonce ? { [RECORD_LABEL]: opts.nonce } : {}),
      ...(opts.keepGroups ? { [KEEP_GROUPS_LABEL]: '1' } : {}),
    },
    HostConfig: {
      Binds: binds,
      Devices: devices,
      CapAdd: ['NET_ADMIN'],
      // USB device nodes made after the start (a device plugged in while it runs: usb/hotplug.ts) may be opened too.
      ...(usb.length > 0 && opts.usbBus !== false ? { DeviceCgroupRules: [USB_CGROUP_RULE] } : {}),
      PortBindings: {
        [web]: portBinding(m.ports.web),
        [rdpTcp]: portBinding(m.ports.rdp),
        [rdpUdp]: portBinding(m.ports.rdp),
      },
      RestartPolicy: { Name: 'no' },
    },
  };
  spec.Labels = { ...spec.Labels, [SPEC_LABEL]: specHash(spec) };
  return spec;
}

/** JSON with object keys sorted, so equal specs hash equally whatever order they were built in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of a spec, leaving out its own spec label. */
export function specHash(spec: Docker.ContainerCreateOptions): string {
  const labels = Object.fromEntries(Object.entries(spec.Labels ?? {}).filter(([key]) => key !== SPEC_LABEL));
  return createHash('sha256')
    .update(canonical({ ...spec, Labels: labels }))
    .digest('hex');
}
