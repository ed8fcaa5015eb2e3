// `porthole set ID ...`: change a machine as its settings page does.
import {
  changedFields,
  changeWarnings,
  describeChanges,
  PortholeError,
  validateDiskChange,
  validateMachine,
  type MachineChanges,
  type MachineSettings,
  type MachineView,
} from '../../api';
import { sharesAfter, parseShare } from '../machine-flags';
import { confirmationNeededJson, jsonText } from '../output-json';
import { UsageError } from '../options';
import { usbDevicesAfter } from './usb';
import type { Verb, VerbContext } from './verb';

export const verb: Verb = {
  usage:
    '  set ID [--ram GB] [--cpus N] [--disk GB] [--share PATH[:ro]]... [--unshare PATH]... [--usb VENDOR:PRODUCT]...\n' +
    '                              [--no-usb VENDOR:PRODUCT]... [--kvm | --no-kvm] [--audio on|off] [--yes]\n' +
    '                              Change a machine as its settings page does: a change that needs consent (KVM off,\n' +
    '                              ...) says why and changes nothing without --yes; a running machine takes it at its\n' +
    '                              next start or with porthole apply ID\n',
  run: setCommand,
};

type UsbRef = { vendorId: string; productId: string };

/** What `porthole set` was asked to change, beside the numbers: read and checked before anything is asked of the backend. */
interface SetRequest {
  share: string[];
  unshare: string[];
  addUsb: UsbRef[];
  removeUsb: UsbRef[];
  /** The machine's sound, when --audio was given. */
  audio: boolean | undefined;
}

/** `on` / `off` as a choice; anything else is a usage error. */
export function parseOnOff(text: string, flag: string): boolean {
  const word = text.trim().toLowerCase();
  if (word === 'on' || word === 'off') return word === 'on';
  throw new UsageError(`${flag} takes on or off, not "${text}".`);
}

/** `046D:C52B` -> vendor and product ids as the contract writes them; whether they are valid is the backend's call. */
function parseUsb(text: string, flag: string): UsbRef {
  const parts = text.split(':');
  if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim()) {
    throw new UsageError(
      `${flag} takes a device as VENDOR:PRODUCT, such as 046d:c52b, not "${text}". "porthole usb" lists the devices.`,
    );
  }
  return { vendorId: parts[0]!.trim().toLowerCase(), productId: parts[1]!.trim().toLowerCase() };
}

/** The settings page's "before": the machine's settings, its password unknown here (it is never changed by set). */
function settingsOf(machine: MachineView): MachineSettings {
  const { status: _status, hasPassword: _hasPassword, warnings: _warnings, ...rest } = machine;
  return { ...rest, password: '' };
}

/** Windows has finished installing, as far as the machine's phase tells (the settings page's rule). */
function probablyInstalled(machine: MachineView): boolean {
  return !['pulling', 'preparing', 'installing', 'running-iso'].includes(machine.status.phase);
}

/** When a saved change takes effect, in the settings page's words; a running machine is not restarted by set. */
export function appliesText(appliesAt: 'now' | 'next-start' | 'recreate', running: boolean, id: string): string {
  if (appliesAt === 'now') return 'It applies at once.';
  if (!running)
    return 'The machine is stopped: this applies at its next start (Porthole recreates it then, keeping the disk).';
  return `The machine is running: this applies at its next start, or now with "porthole apply ${id}" (Windows shuts down gracefully, the machine is recreated and starts again; the disk is kept).`;
}

/** Runs `porthole set ID ...`; answers the exit code. */
export async function setCommand(ctx: VerbContext): Promise<number> {
  const { id, values, json, call, out } = ctx;
  if (!id) throw new UsageError('"porthole set" needs a machine id. "porthole machines" lists them.');
  const request = setRequest(ctx);
  const machine = await call('getMachine', { id });
  const before = settingsOf(machine);
  const after = await settingsAfter(ctx, machine, before, request);
  const fields = changedFields(before, after);
  if (fields.length === 0) {
    const result = { machine, appliesAt: 'now' as const, changes: [], warnings: [] };
    if (json) out(jsonText(result));
    else out(`Nothing to change: ${machine.name} (${machine.id}) already has these settings.\n`);
    return 0;
  }
  const changes = Object.fromEntries(fields.map((f) => [f, after[f]])) as MachineChanges;
  const lines = describeChanges(before, after);

  // The settings page's order: what it would refuse is refused first (the backend checks again as it saves),
  // then what needs consent is said, and without --yes nothing is changed.
  refuseInvalid(before, after, fields);
  const warnings = changeWarnings(before, after, { installed: probablyInstalled(machine) });
  if (warnings.length > 0 && !values.yes) {
    sayConsentNeeded(ctx, machine, lines, warnings);
    return 1;
  }

  const result = await call('updateMachine', { id, changes, ...(values.yes ? { confirmed: true } : {}) });
  if (json) {
    out(jsonText({ ...result, changes: lines, warnings }));
    return 0;
  }
  out(
    `Changed ${result.machine.name} (${id}):\n${lines.map((l) => `  ${l}\n`).join('')}${appliesText(result.appliesAt, result.machine.status.running, id)}\n`,
  );
  // KVM turned on where this computer cannot give it to machines is refused by the backend (kvm-rule.ts).
  return 0;
}

