// What a dockur container says about its machine (environment, mounts, ports), read into a draft for
// import or adoption: what it says, nothing invented; values Windows cannot run with are refused.
import { QMP_ENV } from '../usb/qmp';
import type Docker from 'dockerode';
import {
  DEFAULT_IMAGE,
  machineDraftSchema,
  portSchema,
  PortholeError,
  repairName,
  USB_DEVICES_MAX,
  type HostPorts,
  type MachineDraft,
  type SharedFolder,
  type UsbDeviceRef,
} from '../../api';
import { findLanguage, findVersion, isCultureName, isVersionUrl } from '../../api/catalogue';
import { validateCulture, validatePassword, validateUsername } from '../../api/validation';
import { CONTAINER_PORTS, CUSTOM_ISO_TARGET, OEM_TARGET, SHARED_FOLDER_TARGETS, STORAGE_TARGET } from './spec';
import type { PortBinding } from './compose-export';

/** A machine found in a compose file or an existing container: what it says, nothing invented. */
export type ImportedDraft = MachineDraft & {
  storageDir?: string;
  ports?: Partial<HostPorts>;
  /** The file's own /oem folder: merged into Porthole's at import (machine/user-oem.ts), never written. */
  oemDir?: string;
};

export interface ImportResult {
  drafts: ImportedDraft[];
  /** The compose service each draft came from, in the same order. */
  services: string[];
  warnings: string[];
}

/**
 * What reading one file or container found: `warnings` name what Porthole leaves out or adjusts;
 * `errors` name values it refuses (the whole import or adoption is then refused, changing nothing).
 * Neither ever holds the password or a value that could be one.
 */
export interface Findings {
  warnings: string[];
  errors: string[];
}

export interface MountPart {
  source: string;
  target: string;
  readOnly: boolean;
  kind: 'bind' | 'volume';
}

export interface PortPart {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number | undefined;
}

interface ContainerParts {
  /** How warnings name it: `service "windows"`, `container "windows"`. */
  label: string;
  name: string;
  image: string;
  env: Array<[string, string]>;
  mounts: MountPart[];
  ports: PortPart[];
}

const DOCKUR_IMAGE =
  /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?dockurr\/windows(?::[\w][\w.-]*)?(?:@sha256:[a-f0-9]{64})?$|^ghcr\.io\/dockur\/windows(?::[\w][\w.-]*)?(?:@sha256:[a-f0-9]{64})?$/i;

export function isDockurImage(image: string): boolean {
  return DOCKUR_IMAGE.test(image.trim());
}

/** Variables the image's base sets for itself; not a person's choice. */
const BASE_ENV = new Set(['PATH', 'HOME', 'HOSTNAME', 'TERM', 'container']);

const UNIT_BYTES: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * A size as the image reads RAM_SIZE/DISK_SIZE (`8G`, `8192M`, `64GB`), in GiB. A bare number is GB
 * for a disk; for memory the image reads it as GB below 130 and MB from there.
 */
export function parseSizeGiB(value: string, what: 'ram' | 'disk'): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])?(?:i?B)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  let unit = match[2]?.toUpperCase();
  if (!unit) unit = what === 'ram' && amount >= 130 ? 'M' : 'G';
  return (amount * UNIT_BYTES[unit]!) / UNIT_BYTES.G!;
}

/** The image's booleans: y/yes/true/1/on and n/no/false/0/off, any case. */
export function parseImageBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['y', 'yes', 'true', '1', 'on'].includes(v)) return true;
  if (['n', 'no', 'false', '0', 'off'].includes(v)) return false;
  return undefined;
}

/**
 * The USB devices in an ARGUMENTS value (`-device usb-host,vendorid=0x046d,productid=0xc52b`, the image's
 * documented passthrough), and every other argument, which Porthole does not carry over.
 */
