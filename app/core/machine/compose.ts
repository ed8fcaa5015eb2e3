import { posix } from 'node:path';
import type Docker from 'dockerode';
import { Document, parse, YAMLParseError } from 'yaml';
import {
  DEFAULT_IMAGE,
  machineDraftSchema,
  portSchema,
  PortholeError,
  type HostPorts,
  type MachineDraft,
  type MachineSettings,
  type SharedFolder,
} from '../../api';
import { findLanguage, findVersion, isCultureName, isVersionUrl } from '../../api/catalogue';
import { validateCulture, validatePassword, validateUsername } from '../../api/validation';
import {
  buildContainerSpec,
  CONTAINER_PORTS,
  CUSTOM_ISO_TARGET,
  OEM_TARGET,
  SHARED_FOLDER_TARGETS,
  STOP_TIMEOUT_SECONDS,
  STORAGE_TARGET,
  type SpecOptions,
} from './spec';

// ---- export -------------------------------------------------------------------------------------

/** The compose extension field holding the machine's name. */
const NAME_KEY = 'x-porthole-name';

interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/**
 * The compose service equivalent to a container spec: the same image, name, environment, devices,
 * capability, loopback ports, mounts and stop timeout. Labels are left out on purpose: a container
 * started by hand must not pass for one Porthole manages.
 */
export function composeServiceFromSpec(spec: Docker.ContainerCreateOptions): Record<string, unknown> {
  const host = spec.HostConfig ?? {};
  const bindings = (host.PortBindings ?? {}) as Record<string, PortBinding[] | undefined>;
  const ports = Object.entries(bindings).flatMap(([containerPort, list]) =>
    (list ?? []).map((b) => `${b.HostIp ? `${b.HostIp}:` : ''}${b.HostPort ?? ''}:${containerPort}`),
  );
  const devices = ((host.Devices ?? []) as Docker.DeviceMapping[]).map((d) => `${d.PathOnHost}:${d.PathInContainer}`);
  const environment = Object.fromEntries(
    (spec.Env ?? []).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const service: Record<string, unknown> = {
    image: spec.Image,
    container_name: spec.name,
    environment,
    devices,
    cap_add: host.CapAdd as string[] | undefined,
    ports,
    volumes: host.Binds ?? [],
    restart: host.RestartPolicy?.Name ?? 'no',
  };
  if (spec.StopTimeout !== undefined) service.stop_grace_period = duration(spec.StopTimeout);
  return service;
}

/**
 * Every string with each `$` doubled: compose reads `$NAME` and `${NAME}` as the value of a variable
 * of the shell that runs it (a password `Pa$HOME` would become `Pa/home/ada`), and `$$` as one `$`.
 */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.split('$').join('$$') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeDollars(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)])) as T;
  }
  return value;
}

/**
 * A compose.yml that runs the machine without Porthole (`docker compose up -d` in its folder),
 * made from buildContainerSpec's result so the two never disagree. It holds the password: every
 * value is double-quoted (quotes, `#`, spaces and unicode kept exactly) and its `$` escaped as `$$`,
 * so compose reads each value exactly as Porthole stores it.
 */
