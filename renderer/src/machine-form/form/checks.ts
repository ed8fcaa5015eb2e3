import {
  DEFAULT_IMAGE,
  kvmOnRefusal,
  needsSoftwareEmulation,
  normalizeHostPath,
  validateCpu,
  validateCulture,
  validateDisk,
  validateDiskChange,
  validateFreeSpace,
  validateHostPath,
  validateIsoPath,
  validateLanguage,
  validateMachineName,
  validatePassword,
  validateRam,
  validateSharedFolders,
  validateStorageDir,
  validateUsername,
  validateVersion,
  versionName,
  versionRequirements,
  type CreationDefaults,
  type IsoInfo,
  type MachineView,
} from '@porthole/api';
import { gibFloor, newMachineFolder, type FormField, type MachineForm } from './machine-form';

/** The state of the check of the ISO path in the form (inspectIso). */
export type IsoCheck =
  | { state: 'idle' }
  | { state: 'checking'; path: string }
  | { state: 'ok'; path: string; info: IsoInfo }
  | { state: 'bad'; path: string; message: string };

export interface FormContext {
  mode: 'create' | 'change';
  /** Host limits and free space; null while still being measured. */
  host: CreationDefaults | null;
  /** The other machines: names and storage folders must not clash. */
  others: readonly MachineView[];
  /** Change mode: the machine's disk size now (it can only grow). */
  currentDiskGiB?: number;
  /** Change mode: the machine runs in software emulation now (KVM off). */
  currentEmulation?: boolean;
  iso: IsoCheck;
  /** Shared folders found to exist (true) or missing (false); absent while unknown. */
  folders: Readonly<Record<string, boolean>>;
  /** Create: the new machine's folder already holds an installed Windows (creationDefaults said so). */
  existingInstall?: ExistingInstallFound | null;
}

/** A Windows the image installed in the folder a new machine would use (a disk kept from a deleted machine). */
export interface ExistingInstallFound {
  folder: string;
  diskGiB?: number | undefined;
}

/** How the wizard names a found install: where, and how large its disk is. */
export function describeExistingInstall(found: ExistingInstallFound): string {
  return `${found.folder} already holds an installed Windows${found.diskGiB !== undefined ? ` (a ${found.diskGiB} GB disk)` : ''}, perhaps kept when a machine was deleted.`;
}

export interface Range {
  min: number;
  max: number;
}

export type Problems = Partial<Record<FormField, string>>;

/** Windows 10 and 11 refuse less than 2 GB; the slider starts there for every version. */
export const MIN_RAM_GIB = 2;
/** When the free space cannot be measured, the disk slider still needs an end. */
const UNMEASURED_DISK_MAX_GIB = 2048;

export function ramRange(host: CreationDefaults | null): Range {
  const total = host ? gibFloor(host.ramTotalBytes) : 0;
  return { min: MIN_RAM_GIB, max: Math.max(MIN_RAM_GIB, total) };
}

export function cpuRange(host: CreationDefaults | null): Range {
  return { min: 1, max: Math.max(1, host?.cpuThreads ?? 1) };
}

/** Whole GiB free where the disk goes, or null when unknown. */
export function freeGiB(host: CreationDefaults | null): number | null {
  return host && host.freeDiskBytes !== null ? gibFloor(host.freeDiskBytes) : null;
}

/**
 * New machine: from the version's minimum to the free space at the storage location.
 * Existing machine: from its current size (a disk never shrinks) to that plus the free space.
 */
export function diskRange(
  form: MachineForm,
  ctx: Pick<FormContext, 'mode' | 'host' | 'currentDiskGiB' | 'existingInstall'>,
): Range {
  const free = freeGiB(ctx.host);
  const current = ctx.mode === 'change' ? (ctx.currentDiskGiB ?? form.diskGiB) : keptDiskGiB(form, ctx);
  if (current !== undefined) {
    return { min: current, max: free === null ? Math.max(current, UNMEASURED_DISK_MAX_GIB) : current + free };
  }
  const { minDiskGiB } = versionRequirements(form.version, form.source === 'iso' ? form.customIso || '/' : null);
  return { min: minDiskGiB, max: Math.max(minDiskGiB, free ?? UNMEASURED_DISK_MAX_GIB) };
}

/**
 * Create with "Use it": the size of the disk kept in the folder, which is there already and never shrinks (the
 * backend raises a smaller size to it, existing-install-rule.ts); undefined otherwise.
 */
function keptDiskGiB(form: MachineForm, ctx: Pick<FormContext, 'mode' | 'existingInstall'>): number | undefined {
  return ctx.mode === 'create' && form.useExistingInstall ? ctx.existingInstall?.diskGiB : undefined;
}

function isWhole(value: number): boolean {
  return Number.isInteger(value);
}

function describeWindows(form: MachineForm): string {
  return form.source === 'iso' ? 'This machine' : versionName(form.version);
}

