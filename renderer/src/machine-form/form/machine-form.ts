import {
  audioOn,
  changedFields,
  DEFAULT_IMAGE,
  DEFAULT_VERSION,
  findLanguage,
  machineSlug,
  uniqueName,
  versionName,
  versionRequirements,
  type CreationDefaults,
  type MachineChanges,
  type MachineDraft,
  type MachineSettings,
  type MachineView,
  type SharedFolder,
  type UsbDeviceRef,
} from '@porthole/api';

/** Where Windows comes from: a version the image downloads, or an ISO file of the person's own. */
export type WindowsSource = 'download' | 'iso';

/**
 * What the new-machine wizard and a machine's settings page edit: one shape for both, with text
 * kept as typed (numbers are NaN while a field holds no whole number, so validation can say so).
 */
export interface MachineForm {
  name: string;
  source: WindowsSource;
  version: string;
  customIso: string;
  language: string;
  /** '' follows the language. */
  region: string;
  /** '' follows the language. */
  keyboard: string;
  username: string;
  /** Wizard: the password. Settings page: a new password, '' keeps the current one. */
  password: string;
  ramGiB: number;
  cpuCores: number;
  diskGiB: number;
  /** Wizard: the folder the machine's own folder goes into. Settings page: the machine's folder (read-only). */
  storageLocation: string;
  sharedFolders: SharedFolder[];
  /** '' is the tested default image. */
  image: string;
  /** Run without KVM (KVM=N), chosen by the person. */
  softwareEmulation: boolean;
  autoStart: boolean;
  /** USB devices of this computer given to the machine (settings page). Absent: left as they are. */
  usbDevices?: UsbDeviceRef[];
  /** BALLOONING=Y (settings page). Absent: off. */
  ballooning?: boolean;
  /** AUDIO=Y (settings page): the machine's sound plays in its screen window. Absent: left as it is. */
  audio?: boolean;
  /** Wizard: the machine's folder holds an installed Windows and the person chose to start straight into it. */
  useExistingInstall?: boolean;
}

export type FormField = keyof MachineForm;

const GIB = 1024 ** 3;

/** The name a new machine gets from its Windows, made unique among the others ("Windows 11 Pro 2"). */
export function suggestName(base: string, otherNames: readonly string[]): string {
  return uniqueName(base, otherNames, 'machine', base);
}

/** The wizard's starting point on this host. */
export function newMachineForm(defaults: CreationDefaults, otherNames: readonly string[] = []): MachineForm {
  const language = findLanguage(defaults.language)?.culture ?? defaults.language;
  // The default disk, where there is room for it; never below what the default Windows needs.
  const free = defaults.freeDiskBytes === null ? null : gibFloor(defaults.freeDiskBytes);
  const { minDiskGiB } = versionRequirements(DEFAULT_VERSION);
  const diskGiB = free === null ? defaults.diskGiB : Math.max(minDiskGiB, Math.min(defaults.diskGiB, free));
  return {
    name: suggestName(versionName(DEFAULT_VERSION), otherNames),
    source: 'download',
    version: DEFAULT_VERSION,
    customIso: '',
    language,
    region: defaults.region ?? '',
    keyboard: defaults.keyboard ?? '',
    username: defaults.username,
    password: '',
    ramGiB: defaults.ramGiB,
    cpuCores: defaults.cpuCores,
    diskGiB,
    storageLocation: defaults.storageRoot,
    sharedFolders: [],
    image: '',
    softwareEmulation: false,
    autoStart: false,
  };
}

/** A machine's settings page starts from what the machine has now. */
export function formFromMachine(m: MachineView): MachineForm {
  return {
    name: m.name,
    source: m.customIso ? 'iso' : 'download',
    version: m.version,
    customIso: m.customIso ?? '',
    language: m.language,
    region: m.region ?? '',
    keyboard: m.keyboard ?? '',
    username: m.username,
    password: '',
    ramGiB: m.ramGiB,
    cpuCores: m.cpuCores,
    diskGiB: m.diskGiB,
    storageLocation: m.storageDir,
    sharedFolders: m.sharedFolders.map((f) => ({ ...f })),
    image: m.image === DEFAULT_IMAGE ? '' : m.image,
    softwareEmulation: !m.kvm,
    autoStart: m.autoStart,
    usbDevices: (m.usbDevices ?? []).map((d) => ({ ...d })),
    ballooning: m.ballooning ?? false,
    audio: audioOn(m),
  };
}

/** Host memory in whole GiB, as the sliders count it. */
export function gibFloor(bytes: number): number {
  return Math.floor(bytes / GIB);
}

/** `/a/b/` + `c` -> `/a/b/c`. */
export function joinPath(folder: string, name: string): string {
  return `${folder.replace(/\/+$/, '')}/${name}`;
}