export function usbFromArguments(value: string): { devices: UsbDeviceRef[]; rest: string[] } {
  const words = value.split(/\s+/).filter(Boolean);
  const devices: UsbDeviceRef[] = [];
  const rest: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const option = words[i]!;
    const next = words[i + 1];
    if ((option === '-device' || option === '--device') && next?.startsWith('usb-host,')) {
      const props = new Map(
        next
          .split(',')
          .slice(1)
          .map((p) => p.split('=', 2) as [string, string]),
      );
      const vendor = /^0x([0-9a-f]{4})$/i.exec(props.get('vendorid') ?? '')?.[1]?.toLowerCase();
      const product = /^0x([0-9a-f]{4})$/i.exec(props.get('productid') ?? '')?.[1]?.toLowerCase();
      if (vendor && product) {
        if (!devices.some((d) => d.vendorId === vendor && d.productId === product)) {
          devices.push({ vendorId: vendor, productId: product, name: `USB device ${vendor}:${product}` });
        }
        i += 1;
        continue;
      }
    }
    rest.push(option);
  }
  return { devices, rest };
}

/** The environment variables Porthole reads; any other is left out with a warning naming it (never its value). */
export const KNOWN_ENV = new Set([
  'VERSION',
  'RAM_SIZE',
  'DISK_SIZE',
  'CPU_CORES',
  'DISK_FMT',
  'USERNAME',
  'PASSWORD',
  'LANGUAGE',
  'REGION',
  'KEYBOARD',
  'WIDTH',
  'HEIGHT',
  'KVM',
  'SAMBA',
  'SAMBA_READONLY',
  'DISPLAY',
  'ARGUMENTS',
  'BALLOONING',
  'AUDIO',
  'QMP',
]);

/** Variables only the Windows image reads (not its sister images'): with a folder at /storage, they say a service is a Windows machine. */
export const WINDOWS_ENV = new Set(['VERSION', 'USERNAME', 'PASSWORD', 'LANGUAGE', 'REGION', 'KEYBOARD']);

/** What the image runs with where nothing is set (its RAM_SIZE=4G, CPU_CORES=2): what compose gives a file that sets none. */
export const IMAGE_DEFAULTS = { ramGiB: 4, cpuCores: 2 } as const;

