// `porthole set ID ...`: change a machine as its settings page does; and create's share, account and locale options.
import { resolve } from 'node:path';
import {
  changedFields,
  changeWarnings,
  describeChanges,
  PortholeError,
  validateDiskChange,
  validateMachine,
  type ActionName,
  type ActionRequest,
  type ActionResponse,
  type MachineChanges,
  type MachineDraft,
  type MachineSettings,
  type MachineView,
  type SharedFolder,
} from '../api';
import { UsageError, type NumberOptions } from './options';
import { usbDevicesAfter } from './usb';

type Call = <K extends ActionName>(action: K, request: ActionRequest<K>) => Promise<ActionResponse<K>>;

/** The options `porthole set` reads (main.ts parses them). */
export interface SetValues {
  share?: string[] | undefined;
  unshare?: string[] | undefined;
  usb?: string[] | undefined;
  'no-usb'?: string[] | undefined;
  kvm?: boolean | undefined;
  'no-kvm'?: boolean | undefined;
  /** `on` or `off`: the machine's sound. */
  audio?: string | undefined;
  yes?: boolean | undefined;
}

/** The options create takes beyond the numbers (main.ts parses them). */
export interface CreateValues {
  share?: string[] | undefined;
  user?: string | undefined;
  'password-stdin'?: boolean | undefined;
  language?: string | undefined;
  keyboard?: string | undefined;
}

/** A password is at most 127 characters (the contract's); this bounds what is read for it, in bytes. */
const PASSWORD_STDIN_MAX = 1024;

/**
 * `PATH[:ro]` (or `:rw`) as a shared folder; a relative PATH is taken from the current folder. A colon
 * anywhere else stays in the path, for the backend to refuse by name (the engine cannot mount it).
 */
export function parseShare(text: string): SharedFolder {
  const match = /^(.*?)(?::(ro|rw))?$/.exec(text);
  const path = match?.[1] ?? '';
  if (!path.trim())
    throw new UsageError(`--share takes a folder, such as --share ~/Documents or --share /srv/data:ro, not "${text}".`);
  return { hostPath: resolve(path), readOnly: match?.[2] === 'ro' };
}

/** The machine's shared folders after `--unshare` (first) and `--share` (a folder already shared takes the new read-only choice). */
export function sharesAfter(
  machine: Pick<MachineView, 'id' | 'name' | 'sharedFolders'>,
  share: readonly string[],
  unshare: readonly string[],
): SharedFolder[] {
  let folders = [...machine.sharedFolders];
  for (const text of unshare) {
    const path = resolve(text);
    if (!folders.some((f) => resolve(f.hostPath) === path)) {
      const now = machine.sharedFolders.map((f) => f.hostPath).join(', ') || 'none';
      throw new UsageError(`${machine.name} (${machine.id}) does not share ${path}. Its shared folders: ${now}.`);
    }
    folders = folders.filter((f) => resolve(f.hostPath) !== path);
  }
  for (const text of share) {
    const wanted = parseShare(text);
    const at = folders.findIndex((f) => resolve(f.hostPath) === wanted.hostPath);
    if (at >= 0) folders[at] = { hostPath: folders[at]!.hostPath, readOnly: wanted.readOnly };
    else folders.push(wanted);
  }
  return folders;
}

/** `on` / `off` as a choice; anything else is a usage error. */
export function parseOnOff(text: string, flag: string): boolean {
  const word = text.trim().toLowerCase();
  if (word === 'on' || word === 'off') return word === 'on';
  throw new UsageError(`${flag} takes on or off, not "${text}".`);
}

