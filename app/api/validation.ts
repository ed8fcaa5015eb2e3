/**
 * Checks a person's choices before Porthole acts on them. Every validator returns the message to
 * show, or null when the value is fine. Shared with the renderer: no Node imports.
 *
 * The rules follow what the dockur/windows image itself refuses (so a machine never fails later on
 * a value Porthole accepted) and what Docker can mount.
 */
import { findLanguage, findVersion, isCultureName, isVersionUrl, versionName, versionRequirements } from './catalogue';
import type { HostPorts, MachineSettings, SharedFolder } from './machine';
import { isInsidePath as isInside, normalizeHostPath, systemFolderReason } from './host-paths';
import { nameKey, nameProblem, normalizeName } from './names';
import { describeHidden, hiddenCharacters } from './hidden-characters';

export { normalizeHostPath };

const GIB = 1024 ** 3;
const MAX_SHARED_FOLDERS = 3;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface HostLimits {
  ramTotalBytes: number;
  cpuThreads: number;
}

/** The names rule (names.ts), and no other machine with the same name (compared by nameKey). */
export function validateMachineName(name: string, otherNames: readonly string[] = []): string | null {
  const normal = normalizeName(name);
  const problem = nameProblem(normal, 'machine');
  if (problem) return problem;
  const key = nameKey(normal);
  if (otherNames.some((o) => nameKey(o) === key))
    return `Another machine is already called “${normal}”. Choose a different name.`;
  return null;
}

const RESERVED_USERNAMES = new Set([
  'administrator',
  'guest',
  'defaultaccount',
  'wdagutilityaccount',
  'wsiaccount',
  'none',
]);