function applyEnv(draft: ImportedDraft, parts: ContainerParts, found: Findings): { sambaReadOnly: boolean } {
  const say = (text: string): void => void found.warnings.push(`${parts.label}: ${text}`);
  const refuse = (text: string): void => void found.errors.push(`${parts.label}: ${text}`);
  let sambaReadOnly = false;
  let width: number | undefined;
  let height: number | undefined;
  const left: string[] = [];
  const flag = (key: string, value: string): boolean | undefined => {
    const parsed = parseImageBoolean(value);
    if (parsed === undefined) refuse(`${key}="${value}" is neither yes nor no (Y, N, true, false, 1, 0, on, off).`);
    return parsed;
  };
  for (const [key, raw] of parts.env) {
    const value = raw.trim();
    if (BASE_ENV.has(key)) continue;
    switch (key) {
      case 'VERSION': {
        const known = findVersion(value);
        if (known) draft.version = known.id;
        else if (isVersionUrl(value)) draft.version = value;
        else
          refuse(
            `Porthole does not know VERSION "${value}": use a version it lists (such as 11, 10 or 2022) or the http(s) address of an ISO.`,
          );
        break;
      }
      case 'RAM_SIZE':
      case 'DISK_SIZE': {
        const what = key === 'RAM_SIZE' ? 'ram' : 'disk';
        const gib = parseSizeGiB(value, what);
        if (gib === undefined || gib <= 0) {
          refuse(`${key}="${value}" is not a size (it needs a number such as 8G).`);
          break;
        }
        // Memory rounds down (never more than asked); the disk rounds up (it can never shrink).
        const whole = what === 'ram' ? Math.max(1, Math.floor(gib)) : Math.ceil(gib);
        if (whole !== gib) say(`${key}="${value}" is rounded to ${whole} GB.`);
        if (what === 'ram') draft.ramGiB = whole;
        else draft.diskGiB = whole;
        break;
      }
      case 'CPU_CORES': {
        const cores = /^\d+$/.test(value) ? Number(value) : NaN;
        if (Number.isInteger(cores) && cores > 0) draft.cpuCores = cores;
        else refuse(`CPU_CORES="${value}" is not a number of processor cores (a whole number, at least 1).`);
        break;
      }
      case 'DISK_FMT':
        if (value.toLowerCase() === 'raw' || value.toLowerCase() === 'qcow2')
          draft.diskFormat = value.toLowerCase() as 'raw' | 'qcow2';
        else refuse(`DISK_FMT="${value}" is neither raw nor qcow2.`);
        break;
      case 'USERNAME': {
        const problem = validateUsername(value);
        if (problem) refuse(`USERNAME "${value}" cannot be kept: ${problem}`);
        else draft.username = value;
        break;
      }
      case 'PASSWORD': {
        // Not trimmed: spaces can belong to a password. Never quoted in a message.
        const problem = validatePassword(raw);
        if (problem) refuse(`PASSWORD cannot be kept: ${problem}`);
        else draft.password = raw;
        break;
      }
      case 'LANGUAGE': {
        const language = findLanguage(value);
        if (language) draft.language = language.culture;
        else refuse(`LANGUAGE="${value}" is not a language Windows is published in.`);
        // `fr_BE` downloads French, as the image reads it; the Belgian part becomes the region.
        const culture = value.replace(/_/g, '-');
        if (language && isCultureName(culture) && culture.toLowerCase() !== language.culture.toLowerCase())
          draft.region ??= culture;
        break;
      }
      case 'REGION':
      case 'KEYBOARD': {
        const culture = value.replace(/_/g, '-');
        const problem = validateCulture(culture, key === 'REGION' ? 'region' : 'keyboard');
        if (problem) refuse(`${key}: ${problem}`);
        else if (culture && key === 'REGION') draft.region = culture;
        else if (culture) draft.keyboard = culture;
        break;
      }
      case 'WIDTH':
      case 'HEIGHT': {
        const pixels = /^\d+$/.test(value) ? Number(value) : NaN;
        if (Number.isNaN(pixels)) refuse(`${key}="${value}" is not a whole number of pixels.`);
        if (key === 'WIDTH') width = pixels;
        else height = pixels;
        break;
      }
      case 'KVM':
        if (flag(key, value) === false) draft.kvm = false;
        break;
      case 'QMP':
        // Porthole's own monitor socket (usb/qmp.ts) comes with every machine; another one is not kept.
        if (`QMP=${value}` !== QMP_ENV) left.push(key);
        break;
      case 'BALLOONING':
        if (flag(key, value) === true) draft.ballooning = true;
        break;
      case 'AUDIO': {
        // Without AUDIO the draft says nothing and the machine gets Porthole's default (sound on).
        const on = flag(key, value);
        if (on !== undefined) draft.audio = on;
        break;
      }
      case 'SAMBA':
        if (flag(key, value) === false) say('SAMBA is off there; Porthole always serves the shared folders.');
        break;
      case 'SAMBA_READONLY':
        sambaReadOnly = flag(key, value) === true;
        break;
      case 'ARGUMENTS': {
        const { devices, rest } = usbFromArguments(value);
        if (devices.length > USB_DEVICES_MAX)
          refuse(`ARGUMENTS names ${devices.length} USB devices; a machine takes at most ${USB_DEVICES_MAX}.`);
        else if (devices.length > 0) draft.usbDevices = devices;
        if (rest.length > 0)
          say(
            `ARGUMENTS "${rest.join(' ')}" is not carried over: Porthole passes QEMU only the USB devices it manages.`,
          );
        break;
      }
      case 'DISPLAY':
        if (value.toLowerCase() !== 'web')
          say(`DISPLAY="${value}" is replaced by web: Porthole shows the screen in its window.`);
        break;
      default:
        left.push(key);
    }
  }
  if (width !== undefined || height !== undefined) {
    if (width === undefined || height === undefined) refuse('WIDTH and HEIGHT go together: set both, or neither.');
    else if (Number.isInteger(width) && Number.isInteger(height)) draft.screen = { width, height };
  }
  if (left.length > 0) {
    // Names only: values such as KEY (a product key) may be secret.
    say(`Porthole does not support ${left.join(', ')} yet; ${left.length > 1 ? 'they were' : 'it was'} left out.`);
  }
  return { sambaReadOnly };
}

