import { audioOn, type MachineSettings, type SharedFolder } from './machine';
import { languageName, versionName } from './catalogue';
import { validateDiskChange } from './validation';
import { usbKey, type UsbDeviceRef } from './usb';

export type ChangeEffect = 'now' | 'next-start' | 'recreate';

/** Settings Porthole alone uses: changing them touches no container. */
const PORTHOLE_ONLY: ReadonlyArray<keyof MachineSettings> = ['name', 'autoStart'];

function same(a: unknown, b: unknown): boolean {
  // '' and an absent value mean the same to the spec (REGION/KEYBOARD are left out either way), as do
  // no USB devices and an empty list.
  const norm = (v: unknown): unknown =>
    v === '' || v === null || (Array.isArray(v) && v.length === 0) ? undefined : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** Every setting, in the order a form shows them (and the record satisfies: a new field must be added here). */
const FIELD_ORDER = {
  id: 0,
  name: 1,
  image: 2,
  version: 3,
  customIso: 4,
  language: 5,
  region: 6,
  keyboard: 7,
  username: 8,
  password: 9,
  ramGiB: 10,
  cpuCores: 11,
  diskGiB: 12,
  diskFormat: 13,
  sharedFolders: 14,
  screen: 15,
  storageDir: 16,
  ports: 17,
  autoStart: 18,
  kvm: 19,
  usbDevices: 20,
  ballooning: 21,
  audio: 22,
} satisfies Record<keyof MachineSettings, number>;
const FIELDS = (Object.keys(FIELD_ORDER) as Array<keyof MachineSettings>).sort(
  (a, b) => FIELD_ORDER[a] - FIELD_ORDER[b],
);

/** The settings that differ, in form order. */
export function changedFields(before: MachineSettings, after: MachineSettings): Array<keyof MachineSettings> {
  // Ballooning off and absent are the same (BALLOONING is left out either way); false means "off" nowhere else.
  // Sound on and absent are the same (AUDIO=Y either way).
  const value = (m: MachineSettings, key: keyof MachineSettings): unknown =>
    key === 'ballooning' ? m.ballooning || undefined : key === 'audio' ? audioOn(m) : m[key];
  return FIELDS.filter((key) => !same(value(before, key), value(after, key)));
}

/**
 * When a change takes effect. A container's environment, mounts and ports cannot change in place,
 * and every other setting is part of the container spec (spec.ts), so anything beyond the name and
 * "start with Porthole" needs the container recreated (`/storage` stays). 'next-start' is never
 * returned here: whether a recreate can simply wait for the next start (the machine is stopped)
 * is for the caller, who knows the machine's state.
 */
export function changeEffect(before: MachineSettings, after: MachineSettings): ChangeEffect {
  const changed = changedFields(before, after);
  return changed.some((field) => !PORTHOLE_ONLY.includes(field)) ? 'recreate' : 'now';
}

const onOff = (value: boolean): string => (value ? 'on' : 'off');
const orFollow = (value: string | undefined, what: string): string => value || `same as ${what}`;

function folderChanges(before: readonly SharedFolder[], after: readonly SharedFolder[]): string[] {
  const lines: string[] = [];
  const old = new Map(before.map((f) => [f.hostPath, f]));
  const now = new Map(after.map((f) => [f.hostPath, f]));
  for (const folder of after) {
    const previous = old.get(folder.hostPath);
    if (!previous) lines.push(`Shared folder added: ${folder.hostPath}${folder.readOnly ? ' (read-only)' : ''}`);
    else if (previous.readOnly !== folder.readOnly) {
      lines.push(`Shared folder ${folder.hostPath} is now ${folder.readOnly ? 'read-only' : 'writable'}`);
    }
  }
  for (const folder of before) {
    if (!now.has(folder.hostPath)) lines.push(`Shared folder removed: ${folder.hostPath}`);
  }
  if (lines.length === 0) lines.push('Shared folders reordered: Windows sees them under other drive names');
  return lines;
}

function usbChanges(before: readonly UsbDeviceRef[], after: readonly UsbDeviceRef[]): string[] {
  const had = new Set(before.map(usbKey));
  const has = new Set(after.map(usbKey));
  return [
    ...after.filter((d) => !had.has(usbKey(d))).map((d) => `USB device added: ${d.name} (${usbKey(d)})`),
    ...before.filter((d) => !has.has(usbKey(d))).map((d) => `USB device removed: ${d.name} (${usbKey(d)})`),
  ];
}

/** The on/off settings in a person's words, and whether each is on (an absent one means what it means for it). */
const SWITCHES: Partial<Record<keyof MachineSettings, [string, (m: MachineSettings) => boolean]>> = {
  autoStart: ['Start with Porthole', (m) => m.autoStart],
  kvm: ['Hardware acceleration (KVM)', (m) => m.kvm],
  ballooning: ['Windows gives unused memory back to Linux', (m) => m.ballooning ?? false],
  audio: ['Play the machine’s sound', audioOn],
};

/** Each change in a person's words, in form order. The password is never shown. */
export function describeChanges(before: MachineSettings, after: MachineSettings): string[] {
  const lines: string[] = [];
  for (const field of changedFields(before, after)) {
    switch (field) {
      case 'id':
        lines.push(`Machine id: ${before.id} → ${after.id}`);
        break;
      case 'name':
        lines.push(`Name: “${before.name}” → “${after.name}”`);
        break;
      case 'image':
        lines.push(`Image: ${before.image} → ${after.image}`);
        break;
      case 'version':
        lines.push(`Windows version: ${versionName(before.version)} → ${versionName(after.version)}`);
        break;
      case 'language':
        lines.push(`Language: ${languageName(before.language)} → ${languageName(after.language)}`);
        break;
      case 'region':
        lines.push(`Region: ${orFollow(before.region, 'language')} → ${orFollow(after.region, 'language')}`);
        break;
      case 'keyboard':
        lines.push(`Keyboard: ${orFollow(before.keyboard, 'language')} → ${orFollow(after.keyboard, 'language')}`);
        break;
      case 'username':
        lines.push(`User name: ${before.username} → ${after.username}`);
        break;
      case 'password':
        lines.push('Password changed');
        break;
      case 'ramGiB':
        lines.push(`Memory: ${before.ramGiB} GB → ${after.ramGiB} GB`);
        break;
      case 'cpuCores':
        lines.push(`Processor cores: ${before.cpuCores} → ${after.cpuCores}`);
        break;
      case 'diskGiB':
        lines.push(`Disk size: ${before.diskGiB} GB → ${after.diskGiB} GB`);
        break;
      case 'diskFormat':
        lines.push(`Disk format: ${before.diskFormat} → ${after.diskFormat}`);
        break;
      case 'sharedFolders':
        lines.push(...folderChanges(before.sharedFolders, after.sharedFolders));
        break;
      case 'customIso':
        lines.push(`Custom ISO: ${before.customIso ?? 'none'} → ${after.customIso ?? 'none'}`);
        break;
      case 'screen':
        lines.push(
          `Screen size: ${before.screen.width}×${before.screen.height} → ${after.screen.width}×${after.screen.height}`,
        );
        break;
      case 'storageDir':
        lines.push(`Storage folder: ${before.storageDir} → ${after.storageDir}`);
        break;
      case 'usbDevices':
        lines.push(...usbChanges(before.usbDevices ?? [], after.usbDevices ?? []));
        break;
      case 'ports':
        if (before.ports.web !== after.ports.web) lines.push(`Screen port: ${before.ports.web} → ${after.ports.web}`);
        if (before.ports.rdp !== after.ports.rdp)
          lines.push(`Remote Desktop port: ${before.ports.rdp} → ${after.ports.rdp}`);
        break;
      default: {
        const toggle = SWITCHES[field];
        if (toggle) lines.push(`${toggle[0]}: ${onOff(toggle[1](before))} → ${onOff(toggle[1](after))}`);
      }
    }
  }
  return lines;
}

/** Settings the image reads only while installing Windows (its answer file). */
const INSTALL_ONLY: ReadonlyArray<[keyof MachineSettings, string]> = [
  ['username', 'user name'],
  ['language', 'language'],
  ['region', 'region'],
  ['keyboard', 'keyboard'],
  ['screen', 'screen size'],
];

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * What a person must know before applying a change. `installed`: Windows has finished installing
 * on this machine's disk (the COM1 marker was seen).
 */
export function changeWarnings(
  before: MachineSettings,
  after: MachineSettings,
  opts: { installed: boolean },
): string[] {
  const changed = new Set(changedFields(before, after));
  const warnings: string[] = [];

  const shrink = validateDiskChange(before.diskGiB, after.diskGiB);
  if (shrink) warnings.push(shrink);

  if (!after.kvm && before.kvm) {
    warnings.push('Without KVM, Windows runs in software emulation: about ten times slower.');
  }

  if (!opts.installed) return warnings;

  const isoChanged = changed.has('customIso') && after.customIso !== null;
  const versionChanged = changed.has('version') && !after.customIso;
  if (isoChanged || versionChanged) {
    const what = isoChanged ? `boots ${after.customIso}` : `installs ${versionName(after.version)} from scratch`;
    warnings.push(
      `The machine ${what}: the image moves the current Windows disk to the backups folder inside the storage folder ` +
        `(${after.storageDir}/backups). Its files stay there until you delete them.`,
    );
  }
  if (changed.has('diskGiB') && after.diskGiB > before.diskGiB) {
    warnings.push('Windows sees the added space as unallocated: extend drive C: in Disk Management to use it.');
  }
  if (changed.has('diskFormat')) {
    warnings.push(
      `The image converts the disk to ${after.diskFormat} at the next start: this takes a while and needs free space for a full copy.`,
    );
  }
  const installOnly = INSTALL_ONLY.filter(([field]) => changed.has(field)).map(([, words]) => words);
  if (installOnly.length > 0 && !isoChanged && !versionChanged) {
    warnings.push(
      `The ${list(installOnly)} ${installOnly.length > 1 ? 'are' : 'is'} set when Windows installs: the installed Windows keeps ${installOnly.length > 1 ? 'its current ones' : 'its current one'}. Change ${installOnly.length > 1 ? 'them' : 'it'} inside Windows.`,
    );
  }
  if (changed.has('password') && !isoChanged && !versionChanged) {
    warnings.push(
      'The password is set when Windows installs: change it inside Windows too (Ctrl+Alt+Del, Change a password), or Remote Desktop keeps asking for the old one.',
    );
  }
  return warnings;
}