/** Windows local account rules, as the image checks them before writing the answer file. */
export function validateUsername(username: string): string | null {
  if (!username) return 'Choose a user name for the Windows account.';
  if (username.length > 20) return 'A Windows user name can be at most 20 characters long.';
  if (CONTROL.test(username)) return 'A Windows user name cannot contain control characters.';
  const bad = /["/\\[\]:;|=,+*?<>%@]/.exec(username);
  if (bad)
    return `A Windows user name cannot contain “${bad[0]}”. Leave out any of " / \\ [ ] : ; | = , + * ? < > % @.`;
  if (/^[.\s]+$/.test(username)) return 'A Windows user name cannot consist only of dots and spaces.';
  if (username.endsWith('.')) return 'A Windows user name cannot end with a dot.';
  if (username !== username.trim()) return 'A Windows user name cannot start or end with a space.';
  if (RESERVED_USERNAMES.has(username.toLowerCase())) {
    return `“${username}” is the name of a built-in Windows account. Choose another user name.`;
  }
  return null;
}

export function validatePassword(password: string): string | null {
  // The image replaces an empty password by "admin", and Remote Desktop refuses accounts without one.
  if (!password) return 'Choose a password: Windows uses it for Remote Desktop and the lock screen.';
  if (password.length > 127) return 'A password can be at most 127 characters long.';
  // Besides line breaks: C1 (U+009B is CSI to a terminal), bidi controls and zero-width marks: a compose file
  // being imported is hostile, and nobody can see or type what the password would then hold.
  const hidden = hiddenCharacters(password)[0];
  if (hidden)
    return `A password cannot contain control characters or invisible marks: ${describeHidden(hidden)}. Use characters that can be seen and typed.`;
  return null;
}

export function validateVersion(version: string): string | null {
  const value = version.trim();
  if (!value) return 'Choose a Windows version.';
  if (findVersion(value)) return null;
  if (/^https?:/i.test(value)) {
    return isVersionUrl(value) ? null : `“${value}” is not a complete web address.`;
  }
  return `Porthole does not know the Windows version “${value}”. Choose one from the list, or give the http(s) address of an ISO.`;
}

export function validateLanguage(language: string): string | null {
  if (!language.trim()) return 'Choose a language for Windows.';
  if (findLanguage(language)) return null;
  return `Windows is not published in “${language}”. Choose a language from the list.`;
}

/** REGION or KEYBOARD: empty means "follow the language". */
export function validateCulture(value: string | undefined, what: 'region' | 'keyboard'): string | null {
  if (value === undefined || value === '') return null;
  if (isCultureName(value)) return null;
  return `“${value}” is not a ${what} Windows knows: use a culture name such as de-CH or en-GB.`;
}

function gib(bytes: number): number {
  return Math.floor(bytes / GIB);
}

function wholeNumber(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}

export function validateRam(
  ramGiB: number,
  host: HostLimits | undefined,
  version: string,
  customIso?: string | null,
): string | null {
  if (!wholeNumber(ramGiB)) return 'Memory is a whole number of GB, at least 1.';
  const { minRamGiB } = versionRequirements(version, customIso);
  if (ramGiB < minRamGiB)
    return `${customIso ? 'This machine' : versionName(version)} needs at least ${minRamGiB} GB of memory.`;
  if (host && host.ramTotalBytes > 0) {
    const total = gib(host.ramTotalBytes);
    if (ramGiB > total) return `This computer has ${total} GB of memory: give Windows at most ${total} GB.`;
  }
  return null;
}

export function validateCpu(cores: number, host: HostLimits | undefined): string | null {
  if (!wholeNumber(cores)) return 'Processor cores are a whole number, at least 1.';
  if (host && host.cpuThreads > 0 && cores > host.cpuThreads) {
    return `This computer has ${host.cpuThreads} processor threads: give Windows at most ${host.cpuThreads}.`;
  }
  return null;
}

export function validateDisk(diskGiB: number, version: string, customIso?: string | null): string | null {
  if (!wholeNumber(diskGiB)) return 'The disk size is a whole number of GB.';
  if (diskGiB > 65536) return 'The disk can be at most 65536 GB.';
  const { minDiskGiB } = versionRequirements(version, customIso);
  if (diskGiB < minDiskGiB)
    return `${customIso ? 'This machine' : versionName(version)} needs a disk of at least ${minDiskGiB} GB.`;
  return null;
}

/**
 * A disk can grow, never shrink: the image ignores a smaller size and the Windows partition would not fit.
 * `onDiskGiB` is the disk the image really made (null: none yet): a setting raised before the image grew the
 * disk may go back down to it (a typo is not permanent), and with no disk yet any size is a first choice.
 * Without it (not known here: the settings page, a remote engine) the setting is the floor.
 */
export function validateDiskChange(oldGiB: number, newGiB: number, onDiskGiB?: number | null): string | null {
  const floor = onDiskGiB === undefined ? oldGiB : onDiskGiB === null ? 0 : Math.min(oldGiB, onDiskGiB);
  if (newGiB < floor) {
    return `The disk cannot shrink: it is ${floor} GB, so choose ${floor} GB or more.`;
  }
  return null;
}

/**
 * Whether the storage folder's filesystem has room for the download, its unpacking and a fresh
 * installation. Disk images are sparse, so the chosen disk size itself is not reserved.
 */
export function validateFreeSpace(freeDiskBytes: number | null | undefined, version: string): string | null {
  if (freeDiskBytes === null || freeDiskBytes === undefined) return null;
  const known = findVersion(version);
  const download = known?.downloadBytes ?? 8 * 1_000_000_000;
  const installed = Math.min(known?.minDiskGiB ?? 32, 20) * GIB;
  const needed = 2 * download + installed;
  if (freeDiskBytes >= needed) return null;
  const show = (bytes: number): string => `${Math.max(0, Math.round(bytes / 1_000_000_000))} GB`;
  return `Only ${show(freeDiskBytes)} is free where the machine is stored; installing ${versionName(version)} needs about ${show(needed)}.`;
}

export function validateScreen(width: number, height: number): string | null {
  if (!Number.isInteger(width) || width < 640 || width > 7680)
    return 'The screen width is between 640 and 7680 pixels.';
  if (!Number.isInteger(height) || height < 480 || height > 4320)
    return 'The screen height is between 480 and 4320 pixels.';
  return null;
}

/** A host path Porthole hands to the engine as a bind mount. `what` names it in the message. */
export function validateHostPath(path: string, what: string): string | null {
  if (!path) return `Choose the ${what}.`;
  if (!path.startsWith('/')) return `The ${what} must be a full path starting with /, not “${path}”.`;
  if (CONTROL.test(path)) return `The ${what} path contains control characters.`;
  // The engine's mount syntax (`source:target:options`) cannot carry a colon in the source.
  if (path.includes(':'))
    return `The ${what} “${path}” contains a colon (:), which the container engine cannot mount. Rename it or choose another.`;
  return null;
}

export function validateStorageDir(path: string): string | null {
  const problem = validateHostPath(path, 'storage folder');
  if (problem) return problem;
  if (normalizeHostPath(path) === '/') return 'Choose a folder of its own for the machine, not the whole computer.';
  const system = systemFolderReason(path);
  if (system)
    return `${normalizeHostPath(path)} cannot hold a machine: ${system}. Choose a folder of your own, such as one in your home folder.`;
  return null;
}

export function validateIsoPath(path: string | null | undefined): string | null {
  if (path === null || path === undefined) return null;
  return validateHostPath(path, 'custom ISO');
}

export function validateSharedFolders(folders: readonly SharedFolder[], storageDir?: string): string | null {
  if (folders.length > MAX_SHARED_FOLDERS) return 'A machine can have at most three shared folders.';
  const storage = storageDir ? normalizeHostPath(storageDir) : undefined;
  const seen = new Set<string>();
  for (const folder of folders) {
    const problem = validateHostPath(folder.hostPath, 'shared folder');
    if (problem) return problem;
    const path = normalizeHostPath(folder.hostPath);
    if (path === '/') return 'Share a folder, not the whole computer.';
    const system = systemFolderReason(path);
    if (system) return `${path} cannot be shared: ${system}. Share a folder of your own.`;
    if (storage && isInside(path, storage)) {
      return `${path} holds this machine's Windows disk. Share a different folder.`;
    }
    if (seen.has(path)) return `${path} is shared twice. Remove one of them.`;
    seen.add(path);
  }
  return null;
}

export function validatePort(port: number, what: string): string | null {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) return `The ${what} port is a number from 1024 to 65535.`;
  return null;
}