const SHARED_TARGETS: Readonly<Record<string, number>> = {
  [SHARED_FOLDER_TARGETS[0]]: 0,
  '/data': 0,
  [SHARED_FOLDER_TARGETS[1]]: 1,
  '/data2': 1,
  [SHARED_FOLDER_TARGETS[2]]: 2,
  '/data3': 2,
};

function applyMounts(draft: ImportedDraft, parts: ContainerParts, sambaReadOnly: boolean, warnings: string[]): void {
  const say = (text: string): void => void warnings.push(`${parts.label}: ${text}`);
  const shared: Array<SharedFolder | undefined> = [];
  for (const mount of parts.mounts) {
    const target = mount.target.replace(/\/+$/, '') || '/';
    const slot = SHARED_TARGETS[target];
    if (mount.kind === 'volume' && (target === STORAGE_TARGET || slot !== undefined)) {
      say(
        `${target} is the engine volume "${mount.source}"; Porthole uses folders only, so copy its files to a folder and choose that.`,
      );
      continue;
    }
    if (target === STORAGE_TARGET) draft.storageDir = mount.source;
    else if (slot !== undefined) {
      if (shared[slot]) say(`${target} repeats a shared folder slot; ${mount.source} was left out.`);
      else shared[slot] = { hostPath: mount.source, readOnly: mount.readOnly || sambaReadOnly };
    } else if (target === CUSTOM_ISO_TARGET || target === '/boot.iso') draft.customIso = mount.source;
    else if (target.toLowerCase() === OEM_TARGET) draft.oemDir = mount.source;
    else say(`the mount ${mount.source} → ${target} is not supported by Porthole and was left out.`);
  }
  const folders = shared.filter((f): f is SharedFolder => f !== undefined);
  if (folders.length > 0) draft.sharedFolders = folders;
}

function applyPorts(draft: ImportedDraft, parts: ContainerParts, warnings: string[]): void {
  const say = (text: string): void => void warnings.push(`${parts.label}: ${text}`);
  const ports: Partial<HostPorts> = {};
  let exposed = false;
  for (const port of parts.ports) {
    if (port.hostPort === undefined) continue;
    if (port.hostIp !== '127.0.0.1') exposed = true;
    if (port.containerPort === CONTAINER_PORTS.web && port.protocol === 'tcp') ports.web = port.hostPort;
    else if (port.containerPort === CONTAINER_PORTS.rdp && port.protocol === 'tcp') ports.rdp = port.hostPort;
    else if (port.containerPort === CONTAINER_PORTS.rdp && port.protocol === 'udp') continue;
    else say(`port ${port.hostPort} → ${port.containerPort}/${port.protocol} is not published by Porthole.`);
  }
  if (exposed) say('its ports were open beyond this computer; Porthole publishes them on 127.0.0.1 only.');
  if (ports.web !== undefined || ports.rdp !== undefined) draft.ports = ports;
}

/**
 * Refuses what the draft schema refuses, saying why (the field, never a password's value). Host
 * ports outside 1024-65535 are the exception: Porthole chooses a machine's ports itself anyway
 * (a taken one is re-chosen before every start), so another is picked, with a warning.
 */