/** The options read and checked: a mistake in any is a usage error before the backend is asked anything. */
function setRequest({ values, numbers }: VerbContext): SetRequest {
  if (values.kvm && values['no-kvm']) throw new UsageError('Choose one of --kvm and --no-kvm.');
  const share = values.share ?? [];
  const unshare = values.unshare ?? [];
  const addUsb = (values.usb ?? []).map((t) => parseUsb(t, '--usb'));
  const removeUsb = (values['no-usb'] ?? []).map((t) => parseUsb(t, '--no-usb'));
  for (const text of share) parseShare(text);
  const audio = values.audio === undefined ? undefined : parseOnOff(values.audio, '--audio');
  const asked =
    numbers.ram !== undefined ||
    numbers.cpus !== undefined ||
    numbers.disk !== undefined ||
    share.length + unshare.length + addUsb.length + removeUsb.length > 0 ||
    values.kvm ||
    values['no-kvm'] ||
    audio !== undefined;
  if (!asked)
    throw new UsageError(
      '"porthole set ID" needs something to change: --ram, --cpus, --disk, --share, --unshare, --usb, --no-usb, --kvm, --no-kvm or --audio.',
    );
  return { share, unshare, addUsb, removeUsb, audio };
}

/** The settings the machine would have after the change asked for. */
async function settingsAfter(
  { values, numbers, call }: VerbContext,
  machine: MachineView,
  before: MachineSettings,
  { share, unshare, addUsb, removeUsb, audio }: SetRequest,
): Promise<MachineSettings> {
  let usbDevices = machine.usbDevices;
  if (addUsb.length + removeUsb.length > 0) {
    const listing = await call('listUsbDevices', {});
    let now = machine;
    for (const wanted of removeUsb) now = { ...now, usbDevices: usbDevicesAfter('remove', now, wanted, listing) };
    for (const wanted of addUsb) now = { ...now, usbDevices: usbDevicesAfter('add', now, wanted, listing) };
    usbDevices = now.usbDevices;
  }
  return {
    ...before,
    ...(numbers.ram !== undefined ? { ramGiB: numbers.ram } : {}),
    ...(numbers.cpus !== undefined ? { cpuCores: numbers.cpus } : {}),
    ...(numbers.disk !== undefined ? { diskGiB: numbers.disk } : {}),
    ...(values.kvm ? { kvm: true } : values['no-kvm'] ? { kvm: false } : {}),
    sharedFolders: sharesAfter(machine, share, unshare),
    ...(usbDevices !== undefined ? { usbDevices } : {}),
    ...(audio !== undefined ? { audio } : {}),
  };
}

/** What the settings page would refuse, refused with nothing changed. */
function refuseInvalid(before: MachineSettings, after: MachineSettings, fields: readonly string[]): void {
  const problems = [
    validateDiskChange(before.diskGiB, after.diskGiB),
    ...validateMachine(after)
      .filter((i) => i.field !== 'password' && fields.includes(i.field))
      .map((i) => i.message),
  ].filter((p): p is string => !!p);
  if (problems.length > 0)
    throw new PortholeError(
      'INVALID_ARGUMENT',
      problems.join(' '),
      'Change the options named above and run it again. Nothing was changed.',
    );
}

/** A change that needs consent, without --yes: says what it would do and why it asks; nothing is changed. */
function sayConsentNeeded(
  { json, out, err }: VerbContext,
  machine: MachineView,
  lines: readonly string[],
  warnings: readonly string[],
): void {
  const message = `Changing ${machine.name} (${machine.id}):\n${lines.map((l) => `  ${l}\n`).join('')}${warnings.map((w) => `Warning: ${w}\n`).join('')}`;
  if (json) out(confirmationNeededJson(message.trimEnd(), { changes: lines, warnings }));
  else err(`${message}Run it again with --yes to make this change. Nothing was changed.\n`);
}
