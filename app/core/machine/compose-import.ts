// A user's compose file read into machine drafts (`porthole import`, Import compose file…).
import { posix } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { nameProblem, normalizeName, PortholeError } from '../../api';
import { STOP_TIMEOUT_SECONDS, STORAGE_TARGET, USB_BUS, USB_CGROUP_RULE } from './spec';
import { NAME_KEY } from './compose-export';
import {
  draftFromParts,
  IMAGE_DEFAULTS,
  isDockurImage,
  KNOWN_ENV,
  WINDOWS_ENV,
  refuseFindings,
  type Findings,
  type ImportedDraft,
  type ImportResult,
  type MountPart,
  type PortPart,
} from './dockur-settings';

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
function composeEnv(
  value: unknown,
  say: (text: string) => void,
  refuse: (text: string) => void,
): Array<[string, string]> {
  const fromShell = (key: string): void =>
    KNOWN_ENV.has(key)
      ? refuse(
          `${key} has no value in the file: compose would take it from the shell that runs it, which Porthole does not read. Write the value in the file.`,
        )
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
        refuse(
          'PASSWORD is written as a number or true/false: quote it in the file so that its exact characters are kept.',
        );
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
        refuse(
          `${where} uses variable substitution ($NAME or \${NAME}): compose would take its value from the shell that runs it, which Porthole does not read. Write the value itself in the file, each $ as $$.`,
        );
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
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        uninterpolate(v, inEnv || !where ? key : `${where}.${key}`, refuse),
      ]),
    );
  }
  return value;
}

interface PathContext {
  baseDir?: string;
  homeDir?: string;
}

function hostPath(source: string, paths: PathContext): string | undefined {
  if (source.startsWith('/')) return posix.normalize(source);
  if (source === '~' || source.startsWith('~/'))
    return paths.homeDir ? posix.join(paths.homeDir, source.slice(1)) : undefined;
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
      refuse(
        `its Windows disk (${STORAGE_TARGET}) is the engine volume "${source}"; Porthole keeps each machine’s disk in a folder. Copy the volume’s files to a folder and bind that folder to ${STORAGE_TARGET}.`,
      );
    } else if (named) mounts.push({ source, target, readOnly, kind: 'volume' });
    else if (resolved) mounts.push({ source: resolved, target, readOnly, kind: 'bind' });
    else if (source.startsWith('~'))
      refuse(
        `the path ${source} (for ${target}) starts with ~, and Porthole does not know whose home folder that is here: write the full path.`,
      );
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
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g))
    seconds += Number(amount) * factor[unit!]!;
  return seconds;
}

/**
 * Service keys read elsewhere (image, environment, volumes, ports) or below; any other is named as dropped.
 * stdin_open and tty (dockur's `docker run -it`) only attach a terminal: Porthole follows the log itself.
 */
const READ_KEYS = new Set([
  'image',
  'environment',
  'volumes',
  'ports',
  'stop_grace_period',
  'restart',
  'container_name',
  'devices',
  'cap_add',
  'stdin_open',
  'tty',
  'device_cgroup_rules',
]);

/** The devices Porthole gives a machine itself (machine/spec.ts): a file that names them loses nothing. */
const OWN_DEVICES = new Set(['/dev/kvm', '/dev/net/tun', USB_BUS]);

/** The host paths of a service's `devices` (`/dev/sda`, `/dev/sda:/dev/xvda:rwm`, or the long syntax). */
function devicePaths(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): string[] => {
    const text = scalar(item) ?? (isRecord(item) ? scalar(item.source) : undefined);
    return text ? [text.split(':')[0]!] : [];
  });
}

/**
 * What the service's own settings (beside image, environment, volumes and ports) become: each one
 * Porthole does not keep as it is is named, one by one. Porthole makes the machine's container from
 * its own settings, so every other key of the service is dropped, and said so by its name (values
 * only where they are a choice among a few words: a command or a user may hold a secret).
 */