export function toCompose(m: MachineSettings, opts: SpecOptions): string {
  const spec = buildContainerSpec(m, opts);
  // An `x-` key is ignored by compose; it carries the machine's name back on import.
  // Its own container name: Porthole keeps its (stopped) container for the machine, and compose
  // refuses to make a second container under the same name.
  const service = escapeDollars({ ...composeServiceFromSpec(spec), container_name: composeContainerName(spec.name ?? m.id), [NAME_KEY]: m.name });
  const doc = new Document({ services: { [m.id]: service } });
  doc.commentBefore = [
    ` Machine “${m.name}”, exported by Porthole.`,
    ' Run it with: docker compose up -d   (or podman compose up -d)',
    ` Its screen: http://127.0.0.1:${m.ports.web}/   Remote Desktop: 127.0.0.1:${m.ports.rdp}`,
    ` Stop the machine in Porthole first (porthole stop ${m.id}): both use the same disk.`,
    ' Porthole keeps its own stopped container; it does not get in the way, so leave it. While this',
    ' file\'s container runs, Porthole shows the machine running; after "docker compose down",',
    ` Porthole starts it again as before (porthole start ${m.id}).`,
    ' This file contains the Windows password.',
  ].join('\n');
  // Every string quoted: YAML 1.1 readers would take Y, N or no for booleans.
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

/** The exported file's container name: Porthole's own, marked as the compose-run one. */
export function composeContainerName(portholeName: string): string {
  return `${portholeName}-compose`;
}

// ---- import -------------------------------------------------------------------------------------

/** A machine found in a compose file or an existing container: what it says, nothing invented. */
export type ImportedDraft = MachineDraft & { storageDir?: string; ports?: Partial<HostPorts> };

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
interface Findings {
  warnings: string[];
  errors: string[];
}

interface MountPart {
  source: string;
  target: string;
  readOnly: boolean;
  kind: 'bind' | 'volume';
}

interface PortPart {
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

/** The environment variables Porthole reads; any other is left out with a warning naming it (never its value). */
const KNOWN_ENV = new Set([
  'VERSION', 'RAM_SIZE', 'DISK_SIZE', 'CPU_CORES', 'DISK_FMT', 'USERNAME', 'PASSWORD', 'LANGUAGE', 'REGION', 'KEYBOARD',
  'WIDTH', 'HEIGHT', 'KVM', 'SAMBA', 'SAMBA_READONLY', 'DISPLAY',
]);

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
        else refuse(`Porthole does not know VERSION "${value}": use a version it lists (such as 11, 10 or 2022) or the http(s) address of an ISO.`);
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
        if (value.toLowerCase() === 'raw' || value.toLowerCase() === 'qcow2') draft.diskFormat = value.toLowerCase() as 'raw' | 'qcow2';
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
        if (language && isCultureName(culture) && culture.toLowerCase() !== language.culture.toLowerCase()) draft.region ??= culture;
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
      case 'SAMBA':
        if (flag(key, value) === false) say('SAMBA is off there; Porthole always serves the shared folders.');
        break;
      case 'SAMBA_READONLY':
        sambaReadOnly = flag(key, value) === true;
        break;
      case 'DISPLAY':
        if (value.toLowerCase() !== 'web') say(`DISPLAY="${value}" is replaced by web: Porthole shows the screen in its window.`);
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
      say(`${target} is the engine volume "${mount.source}"; Porthole uses folders only, so copy its files to a folder and choose that.`);
      continue;
    }
    if (target === STORAGE_TARGET) draft.storageDir = mount.source;
    else if (slot !== undefined) {
      if (shared[slot]) say(`${target} repeats a shared folder slot; ${mount.source} was left out.`);
      else shared[slot] = { hostPath: mount.source, readOnly: mount.readOnly || sambaReadOnly };
    } else if (target === CUSTOM_ISO_TARGET || target === '/boot.iso') draft.customIso = mount.source;
    else if (target.toLowerCase() === OEM_TARGET) {
      say(`Porthole supplies its own ${OEM_TARGET} folder; the one at ${mount.source} is not used.`);
    } else say(`the mount ${mount.source} → ${target} is not supported by Porthole and was left out.`);
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

function draftFromParts(parts: ContainerParts, found: Findings): ImportedDraft {
  const name = parts.name.trim().slice(0, 64) || 'Windows';
  const draft: ImportedDraft = { name, image: parts.image };
  if (!isDockurImage(parts.image)) {
    found.warnings.push(`${parts.label}: the image ${parts.image} is not dockurr/windows; Porthole may not drive it correctly.`);
  } else if (!/[:@]/.test(parts.image.replace(/^[^/]*\.[^/]*\//, '')) || /:latest$/i.test(parts.image)) {
    found.warnings.push(`${parts.label}: the image ${parts.image} follows the latest release; Porthole is tested with ${DEFAULT_IMAGE}.`);
  }
  const { sambaReadOnly } = applyEnv(draft, parts, found);
  applyMounts(draft, parts, sambaReadOnly, found.warnings);
  applyPorts(draft, parts, found.warnings);
  return keepValid(draft, parts.label, found);
}

/** Refuses everything found wrong at once, so a person corrects the file in one go; nothing was changed. */
function refuseFindings(found: Findings, what: string, remedy: string): void {
  if (found.errors.length === 0) return;
  throw new PortholeError('INVALID_ARGUMENT', `${what}: ${found.errors.join(' ')} Nothing was changed.`, remedy);
}

// ---- compose file -------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The environment of a compose service. A variable without a value takes the value of the shell that
 * runs compose, which Porthole never reads: for a setting Porthole keeps that is refused (a password
 * must not be a guess), for any other it is left out with a warning. A password written as a YAML
 * number or boolean is refused too, since its exact characters (a leading zero...) are already lost.
 */
function composeEnv(value: unknown, say: (text: string) => void, refuse: (text: string) => void): Array<[string, string]> {
  const fromShell = (key: string): void =>
    KNOWN_ENV.has(key)
      ? refuse(`${key} has no value in the file: compose would take it from the shell that runs it, which Porthole does not read. Write the value in the file.`)
      : say(`${key} takes its value from the shell that runs compose; set it in Porthole instead.`);
  if (Array.isArray(value)) {
    return value.flatMap((item): Array<[string, string]> => {
      const text = scalar(item);
      if (text === undefined) return [];
      const at = text.indexOf('=');
      if (at < 0) {
        fromShell(text);
        return [];
      }
      return [[text.slice(0, at), text.slice(at + 1)]];
    });
  }
  if (isRecord(value)) {
    return Object.entries(value).flatMap(([key, v]): Array<[string, string]> => {
      const text = scalar(v);
      if (text === undefined) {
        fromShell(key);
        return [];
      }
      if (key === 'PASSWORD' && typeof v !== 'string') {
        refuse('PASSWORD is written as a number or true/false: quote it in the file so that its exact characters are kept.');
        return [];
      }
      return [[key, text]];
    });
  }
  return [];
}

/**
 * Undoes compose's interpolation in every string of a service: `$$` is one `$`. `$NAME` and
 * `${NAME}` would take the value of a variable of the shell that runs compose; Porthole never reads
 * its own environment for them (a password from the importing process would be a silent guess), so
 * they are refused, as is a lone `$`, which compose itself refuses. Messages name where, never the value.
 */
function uninterpolate(value: unknown, where: string, refuse: (text: string) => void): unknown {
  if (typeof value === 'string') {
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (ch !== '$') {
        out += ch;
        continue;
      }
      const next = value[i + 1];
      if (next === '$') {
        out += '$';
        i++;
        continue;
      }
      if (next === '{' || (next !== undefined && /[A-Za-z_]/.test(next))) {
        refuse(`${where} uses variable substitution ($NAME or \${NAME}): compose would take its value from the shell that runs it, which Porthole does not read. Write the value itself in the file, each $ as $$.`);
      } else refuse(`${where} has a lone $, which compose refuses: write a dollar sign as $$.`);
      return value;
    }
    return out;
  }
  // An environment variable is named by itself, so a message says which setting it is.
  const inEnv = where === 'environment';
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) =>
      uninterpolate(item, inEnv && typeof item === 'string' ? item.split('=')[0]! : `${where}[${index}]`, refuse),
    );
  }
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, uninterpolate(v, inEnv || !where ? key : `${where}.${key}`, refuse)]));
  }
  return value;
}