/**
 * The folder a new machine's files go into: a folder of its own inside the chosen location, so that
 * deleting the machine's disk later can never take the location's other files with it.
 */
export function newMachineFolder(form: MachineForm): string {
  return joinPath(form.storageLocation.trim(), machineSlug(form.name));
}

/** What createMachine gets. `storageRoot`: the default location, where the backend names the folder itself. */
export function draftFromForm(form: MachineForm, storageRoot: string): MachineDraft {
  const draft: MachineDraft = {
    name: form.name.trim(),
    language: form.language,
    region: form.region.trim(),
    keyboard: form.keyboard.trim(),
    username: form.username,
    password: form.password,
    ramGiB: form.ramGiB,
    cpuCores: form.cpuCores,
    diskGiB: form.diskGiB,
    sharedFolders: form.sharedFolders.map((f) => ({ hostPath: f.hostPath.trim(), readOnly: f.readOnly })),
    kvm: !form.softwareEmulation,
    autoStart: form.autoStart,
  };
  if (form.useExistingInstall) draft.existingInstall = 'use';
  if (form.source === 'iso') draft.customIso = form.customIso.trim();
  else draft.version = form.version;
  const image = form.image.trim();
  if (image) draft.image = image;
  const location = form.storageLocation.trim().replace(/\/+$/, '');
  if (location && location !== storageRoot.replace(/\/+$/, '')) draft.storageDir = newMachineFolder(form);
  return draft;
}

/** A machine's settings without its password (the UI never has it): what the change helpers compare. */
export function settingsOf(m: MachineView): MachineSettings {
  const { status: _status, hasPassword: _hasPassword, installed: _installed, ...rest } = m;
  return { ...rest, password: '' };
}

/** The machine's settings as they would be after the form's changes. */
export function settingsAfter(before: MachineSettings, form: MachineForm): MachineSettings {
  return {
    ...before,
    name: form.name.trim(),
    image: form.image.trim() || DEFAULT_IMAGE,
    version: form.source === 'download' ? form.version : before.version,
    customIso: form.source === 'iso' ? form.customIso.trim() : null,
    language: form.language,
    region: form.region.trim(),
    keyboard: form.keyboard.trim(),
    username: form.username,
    password: form.password || before.password,
    ramGiB: form.ramGiB,
    cpuCores: form.cpuCores,
    diskGiB: form.diskGiB,
    sharedFolders: form.sharedFolders.map((f) => ({ hostPath: f.hostPath.trim(), readOnly: f.readOnly })),
    kvm: !form.softwareEmulation,
    autoStart: form.autoStart,
    // None chosen on a machine that never had any stays "none" (absent), so it is no change.
    ...(form.usbDevices && (form.usbDevices.length > 0 || before.usbDevices !== undefined)
      ? { usbDevices: form.usbDevices }
      : {}),
    ...(form.ballooning !== undefined ? { ballooning: form.ballooning } : {}),
    ...(form.audio !== undefined ? { audio: form.audio } : {}),
  };
}

const EDITABLE = new Set<keyof MachineSettings>([
  'name',
  'image',
  'version',
  'customIso',
  'language',
  'region',
  'keyboard',
  'username',
  'password',
  'ramGiB',
  'cpuCores',
  'diskGiB',
  'sharedFolders',
  'autoStart',
  'kvm',
  'usbDevices',
  'ballooning',
  'audio',
]);

/** Only what differs, as updateMachine takes it ('' clears a region or keyboard). */
export function changesBetween(before: MachineSettings, after: MachineSettings): MachineChanges {
  const changes: Record<string, unknown> = {};
  for (const key of changedFields(before, after)) {
    // An absent region or keyboard is sent as '' (follow the language): JSON would drop undefined.
    if (EDITABLE.has(key)) changes[key] = after[key] === undefined ? '' : after[key];
  }
  return changes as MachineChanges;
}

/**
 * Whether Windows has finished installing on the machine's disk: the view says so; from an older backend
 * that does not, a running machine's phase does. When unknown, assume it has, so that warnings about the
 * disk err on the safe side.
 */
export function probablyInstalled(m: MachineView): boolean {
  if (m.installed !== undefined) return m.installed;
  return !['pulling', 'preparing', 'installing', 'running-iso'].includes(m.status.phase);
}

/**
 * The machine changed elsewhere (another window, a dropped ISO) while its form was open: take the
 * new values for every field the person has not edited, keep their edits.
 */
export function rebaseForm(form: MachineForm, oldBase: MachineForm, newBase: MachineForm): MachineForm {
  const next: Record<string, unknown> = { ...form };
  for (const key of Object.keys(newBase) as FormField[]) {
    if (JSON.stringify(form[key]) === JSON.stringify(oldBase[key])) next[key] = newBase[key];
  }
  return next as unknown as MachineForm;
}