function serviceSettings(service: Record<string, unknown>, say: (text: string) => void): void {
  const grace = scalar(service.stop_grace_period);
  if (grace !== undefined) {
    const seconds = parseComposeDuration(grace);
    if (seconds !== STOP_TIMEOUT_SECONDS) {
      say(
        `stop_grace_period ${grace} is not carried over: Porthole always gives Windows ${STOP_TIMEOUT_SECONDS / 60} minutes to shut down.`,
      );
    }
  }
  const restart = scalar(service.restart);
  if (restart !== undefined && restart !== 'no') {
    say(
      `restart: ${restart} is not carried over: Porthole starts a machine when you start it, and does not restart it on its own.`,
    );
  }
  const containerName = scalar(service.container_name);
  if (containerName !== undefined && scalar(service[NAME_KEY]) === undefined) {
    say(`container_name ${containerName} is the machine’s name; Porthole names the container it runs itself.`);
  }
  for (const path of devicePaths(service.devices)) {
    if (!OWN_DEVICES.has(path))
      say(
        `the device ${path} is not carried over: Porthole gives a machine only /dev/kvm, /dev/net/tun and, for its USB devices, ${USB_BUS}.`,
      );
  }
  const rules = Array.isArray(service.device_cgroup_rules)
    ? service.device_cgroup_rules.map(scalar).filter((r): r is string => r !== undefined)
    : [];
  const extraRules = rules.filter((r) => r !== USB_CGROUP_RULE);
  if (extraRules.length > 0)
    say(
      `device_cgroup_rules ${extraRules.join(', ')} is not carried over: Porthole allows a machine only USB devices (${USB_CGROUP_RULE}), with its USB devices.`,
    );
  const caps = Array.isArray(service.cap_add)
    ? service.cap_add.map(scalar).filter((c): c is string => c !== undefined)
    : [];
  const extraCaps = caps.filter((c) => c.toUpperCase().replace(/^CAP_/, '') !== 'NET_ADMIN');
  if (extraCaps.length > 0)
    say(`cap_add ${extraCaps.join(', ')} is not carried over: Porthole gives a machine only NET_ADMIN.`);
  for (const [key, value] of Object.entries(service)) {
    if (READ_KEYS.has(key) || key.startsWith('x-')) continue;
    if (key === 'privileged') {
      if (value === true || scalar(value) === 'true')
        say('privileged is not carried over: Porthole never runs a machine privileged.');
    } else if (key === 'network_mode' || key === 'pid' || key === 'ipc') {
      const text = scalar(value);
      const shown = text !== undefined && /^[\w.:-]{1,64}$/.test(text) ? `${key}: ${text}` : key;
      say(
        `${shown} is not carried over: Porthole runs a machine in its own ${key === 'network_mode' ? 'network, its ports published on 127.0.0.1' : key === 'pid' ? 'process space' : 'memory space'}.`,
      );
    } else {
      say(`${key} is not carried over: Porthole makes the machine’s container from its own settings.`);
    }
  }
}

/** A compose file of more services, or more Windows machines, than this is refused: no person means that many. */
export const MAX_COMPOSE_SERVICES = 256;
export const MAX_IMPORTED_MACHINES = 16;

/** The variable names of a service's environment (list or map syntax), values unread. */
function envKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => (typeof item === 'string' ? [item.split('=')[0]!] : []));
  return isRecord(value) ? Object.keys(value) : [];
}

/** The service binds something at /storage (short or long syntax). */
function bindsStorage(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  return value.some((item) => {
    const target = typeof item === 'string' ? item.split(':')[1] : isRecord(item) ? scalar(item.target) : undefined;
    return target !== undefined && (target.replace(/\/+$/, '') || '/') === STORAGE_TARGET;
  });
}

/** What is wrong with a YAML text, in Porthole's words (the parser's own text names its API, not the file). */
function yamlProblem(err: unknown): string {
  if (!(err instanceof YAMLParseError)) return 'it cannot be read as YAML';
  const at = err.linePos?.[0] ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
  if (err.code === 'MULTIPLE_DOCS')
    return `it holds more than one YAML document (separated by ---)${at}; a compose file is one document`;
  if (err.code === 'DUPLICATE_KEY') return `a key is written twice${at}`;
  if (err.code === 'TAB_AS_INDENT') return `a tab indents a line${at} (YAML indents with spaces)`;
  return `the YAML is malformed${at}`;
}

/**
 * Why a service is not a Windows machine, or undefined when it is one: the dockur image, or another
 * image (a mirror, a build of it, a machine made with `--image`) whose settings say Windows: Porthole's
 * own `x-porthole-*` keys, or a folder at /storage with one of the Windows image's own variables.
 */
function notWindows(service: Record<string, unknown>): string | undefined {
  const image = scalar(service.image);
  if (!image) return 'it has no image';
  if (isDockurImage(image.split('$$').join('$'))) return undefined;
  if (Object.keys(service).some((key) => key.startsWith('x-porthole-'))) return undefined;
  if (bindsStorage(service.volumes) && envKeys(service.environment).some((key) => WINDOWS_ENV.has(key)))
    return undefined;
  return `its image ${image} is not dockurr/windows, and nothing in it says it is a Windows machine (a folder at ${STORAGE_TARGET} with one of the variables ${[...WINDOWS_ENV].join(', ')}, or Porthole's ${NAME_KEY})`;
}