interface PathContext {
  baseDir?: string;
  homeDir?: string;
}

function hostPath(source: string, paths: PathContext): string | undefined {
  if (source.startsWith('/')) return posix.normalize(source);
  if (source === '~' || source.startsWith('~/')) return paths.homeDir ? posix.join(paths.homeDir, source.slice(1)) : undefined;
  if (source.startsWith('.')) return paths.baseDir ? posix.resolve(paths.baseDir, source) : undefined;
  return undefined;
}

function composeMounts(value: unknown, paths: PathContext, refuse: (text: string) => void): MountPart[] {
  if (!Array.isArray(value)) return [];
  const mounts: MountPart[] = [];
  for (const item of value) {
    let source: string | undefined;
    let target: string | undefined;
    let readOnly = false;
    let declaredVolume = false;
    const text = scalar(item);
    if (text !== undefined) {
      const fields = text.split(':');
      if (fields.length < 2) continue; // an anonymous volume: nothing of the person's
      [source, target] = fields as [string, string];
      readOnly = (fields[2] ?? '').split(',').includes('ro');
    } else if (isRecord(item)) {
      source = scalar(item.source);
      target = scalar(item.target);
      readOnly = item.read_only === true;
      declaredVolume = item.type === 'volume';
    }
    if (!source || !target) continue;
    const resolved = declaredVolume ? undefined : hostPath(source, paths);
    const named = declaredVolume || !/^[/.~]/.test(source);
    const isStorage = (target.replace(/\/+$/, '') || '/') === STORAGE_TARGET;
    if (named && isStorage) {
      // Nothing would find the installed Windows: a machine on a new empty folder would install it again.
      refuse(`its Windows disk (${STORAGE_TARGET}) is the engine volume "${source}"; Porthole keeps each machine’s disk in a folder. Copy the volume’s files to a folder and bind that folder to ${STORAGE_TARGET}.`);
    } else if (named) mounts.push({ source, target, readOnly, kind: 'volume' });
    else if (resolved) mounts.push({ source: resolved, target, readOnly, kind: 'bind' });
    else if (source.startsWith('~')) refuse(`the path ${source} (for ${target}) starts with ~, and Porthole does not know whose home folder that is here: write the full path.`);
    else {
      refuse(
        `the relative path ${source} (for ${target}) cannot be placed: Porthole was not told which folder the file is in. Import it with "porthole import <path of the file>" (relative paths are then taken from the file’s folder, as docker compose does), or write the full path in the file.`,
      );
    }
  }
  return mounts;
}