function keepValid(draft: ImportedDraft, label: string, found: Findings): ImportedDraft {
  const { ports, ...rest } = draft;
  const result = machineDraftSchema.safeParse(rest);
  if (!result.success) {
    const named = new Set<string>();
    for (const issue of result.error.issues) {
      const field = issue.path.join('.');
      if (named.has(field)) continue;
      named.add(field);
      // A schema message could quote the value it refused: never for the password.
      const message = field === 'password' ? 'it is not a password Windows accepts' : issue.message;
      found.errors.push(`${label}: ${field || 'the machine'} cannot be kept: ${message}.`);
    }
  }
  const clean: ImportedDraft = { ...rest };
  if (ports) {
    const valid: Partial<HostPorts> = {};
    for (const key of ['web', 'rdp'] as const) {
      const value = ports[key];
      if (value === undefined) continue;
      if (portSchema.safeParse(value).success) valid[key] = value;
      else found.warnings.push(`${label}: host port ${value} is outside 1024-65535; Porthole picks another.`);
    }
    if (valid.web !== undefined || valid.rdp !== undefined) clean.ports = valid;
  }
  return clean;
}

export function draftFromParts(parts: ContainerParts, found: Findings): ImportedDraft {
  // A container's name or a compose service's key, made a name by the names rule (an explicit name was checked before).
  const name = repairName(parts.name, 'machine', 'Windows');
  const draft: ImportedDraft = { name, image: parts.image };
  if (!isDockurImage(parts.image)) {
    found.warnings.push(
      `${parts.label}: the image ${parts.image} is not dockurr/windows; Porthole may not drive it correctly.`,
    );
  } else if (!/[:@]/.test(parts.image.replace(/^[^/]*\.[^/]*\//, '')) || /:latest$/i.test(parts.image)) {
    found.warnings.push(
      `${parts.label}: the image ${parts.image} follows the latest release; Porthole is tested with ${DEFAULT_IMAGE}.`,
    );
  }
  const { sambaReadOnly } = applyEnv(draft, parts, found);
  applyMounts(draft, parts, sambaReadOnly, found.warnings);
  applyPorts(draft, parts, found.warnings);
  return keepValid(draft, parts.label, found);
}

/** Refuses everything found wrong at once, so a person corrects the file in one go; nothing was changed. */
export function refuseFindings(found: Findings, what: string, remedy: string): void {
  if (found.errors.length === 0) return;
  throw new PortholeError('INVALID_ARGUMENT', `${what}: ${found.errors.join(' ')} Nothing was changed.`, remedy);
}

// ---- an existing container --------------------------------------------------------------------

/** The devices Porthole gives a machine itself (machine/spec.ts). */
const OWN_DEVICES = new Set(['/dev/kvm', '/dev/net/tun', '/dev/bus/usb']);
/** What engines set on every container unasked: Docker's 64 MiB /dev/shm, Podman's 65536000 bytes and its default sysctl. */
const DEFAULT_SHM = new Set([0, 64 * 1024 ** 2, 65_536_000]);
const DEFAULT_SYSCTLS = new Set(['net.ipv4.ping_group_range']);

/**
 * What a container was run with beyond its environment, mounts and ports that the machine Porthole makes
 * of it does not keep: each named (values only where they are one of a few words). Porthole makes the
 * container again from its own settings at the next start, so all of these go.
 */
function droppedHostSettings(info: Docker.ContainerInspectInfo): string[] {
  const host = info.HostConfig as Docker.HostConfig & { Sysctls?: Record<string, string> | null };
  const said: string[] = [];
  if (host.Privileged)
    said.push('it runs privileged; Porthole never runs a machine privileged, so that is not carried over.');
  const own = (mode: string | undefined, what: string, place: string): void => {
    if (mode === 'host' || mode?.startsWith('container:'))
      said.push(
        `${what} ${mode.startsWith('container:') ? 'of another container' : 'of the host'} is not carried over: Porthole runs a machine in its own ${place}.`,
      );
  };
  own(host.NetworkMode, 'the network', 'network, its ports published on 127.0.0.1');
  own(host.PidMode, 'the process space', 'process space');
  own(host.IpcMode, 'the memory space (ipc)', 'memory space');
  for (const device of host.Devices ?? []) {
    if (!OWN_DEVICES.has(device.PathOnHost))
      said.push(
        `the device ${device.PathOnHost} is not carried over: Porthole gives a machine only /dev/kvm, /dev/net/tun and, for its USB devices, /dev/bus/usb.`,
      );
  }
  const caps = (host.CapAdd ?? []).filter((c: string) => c.toUpperCase().replace(/^CAP_/, '') !== 'NET_ADMIN');
  if (caps.length > 0)
    said.push(`the capabilities ${caps.join(', ')} are not carried over: Porthole gives a machine only NET_ADMIN.`);
  if ((host.SecurityOpt ?? []).length > 0)
    said.push(
      'its security options (security_opt) are not carried over: Porthole makes the machine’s container with the engine’s own.',
    );
  const sysctls = Object.keys(host.Sysctls ?? {}).filter((k) => !DEFAULT_SYSCTLS.has(k));
  if (sysctls.length > 0) said.push(`the kernel settings (sysctls) ${sysctls.join(', ')} are not carried over.`);
  if (host.ShmSize !== undefined && !DEFAULT_SHM.has(host.ShmSize))
    said.push('its /dev/shm size (shm_size) is not carried over.');
  // The image runs tini with its own script and no command: anything else was the person's own.
  const entrypoint = info.Config.Entrypoint;
  // Podman's compatible API may give it as one string.
  const first = Array.isArray(entrypoint)
    ? entrypoint[0]
    : typeof entrypoint === 'string'
      ? entrypoint.trim().split(/\s+/)[0]
      : undefined;
  if ((entrypoint && first !== '/usr/bin/tini') || (info.Config.Cmd ?? []).length > 0) {
    said.push('its own entrypoint or command is not carried over: Porthole runs the image’s own.');
  }
  const user = info.Config.User;
  if (user && user !== 'root' && user !== '0' && user !== '0:0')
    said.push('the user it runs as (user) is not carried over: Porthole runs the image as the image says.');
  return said;
}

/**
 * A draft from a dockur container someone made by hand (`docker run` or compose), for adoption:
 * its environment, mounts and published ports. The image's own defaults (VERSION=11, RAM_SIZE=4G...)
 * appear in its environment and are kept, since they are what the container ran with.
 */
export function settingsFromContainer(info: Docker.ContainerInspectInfo): { draft: ImportedDraft; warnings: string[] } {
  const name = info.Name.replace(/^\//, '');
  const label = `container "${name}"`;
  const env = (info.Config.Env ?? []).map((pair): [string, string] => {
    const at = pair.indexOf('=');
    return at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
  });
  const mounts: MountPart[] = (info.Mounts ?? []).flatMap((m): MountPart[] => {
    if (m.Type !== 'bind' && m.Type !== 'volume') return [];
    return [{ source: m.Source, target: m.Destination, readOnly: !m.RW, kind: m.Type }];
  });
  const bindings = (info.HostConfig.PortBindings ?? {}) as Record<string, PortBinding[] | null | undefined>;
  const ports: PortPart[] = Object.entries(bindings).flatMap(([key, list]) => {
    const [port = '', protocol = 'tcp'] = key.split('/');
    return (list ?? []).map((b) => ({
      containerPort: Number(port),
      protocol,
      hostIp: b.HostIp || '0.0.0.0',
      hostPort: b.HostPort && /^\d+$/.test(b.HostPort) ? Number(b.HostPort) : undefined,
    }));
  });
  const found: Findings = { warnings: [], errors: [] };
  const draft = draftFromParts({ label, name, image: info.Config.Image, env, mounts, ports }, found);
  found.warnings.push(...droppedHostSettings(info).map((text) => `${label}: ${text}`));
  refuseFindings(
    found,
    `The container “${name}” cannot be adopted`,
    'Its environment has values its Windows cannot run with: run the container again with corrected values (docker run -e ...), then adopt it.',
  );
  // An adopted container is replaced at its next start, and its Windows ran its /oem long ago: nothing to merge.
  if (draft.oemDir)
    found.warnings.push(
      `${label}: Porthole supplies its own ${OEM_TARGET} folder; the one at ${draft.oemDir} is not used.`,
    );
  delete draft.oemDir;
  return { draft, warnings: found.warnings };
}