/** `046D:C52B` -> vendor and product ids as the contract writes them; whether they are valid is the backend's call. */
function parseUsb(text: string, flag: string): { vendorId: string; productId: string } {
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
export async function setCommand(
  call: Call,
  id: string | undefined,
  values: SetValues,
  numbers: NumberOptions,
  json: boolean,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (!id) throw new UsageError('"porthole set" needs a machine id. "porthole machines" lists them.');
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

  const machine = await call('getMachine', { id });
  const before = settingsOf(machine);
  let usbDevices = machine.usbDevices;
  if (addUsb.length + removeUsb.length > 0) {
    const listing = await call('listUsbDevices', {});
    let now = machine;
    for (const wanted of removeUsb) now = { ...now, usbDevices: usbDevicesAfter('remove', now, wanted, listing) };
    for (const wanted of addUsb) now = { ...now, usbDevices: usbDevicesAfter('add', now, wanted, listing) };
    usbDevices = now.usbDevices;
  }
  const after: MachineSettings = {
    ...before,
    ...(numbers.ram !== undefined ? { ramGiB: numbers.ram } : {}),
    ...(numbers.cpus !== undefined ? { cpuCores: numbers.cpus } : {}),
    ...(numbers.disk !== undefined ? { diskGiB: numbers.disk } : {}),
    ...(values.kvm ? { kvm: true } : values['no-kvm'] ? { kvm: false } : {}),
    sharedFolders: sharesAfter(machine, share, unshare),
    ...(usbDevices !== undefined ? { usbDevices } : {}),
    ...(audio !== undefined ? { audio } : {}),
  };
  const fields = changedFields(before, after);
  if (fields.length === 0) {
    const result = { machine, appliesAt: 'now' as const, changes: [], warnings: [] };
    if (json) out(JSON.stringify(result, null, 2) + '\n');
    else out(`Nothing to change: ${machine.name} (${machine.id}) already has these settings.\n`);
    return 0;
  }
  const changes = Object.fromEntries(fields.map((f) => [f, after[f]])) as MachineChanges;
  const lines = describeChanges(before, after);

  // The settings page's order: what it would refuse is refused first (the backend checks again as it saves),
  // then what needs consent is said, and without --yes nothing is changed.
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
  const warnings = changeWarnings(before, after, { installed: probablyInstalled(machine) });
  if (warnings.length > 0 && !values.yes) {
    const message = `Changing ${machine.name} (${machine.id}):\n${lines.map((l) => `  ${l}\n`).join('')}${warnings.map((w) => `Warning: ${w}\n`).join('')}`;
    if (json)
      out(
        JSON.stringify(
          {
            error: { code: 'CONFIRMATION_NEEDED', message: message.trimEnd(), remedy: 'Run it again with --yes.' },
            changes: lines,
            warnings,
          },
          null,
          2,
        ) + '\n',
      );
    else err(`${message}Run it again with --yes to make this change. Nothing was changed.\n`);
    return 1;
  }

  const result = await call('updateMachine', { id, changes, ...(values.yes ? { confirmed: true } : {}) });
  if (json) {
    out(JSON.stringify({ ...result, changes: lines, warnings }, null, 2) + '\n');
    return 0;
  }
  out(
    `Changed ${result.machine.name} (${id}):\n${lines.map((l) => `  ${l}\n`).join('')}${appliesText(result.appliesAt, result.machine.status.running, id)}\n`,
  );
  // As create does: KVM turned on where this computer cannot give it to machines fails at the next start.
  if (values.kvm && !before.kvm) {
    const report = await call('checkHost', {});
    if (!report.facts.kvmForMachines) {
      const kvm = report.checks.find((c) => c.id === 'kvm');
      err(
        `Warning: this computer cannot give KVM to machines${kvm?.found ? ` (${kvm.found})` : ''}, so ${result.machine.name}'s next start will fail. "porthole check" says how to fix KVM.\n`,
      );
    }
  }
  return 0;
}

/**
 * The password on standard input, for `create --password-stdin`: read bounded, one final line break
 * dropped, never echoed. A terminal is refused (what is typed there would show), so it comes from a pipe
 * or a file, never from the command line (where `ps` shows it to everyone).
 */
export async function readPasswordStdin(input: AsyncIterable<unknown> & { isTTY?: boolean }): Promise<string> {
  if (input.isTTY) {
    throw new UsageError(
      '--password-stdin reads the password from a pipe or a file, not the terminal: printf \'%s\' "$PASSWORD" | porthole create ... --password-stdin',
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > PASSWORD_STDIN_MAX) {
      throw new PortholeError(
        'INVALID_ARGUMENT',
        'Standard input holds more than a password: a Windows password is at most 127 characters.',
        'Pass only the password on standard input.',
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Create's draft fields from --share, --user, --password-stdin, --language and --keyboard; the backend validates them. */
export async function createOptions(
  values: CreateValues,
  stdin: AsyncIterable<unknown> & { isTTY?: boolean },
): Promise<Partial<MachineDraft>> {
  const sharedFolders = (values.share ?? []).map(parseShare);
  return {
    ...(sharedFolders.length > 0 ? { sharedFolders } : {}),
    ...(values.user !== undefined ? { username: values.user } : {}),
    ...(values.language !== undefined ? { language: values.language } : {}),
    ...(values.keyboard !== undefined ? { keyboard: values.keyboard } : {}),
    ...(values['password-stdin'] ? { password: await readPasswordStdin(stdin) } : {}),
  };
}