function composePorts(value: unknown): PortPart[] {
  if (!Array.isArray(value)) return [];
  const ports: PortPart[] = [];
  for (const item of value) {
    const text = scalar(item);
    if (text !== undefined) {
      const [mapping = '', protocol = 'tcp'] = text.split('/');
      const fields = mapping.split(':');
      const containerPort = Number(fields.pop());
      const host = fields.pop();
      const hostIp = fields.join(':').replace(/^\[|\]$/g, '') || '0.0.0.0';
      if (!Number.isInteger(containerPort)) continue;
      const hostPort = host !== undefined && /^\d+$/.test(host) ? Number(host) : undefined;
      ports.push({ containerPort, protocol: protocol.toLowerCase(), hostIp, hostPort });
    } else if (isRecord(item)) {
      const containerPort = Number(scalar(item.target));
      const published = scalar(item.published);
      if (!Number.isInteger(containerPort)) continue;
      ports.push({
        containerPort,
        protocol: (scalar(item.protocol) ?? 'tcp').toLowerCase(),
        hostIp: scalar(item.host_ip) ?? '0.0.0.0',
        hostPort: published !== undefined && /^\d+$/.test(published) ? Number(published) : undefined,
      });
    }
  }
  return ports;
}

/** A compose duration (`2m`, `90s`, `1m30s`, `1h`) in seconds; undefined when it is not one. */
export function parseComposeDuration(value: string): number | undefined {
  const text = value.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|ns))+$/.test(text)) return undefined;
  const factor: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 };
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) seconds += Number(amount) * factor[unit!]!;
  return seconds;
}

/**
 * What the service's own settings (beside image, environment, volumes and ports) become: each one
 * Porthole does not keep as it is is named, one by one.
 */
function serviceSettings(service: Record<string, unknown>, say: (text: string) => void): void {
  const grace = scalar(service.stop_grace_period);
  if (grace !== undefined) {
    const seconds = parseComposeDuration(grace);
    if (seconds !== STOP_TIMEOUT_SECONDS) {
      say(`stop_grace_period ${grace} is not carried over: Porthole always gives Windows ${STOP_TIMEOUT_SECONDS / 60} minutes to shut down.`);
    }
  }
  const restart = scalar(service.restart);
  if (restart !== undefined && restart !== 'no') {
    say(`restart: ${restart} is not carried over: Porthole starts a machine when you start it, and does not restart it on its own.`);
  }
  const containerName = scalar(service.container_name);
  if (containerName !== undefined && scalar(service[NAME_KEY]) === undefined) {
    say(`container_name ${containerName} is the machine’s name; Porthole names the container it runs itself.`);
  }
}

/**
 * The dockur machines in a compose file, for import. Services with another image are skipped with
 * a warning; everything Porthole cannot keep is named in `warnings`. `baseDir` (the compose file's
 * folder) and `homeDir` place relative (`./windows`) and `~` paths.
 */
export function fromCompose(text: string, opts: PathContext = {}): ImportResult {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message.split('\n')[0] : String(err);
    throw new PortholeError('INVALID_ARGUMENT', `This is not a valid compose file: ${detail}`, 'Check the file in a text editor.');
  }
  const services = isRecord(data) && isRecord(data.services) ? data.services : undefined;
  if (!services) {
    throw new PortholeError('INVALID_ARGUMENT', 'This compose file has no services.', 'Choose the compose.yml that runs Windows.');
  }
  const drafts: ImportedDraft[] = [];
  const names: string[] = [];
  const found: Findings = { warnings: [], errors: [] };
  for (const [key, raw] of Object.entries(services)) {
    const label = `service "${key}"`;
    if (!isRecord(raw)) continue;
    const refuse = (t: string): void => void found.errors.push(`${label}: ${t}`);
    const rawImage = scalar(raw.image);
    if (!rawImage || !isDockurImage(rawImage.split('$$').join('$'))) {
      found.warnings.push(`${label}: ${rawImage ? `its image ${rawImage} is not dockurr/windows` : 'it has no image'}; skipped.`);
      continue;
    }
    const service = uninterpolate(raw, '', refuse) as Record<string, unknown>;
    const image = scalar(service.image)!;
    const say = (t: string): void => void found.warnings.push(`${label}: ${t}`);
    serviceSettings(service, say);
    names.push(key);
    drafts.push(
      draftFromParts(
        {
          label,
          name: scalar(service[NAME_KEY]) ?? scalar(service.container_name) ?? key,
          image,
          env: composeEnv(service.environment, say, refuse),
          mounts: composeMounts(service.volumes, opts, refuse),
          ports: composePorts(service.ports),
        },
        found,
      ),
    );
  }
  refuseFindings(found, 'This compose file cannot be imported', 'Correct these values in the file, then import it again.');
  return { drafts, services: names, warnings: found.warnings };
}

// ---- existing container -------------------------------------------------------------------------

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
  refuseFindings(
    found,
    `The container “${name}” cannot be adopted`,
    'Its environment has values its Windows cannot run with: run the container again with corrected values (docker run -e ...), then adopt it.',
  );
  return { draft, warnings: found.warnings };
}