/** A compose file's `services` mapping; refused when the text is not a compose file of services. */
function composeServices(text: string): Record<string, unknown> {
  // A UTF-16 file read as UTF-8 (or any binary file) is full of NULs: say what it is, not "no services".
  if (text.includes('\u0000')) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      'This file is not a compose file: it is not UTF-8 text (a UTF-16 file, or not text at all).',
      'Save it as UTF-8 in a text editor, then import it again.',
    );
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `This is not a valid compose file: ${yamlProblem(err)}.`,
      'Check the file in a text editor.',
    );
  }
  const services = isRecord(data) && isRecord(data.services) ? data.services : undefined;
  if (!services) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      'This compose file has no services.',
      'Choose the compose.yml that runs Windows.',
    );
  }
  return services;
}

/** One Windows service of an imported file as a draft; what cannot be kept goes to `found`. */
function serviceDraft(key: string, raw: Record<string, unknown>, opts: PathContext, found: Findings): ImportedDraft {
  const label = `service "${key}"`;
  const refuse = (t: string): void => void found.errors.push(`${label}: ${t}`);
  const service = uninterpolate(raw, '', refuse) as Record<string, unknown>;
  const image = scalar(service.image)!;
  const say = (t: string): void => void found.warnings.push(`${label}: ${t}`);
  serviceSettings(service, say);
  const env = composeEnv(service.environment, say, refuse);
  // The name Porthole wrote follows the names rule as any other way of naming a machine does.
  const given = service[NAME_KEY] === undefined ? undefined : scalar(service[NAME_KEY]);
  const problem = given === undefined ? null : nameProblem(normalizeName(given), 'machine');
  if (problem) refuse(`its ${NAME_KEY}: ${problem}`);
  const draft = draftFromParts(
    {
      label,
      name: given !== undefined && !problem ? normalizeName(given) : (scalar(service.container_name) ?? key),
      image,
      env,
      mounts: composeMounts(service.volumes, opts, refuse),
      ports: composePorts(service.ports),
    },
    found,
  );
  // What the image itself runs with where the file sets nothing (compose runs it so), not Porthole's own defaults.
  const set = new Set(env.map(([k]) => k));
  if (!set.has('RAM_SIZE')) draft.ramGiB ??= IMAGE_DEFAULTS.ramGiB;
  if (!set.has('CPU_CORES')) draft.cpuCores ??= IMAGE_DEFAULTS.cpuCores;
  return draft;
}

/**
 * The Windows machines in a compose file, for import: services of the dockur image, or of another image
 * whose settings say Windows (see notWindows). Every other service is skipped, saying why; everything
 * Porthole cannot keep is named in `warnings`. A file of more services than a person means is refused.
 * `baseDir` (the compose file's folder) and `homeDir` place relative (`./windows`) and `~` paths.
 */
export function fromCompose(text: string, opts: PathContext = {}): ImportResult {
  const entries = Object.entries(composeServices(text));
  if (entries.length > MAX_COMPOSE_SERVICES) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `This compose file has ${entries.length} services; Porthole reads files of at most ${MAX_COMPOSE_SERVICES}, since a file that long is not one a person wrote to run Windows. Nothing was imported.`,
      'Import a compose file with only the Windows machines you mean.',
    );
  }
  const drafts: ImportedDraft[] = [];
  const names: string[] = [];
  const found: Findings = { warnings: [], errors: [] };
  const windows: Array<[string, Record<string, unknown>]> = [];
  for (const [key, raw] of entries) {
    const why = isRecord(raw) ? notWindows(raw) : 'it is not a service’s settings';
    if (why) found.warnings.push(`service "${key}": ${why}; skipped.`);
    else windows.push([key, raw as Record<string, unknown>]);
  }
  if (windows.length > MAX_IMPORTED_MACHINES) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `This compose file has ${windows.length} Windows machines; Porthole imports at most ${MAX_IMPORTED_MACHINES} at once, since each is a whole Windows with its own disk and gigabytes of memory: that many is most likely a mistake in the file. Nothing was imported.`,
      `Split the file, keeping in each at most ${MAX_IMPORTED_MACHINES} machines you mean to run.`,
    );
  }
  for (const [key, raw] of windows) {
    names.push(key);
    drafts.push(serviceDraft(key, raw, opts, found));
  }
  refuseFindings(
    found,
    'This compose file cannot be imported',
    'Correct these values in the file, then import it again.',
  );
  return { drafts, services: names, warnings: found.warnings };
}