const PATH_COMPONENT = '[a-z0-9]+(?:[._-]+[a-z0-9]+)*';
/** `[registry[:port]/]path[:tag][@sha256:digest]`, as the engine accepts it. */
const IMAGE_REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9.-]+(?::\\d+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::\\w[\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** A container image reference, loosely: `name[:tag][@digest]`, no spaces, lowercase repository. */
export function validateImage(image: string): string | null {
  const value = image.trim();
  if (!value) return null;
  if (/\s/.test(value)) return `“${value}” contains spaces: a container image is written like ${DEFAULT_IMAGE}.`;
  if (!IMAGE_REFERENCE.test(value)) {
    return `“${value}” is not a container image name Porthole can use: write it like ${DEFAULT_IMAGE} (lowercase name, optional :tag).`;
  }
  return null;
}

function isoProblem(form: MachineForm, iso: IsoCheck): string | null {
  const path = form.customIso.trim();
  if (!path) return 'Choose the ISO file to install from, or pick a Windows version to download.';
  const bad = validateIsoPath(path);
  if (bad) return bad;
  if (iso.state === 'bad' && iso.path === path) return iso.message;
  if (iso.state === 'ok' && iso.path === path) return null;
  return 'Checking the ISO file…';
}

function sharedFolderProblem(form: MachineForm, ctx: FormContext, machineDir: string | undefined): string | null {
  const folders = form.sharedFolders.map((f) => ({ ...f, hostPath: f.hostPath.trim() }));
  const empty = folders.findIndex((f) => !f.hostPath);
  if (empty >= 0) return `Shared folder ${empty + 1} has no folder yet: choose one, or remove the row.`;
  const problem = validateSharedFolders(folders, machineDir);
  if (problem) return problem;
  const missing = folders.find((f) => ctx.folders[f.hostPath] === false);
  // A remote engine's folders are its computer's (the backend looked there).
  const where = ctx.host?.storageHost ? `on ${ctx.host.storageHost} (the engine's computer)` : 'on this computer';
  if (missing)
    return `The folder ${missing.hostPath} does not exist ${where}. Create it first, or choose another folder.`;
  return null;
}

function ramProblem(form: MachineForm, ctx: FormContext, customIso: string | null): string | null {
  const limits = ctx.host ? { ramTotalBytes: ctx.host.ramTotalBytes, cpuThreads: ctx.host.cpuThreads } : undefined;
  if (!isWhole(form.ramGiB)) return 'Memory is a whole number of GB, such as 8.';
  if (form.ramGiB < MIN_RAM_GIB) return `Give Windows at least ${MIN_RAM_GIB} GB of memory.`;
  return validateRam(form.ramGiB, limits, form.version, customIso);
}

function cpuProblem(form: MachineForm, ctx: FormContext): string | null {
  const limits = ctx.host ? { ramTotalBytes: ctx.host.ramTotalBytes, cpuThreads: ctx.host.cpuThreads } : undefined;
  if (!isWhole(form.cpuCores)) return 'Processor cores are a whole number, such as 2.';
  return validateCpu(form.cpuCores, limits);
}

function diskProblem(form: MachineForm, ctx: FormContext, customIso: string | null): string | null {
  const disk = diskRange(form, ctx);
  const free = freeGiB(ctx.host);
  if (!isWhole(form.diskGiB)) return 'The disk size is a whole number of GB, such as 64.';
  if (
    ctx.mode === 'change' &&
    ctx.currentDiskGiB !== undefined &&
    validateDiskChange(ctx.currentDiskGiB, form.diskGiB)
  ) {
    return validateDiskChange(ctx.currentDiskGiB, form.diskGiB);
  }
  const kept = keptDiskGiB(form, ctx);
  if (kept !== undefined && form.diskGiB < kept) {
    return `The disk kept in this folder is ${kept} GB: the machine keeps at least that (a disk is never made smaller).`;
  }
  if (validateDisk(form.diskGiB, form.version, customIso)) return validateDisk(form.diskGiB, form.version, customIso);
  if (free !== null && form.diskGiB > disk.max) {
    return ctx.mode === 'create' && kept === undefined
      ? `Only ${free} GB is free at ${form.storageLocation.trim()}: choose at most ${free} GB, or store the machine where there is more room.`
      : `Only ${free} GB is free where this machine is stored: the disk can grow to at most ${disk.max} GB.`;
  }
  if (ctx.mode === 'create' && kept === undefined && free !== null && disk.min > free) {
    return `${describeWindows(form)} needs a disk of at least ${disk.min} GB, but only ${free} GB is free at ${form.storageLocation.trim()}. Free up space or choose another storage location.`;
  }
  return null;
}

/** The machine's own folder (undefined while the location is unusable), and what is wrong with where it goes. */
function storageProblem(form: MachineForm, ctx: FormContext): { problem: string | null; machineDir?: string } {
  if (ctx.mode !== 'create') return { problem: null, machineDir: form.storageLocation };
  const location = form.storageLocation.trim();
  // The location is a parent (/mnt, /tmp are fine to put a machine folder in): the system-folder
  // rules apply to the machine's own folder, as in the backend.
  const problem = validateHostPath(location, 'storage folder') ?? validateStorageDir(newMachineFolder(form));
  if (problem) return { problem };
  const machineDir = newMachineFolder(form);
  const clash = ctx.others.find((m) => normalizeHostPath(m.storageDir) === normalizeHostPath(machineDir));
  if (clash) {
    return {
      problem: `The machine “${clash.name}” already keeps its disk in ${machineDir}. Choose another name or storage location.`,
      machineDir,
    };
  }
  return { problem: null, machineDir };
}

function emulationProblem(form: MachineForm, ctx: FormContext): string | null {
  if (ctx.mode === 'create' && ctx.host && needsSoftwareEmulation(ctx.host) && !form.softwareEmulation) {
    return 'Windows cannot use hardware acceleration on this computer: tick the box to run it in software emulation, or create the machine on a computer with KVM.';
  }
  // Turning emulation off where KVM cannot work would make the machine fail at its next start: refused here,
  // as the backend refuses it (the same rule and words, kvm-rule.ts).
  const refusal = ctx.mode === 'change' && ctx.currentEmulation && ctx.host ? kvmOnRefusal(ctx.host) : null;
  if (refusal && !form.softwareEmulation) return `${refusal.message} ${refusal.remedy}`;
  return null;
}

/** Everything that stops the form from being used, one message per field, each saying what to do. */
export function formErrors(form: MachineForm, ctx: FormContext): Problems {
  const errors: Problems = {};
  const set = (field: FormField, message: string | null): void => {
    if (message) errors[field] = message;
  };
  const otherNames = ctx.others.map((m) => m.name);
  set('name', validateMachineName(form.name, otherNames));

  if (form.source === 'download') set('version', validateVersion(form.version));
  else set('customIso', isoProblem(form, ctx.iso));

  set('language', validateLanguage(form.language));
  set('region', validateCulture(form.region.trim(), 'region'));
  set('keyboard', validateCulture(form.keyboard.trim(), 'keyboard'));
  set('username', validateUsername(form.username));
  if (ctx.mode === 'create' || form.password) set('password', validatePassword(form.password));

  const customIso = form.source === 'iso' ? form.customIso.trim() || '/' : null;
  set('ramGiB', ramProblem(form, ctx, customIso));
  set('cpuCores', cpuProblem(form, ctx));
  set('diskGiB', diskProblem(form, ctx, customIso));

  const storage = storageProblem(form, ctx);
  set('storageLocation', storage.problem);

  if (ctx.mode === 'create' && ctx.existingInstall && !form.useExistingInstall) {
    set(
      'useExistingInstall',
      `${describeExistingInstall(ctx.existingInstall)} Use it, or choose another folder (or name) for a fresh install.`,
    );
  }

  set('sharedFolders', sharedFolderProblem(form, ctx, storage.machineDir));
  set('image', validateImage(form.image));
  set('softwareEmulation', emulationProblem(form, ctx));
  return errors;
}

// The rule lives with the backend's (kvm-rule.ts); the forms' other parts import it from here.
export { needsSoftwareEmulation };

/** What is worth knowing but allowed. */
export function formWarnings(form: MachineForm, ctx: FormContext): Problems {
  const warnings: Problems = {};
  const host = ctx.host;
  if (host && isWhole(form.ramGiB)) {
    const available = gibFloor(host.ramAvailableBytes);
    if (form.ramGiB > available && form.ramGiB <= gibFloor(host.ramTotalBytes)) {
      warnings.ramGiB = `Only ${available} GB of memory is free right now: with ${form.ramGiB} GB, Linux may have to swap and everything slows down. Close programs, or give Windows at most ${available} GB.`;
    }
  }
  if (host && ctx.mode === 'create' && form.source === 'download') {
    const low = validateFreeSpace(host.freeDiskBytes, form.version);
    if (low) warnings.storageLocation = `${low} Free up space or choose another storage location.`;
  }
  const location = form.storageLocation.trim().replace(/\/+$/, '');
  const customLocation = host !== null && location !== host.storageRoot.replace(/\/+$/, '');
  if (
    host &&
    ctx.mode === 'create' &&
    customLocation &&
    !warnings.storageLocation &&
    !host.storageExists &&
    !validateStorageDir(location)
  ) {
    warnings.storageLocation = `${form.storageLocation.trim()} does not exist yet: Porthole creates it.`;
  }
  if (form.image.trim() && form.image.trim() !== DEFAULT_IMAGE && !validateImage(form.image)) {
    warnings.image = `Porthole is tested with ${DEFAULT_IMAGE}; another image may behave differently.`;
  }
  if (
    host &&
    ctx.mode === 'change' &&
    !ctx.currentEmulation &&
    !form.softwareEmulation &&
    needsSoftwareEmulation(host)
  ) {
    warnings.softwareEmulation =
      'Hardware acceleration does not work on this computer: with KVM on, the machine stops at start with “KVM acceleration is not available”. Tick the box to run it in software emulation.';
  }
  return warnings;
}

/** Which fields each part of the form holds (wizard steps and settings sections). */
export type FieldGroup = readonly FormField[];

export function firstProblem(problems: Problems, fields: FieldGroup): FormField | undefined {
  return fields.find((f) => problems[f] !== undefined);
}