/** Host ports: valid, different from each other, and not used by another machine. */
export function validatePorts(ports: HostPorts, taken: readonly number[] = []): string | null {
  const problem = validatePort(ports.web, 'screen') ?? validatePort(ports.rdp, 'Remote Desktop');
  if (problem) return problem;
  if (ports.web === ports.rdp) return 'The screen port and the Remote Desktop port must differ.';
  for (const port of [ports.web, ports.rdp]) {
    if (taken.includes(port)) return `Port ${port} is already used by another machine.`;
  }
  return null;
}

export interface ValidationIssue {
  /** The setting at fault, as named in MachineSettings. */
  field: keyof MachineSettings;
  message: string;
}

export interface MachineCheckContext {
  /** The host's memory and threads; limits are not checked without them. */
  host?: HostLimits;
  /** Names of the other machines (a name must be unique). */
  otherNames?: readonly string[];
  /** Host ports used by the other machines. */
  takenPorts?: readonly number[];
}

/** Every problem with a complete set of settings, one per field, in form order. */
export function validateMachine(m: MachineSettings, ctx: MachineCheckContext = {}): ValidationIssue[] {
  const checks: Array<[keyof MachineSettings, string | null]> = [
    ['name', validateMachineName(m.name, ctx.otherNames)],
    ['version', m.customIso ? null : validateVersion(m.version)],
    ['customIso', validateIsoPath(m.customIso)],
    ['language', validateLanguage(m.language)],
    ['region', validateCulture(m.region, 'region')],
    ['keyboard', validateCulture(m.keyboard, 'keyboard')],
    ['username', validateUsername(m.username)],
    ['password', validatePassword(m.password)],
    ['ramGiB', validateRam(m.ramGiB, ctx.host, m.version, m.customIso)],
    ['cpuCores', validateCpu(m.cpuCores, ctx.host)],
    ['diskGiB', validateDisk(m.diskGiB, m.version, m.customIso)],
    ['screen', validateScreen(m.screen.width, m.screen.height)],
    ['storageDir', validateStorageDir(m.storageDir)],
    ['sharedFolders', validateSharedFolders(m.sharedFolders, m.storageDir)],
    ['ports', validatePorts(m.ports, ctx.takenPorts)],
  ];
  return checks.flatMap(([field, message]) => (message ? [{ field, message }] : []));
}
