import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ActionName, ActionRequest, ActionResponse, MachineView } from '../api';
import { failureFixes } from '../api';
import { createBackend, defaultDirs } from '../core/backend';
import { formatHostReport } from '../core/host';
import { generatePassword } from '../core/machine/defaults';
import { formatDeletePlan, formatMachines } from './format';
import { formatApps, pickApp } from './apps-format';
import { readComposeFile, readComposeStdin } from './compose-file';
import {
  followSnapshotProgress,
  formatSnapshot,
  formatSnapshots,
  formatSnapshotsAfterDelete,
  pickSnapshot,
  restoreQuestion,
} from './snapshots';
import { writeSecretFile } from './secret-file';
import { usbCommand, UsbUsageError } from './usb';
import { createOptions, setCommand } from './set';
import { numberOptions, UsageError, type NumberOptions } from './options';
import { invoke, reportStart, settledStart } from './start';
import { terminalSafe as safe, terminalSafeLines, terminalSafeLogLine } from './terminal-safe';

const USAGE = `Usage: porthole <command> [options]

Commands:
  check                       Check that this computer can run Windows machines
  machines                    List machines and their state
  create --name NAME [--version 11] [--ram GB] [--cpus N] [--disk GB] [--iso PATH] [--no-kvm] [--image REF]
                              [--no-audio] (the machine's sound is on unless this is given)
                              [--share PATH[:ro]]... (at most 3) [--user NAME] [--language L] [--keyboard K]
                              [--password-stdin] (the Windows password from standard input, else one is made)
  set ID [--ram GB] [--cpus N] [--disk GB] [--share PATH[:ro]]... [--unshare PATH]... [--usb VENDOR:PRODUCT]...
                              [--no-usb VENDOR:PRODUCT]... [--kvm | --no-kvm] [--audio on|off] [--yes]
                              Change a machine as its settings page does: a change that needs consent (KVM off,
                              ...) says why and changes nothing without --yes; a running machine takes it at its
                              next start or with porthole apply ID
  start ID | stop ID | restart ID | kill ID
  fix ID FIX [--iso PATH]     Apply the fix a failed start offers, then start: software-emulation,
                              other-ports, choose-iso (with --iso); make-room names the folder to free
  apply ID                    Recreate the machine's container with its current settings (keeps the disk)
  rm ID [--delete-disk [--yes]]
                              Remove a machine; its disk is kept unless --delete-disk (then only what Porthole
                              made goes: its own folder whole, else only the image's disk files). It says
                              what would be deleted and asks first; --yes deletes without asking
     [--delete-snapshots]     Its snapshots are kept (and where is said) unless --delete-snapshots
  logs ID [--tail N]          The machine's container log
  logs --app [--tail N]       Porthole's own log: where the file is, then its last lines
  screen ID                   The screen's websocket address
  password ID                 The machine's Windows password (create prints a generated one once)
  rdp ID                      Open the machine in a Remote Desktop client (FreeRDP, Remmina)
  apps ID                     The Windows programs the machine lists (its shared folder's .porthole/apps)
  app ID PROGRAM [FILE]       Open one program in its own window (FreeRDP RemoteApp); PROGRAM is its id or
                              name; FILE must be in the machine's shared folder. A stopped machine starts first
  adoptable                   Containers Porthole can adopt (its own without a record, or hand-made dockur ones)
  adopt CONTAINER             Turn such a container into a machine (its disk stays where it is)
  export ID [-o FILE [--force]]
                              The machine as a compose.yml a person can run without Porthole. It holds
                              the Windows password: with -o/--output it is written to FILE, readable by
                              you only (0600); an existing FILE is left alone unless --force
  import FILE [--adopt]       Machines from a compose.yml (- for standard input). Relative paths
                              (./windows) are taken from the file's folder, as docker compose does
                              (the current folder for -). A Windows already installed in a storage
                              folder is kept; a container already on that folder (the one
                              docker compose up made) is adopted with --adopt, else nothing is imported
  snapshot ID [--name NAME]   Copy the stopped machine's disk into a snapshot (named, dated, with its size)
  snapshots ID                The machine's snapshots, newest first
  restore ID SNAPSHOT --yes   Put the snapshot's disk back (machine stopped): every change since the
                              snapshot is lost; without --yes it only says what would be lost
  rm-snapshot ID SNAPSHOT     Delete one snapshot (SNAPSHOT: its id, or its name where no other has it)
  usb                         This computer's USB devices (VENDOR:PRODUCT, name) and the machines using each
  usb add|remove ID VENDOR:PRODUCT
                              Give a machine a USB device, or take it away (applies at its next start)
  usb attach|detach ID VENDOR:PRODUCT
                              Attach a USB device to a running machine now, or detach it (settings unchanged)

Options:
  --json                      Machine-readable output
`;

/** Asks a yes/no question on the terminal; anything but "y"/"yes" is no, and so is the end of the input. */
async function askYes(question: string, err: (s: string) => void): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, terminal: false });
  err(question);
  try {
    return await new Promise<boolean>((done) => {
      rl.once('line', (answer) => done(/^\s*y(es)?\s*$/i.test(answer)));
      rl.once('close', () => done(false));
    });
  } finally {
    rl.close();
  }
}

export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  return runParsed(parsed, out, err);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      name: { type: 'string' },
      version: { type: 'string' },
      ram: { type: 'string' },
      cpus: { type: 'string' },
      disk: { type: 'string' },
      iso: { type: 'string' },
      image: { type: 'string' },
      'no-kvm': { type: 'boolean', default: false },
      'delete-disk': { type: 'boolean', default: false },
      tail: { type: 'string' },
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean', default: false },
      adopt: { type: 'boolean', default: false },
      app: { type: 'boolean', default: false },
      'delete-snapshots': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      share: { type: 'string', multiple: true },
      unshare: { type: 'string', multiple: true },
      usb: { type: 'string', multiple: true },
      'no-usb': { type: 'string', multiple: true },
      kvm: { type: 'boolean', default: false },
      user: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      language: { type: 'string' },
      keyboard: { type: 'string' },
      audio: { type: 'string' },
      'no-audio': { type: 'boolean', default: false },
    },
  });
}

async function runParsed(
  { values, positionals }: ReturnType<typeof parse>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const [command, id, second] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 2;
  }
  let numbers: NumberOptions;
  try {
    numbers = numberOptions(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(e.message + '\n');
    return 2;
  }
  const json = values.json;
  // Plain output never carries a control character, whatever a value quoted in it held (the guest's,
  // a log's, an engine's: each is also escaped where it stands, so none fakes a line); only what must
  // be exact (a password, a compose file) is not touched. --json is exact.
  const print = (value: unknown, human: () => string, exact = false): void =>
    out(json ? JSON.stringify(value, null, 2) + '\n' : exact ? human() : terminalSafeLines(human()));
  const say = (s: string): void => out(terminalSafeLines(s));
  const complain = (s: string): void => err(terminalSafeLines(s));
  const needId = (): string => {
    if (!id) throw new UsageError(`"porthole ${command}" needs a machine id. "porthole machines" lists them.`);
    return id;
  };

  const backend = await createBackend({ ...defaultDirs(process.env), watch: false });
  try {
    const call = <K extends ActionName>(action: K, request: ActionRequest<K>): Promise<ActionResponse<K>> =>
      invoke(backend, action, request);
    switch (command) {
      case 'check': {
        const report = await call('checkHost', {});
        print(report, () => formatHostReport(report));
        return report.ready ? 0 : 1;
      }
      case 'machines': {
        const list = await call('listMachines', {});
        print(list, () => formatMachines(list));
        // Their states are unknown without the engine: say why (it is down, or did not answer in time), and fail.
        const engine = await call('engineStatus', {});
        if (list.length === 0 || engine.connected) return 0;
        if (!json)
          err(
            `${engine.message ?? `The container engine at ${engine.endpoint} is not connected.`}\nStart the container engine, or restart it if it is stuck; "porthole check" says how.\n`,
          );
        return 1;
      }
      case 'create': {
        if (!values.name) throw new UsageError('"porthole create" needs --name.');
        const extra = await createOptions(values, process.stdin);
        // Generated here rather than by the backend so that it can be shown once, now, to the person who asked.
        // One given on standard input is never shown.
        const given = extra.password !== undefined;
        const password = extra.password ?? generatePassword();
        const machine: MachineView = await call('createMachine', {
          ...extra,
          name: values.name,
          password,
          ...(values.version ? { version: values.version } : {}),
          ...(numbers.ram !== undefined ? { ramGiB: numbers.ram } : {}),
          ...(numbers.cpus !== undefined ? { cpuCores: numbers.cpus } : {}),
          ...(numbers.disk !== undefined ? { diskGiB: numbers.disk } : {}),
          ...(values.iso ? { customIso: values.iso } : {}),
          ...(values.image ? { image: values.image } : {}),
          ...(values['no-kvm'] ? { kvm: false } : {}),
          ...(values['no-audio'] ? { audio: false } : {}),
        });
        print(
          given ? machine : { ...machine, password },
          () =>
            `Created ${safe(machine.name)} (${machine.id}). Start it with: porthole start ${machine.id}\n` +
            (given
              ? ''
              : `Windows password (shown once; "porthole password ${machine.id}" shows it again): ${password}\n`),
        );
        if (!json) for (const warning of machine.warnings ?? []) err(`Warning: ${warning}\n`);
        // The wizard asks for software emulation where KVM cannot work; the CLI says so before the first start fails.
        if (machine.kvm) {
          const report = await call('checkHost', {});
          if (!report.facts.kvmForMachines) {
            const kvm = report.checks.find((c) => c.id === 'kvm');
            complain(
              `Warning: ${safe(machine.name)} uses KVM, but this computer cannot give it to machines${kvm?.found ? ` (${kvm.found})` : ''}, so its start will fail.\n` +
                `To run it in software emulation (about 10x slower): porthole fix ${machine.id} software-emulation. "porthole check" says how to fix KVM instead.\n`,
            );
          }
        }
        return 0;
      }
      case 'start':
      case 'stop':
      case 'restart':
      case 'kill':
      case 'apply': {
        const target = needId();
        const action = (
          {
            start: 'startMachine',
            stop: 'stopMachine',
            restart: 'restartMachine',
            kill: 'forceStopMachine',
            apply: 'applyMachine',
          } as const
        )[command];
        if (command !== 'start') {
          const result = await call(action, { id: target });
          print(result, () => `${command}: ${target} done\n`);
          return 0;
        }
        // "Started" only once the machine is past the image's own checks: a container that the image
        // ends a moment later (KVM test, ISO, disk) is a failed start, not a "done".
        const settled = await settledStart(
          backend,
          target,
          () => call('startMachine', { id: target }),
          (message) => {
            if (!json) say(`${safe(message)}\n`);
          },
        );
        return reportStart(settled, target, command, json, out, complain);
      }
      case 'fix': {
        const target = needId();
        const fix = failureFixes.find((f) => f === positionals[2]);
        if (!fix) throw new UsageError(`"porthole fix ${target}" needs one of: ${failureFixes.join(', ')}.`);
        if (fix === 'make-room') {
          const result = await call('fixMachine', { id: target, fix });
          print(
            result,
            () =>
              `Make room on the disk that holds ${result.folder ?? 'the storage folder'}, then: porthole start ${target}\n`,
          );
          return 0;
        }
        // Like start: the outcome is the machine's, once it is past the image's checks or has failed.
        const settled = await settledStart(
          backend,
          target,
          () => call('fixMachine', { id: target, fix, ...(values.iso ? { iso: resolve(values.iso) } : {}) }),
          (message) => {
            if (!json) say(`${safe(message)}\n`);
          },
        );
        return reportStart(settled, target, command, json, out, complain);
      }
      case 'rm': {
        const target = needId();
        if (values['delete-disk'] && !values.yes) {
          // Says what would go and asks first; without a terminal to ask on, refuses. The backend plans again when it deletes.
          const plan = await call('storageUsage', { id: target });
          if ((plan.kind === 'folder' || plan.kind === 'files') && plan.remove.length > 0) {
            const question = `Removing ${target} with its disk:\n${formatDeletePlan(plan, false)}`;
            const asked = !json && process.stdin.isTTY === true;
            if (!asked || !(await askYes(`${question}Delete these? [y/N] `, err))) {
              if (json)
                out(
                  JSON.stringify(
                    {
                      error: {
                        code: 'CONFIRMATION_NEEDED',
                        message: question.trimEnd(),
                        remedy: 'Run it again with --yes.',
                      },
                      plan,
                    },
                    null,
                    2,
                  ) + '\n',
                );
              else if (asked) err('Nothing was changed.\n');
              else err(`${question}Run it again with --yes to delete them. Nothing was changed.\n`);
              return 1;
            }
          }
        }
        const result = await call('deleteMachine', {
          id: target,
          deleteDisk: values['delete-disk'],
          ...(values['delete-snapshots'] ? { deleteSnapshots: true } : {}),
        });
        print(
          result,
          () =>
            (result.disk
              ? `Removed ${target}.\n${formatDeletePlan(result.disk, true)}`
              : `Removed ${target} (its disk is kept)\n`) + formatSnapshotsAfterDelete(result.snapshots),
        );
        return 0;
      }
      case 'logs': {
        if (values.app) {
          const log = await call('appLog', { tail: numbers.tail ?? 200 });
          print(log, () =>
            log.file
              ? `${safe(log.file)}\n${log.lines.map((l) => `${safe(l)}\n`).join('')}`
              : 'Porthole keeps no log file here.\n',
          );
          return 0;
        }
        const result = await call('machineLogs', { id: needId(), tail: numbers.tail ?? 200 });
        // The container's own lines: colour codes dropped, every other control shown escaped, one line each.
        print(result, () => result.lines.map(terminalSafeLogLine).join('\n') + '\n');
        return 0;
      }
      case 'screen': {
        const result = await call('screenEndpoint', { id: needId() });
        print(result, () => result.url + '\n' + (result.note ? `${result.note}\n` : ''));
        return 0;
      }
      case 'password': {
        const result = await call('machinePassword', { id: needId() });
        // Exactly as stored: a person types it (the rule for passwords already refuses control characters).
        print(result, () => result.password + '\n', true);
        return 0;
      }
      case 'rdp': {
        const result = await call('openRemoteDesktop', { id: needId() });
        print(result, () =>
          result.launched
            ? `Opened ${id} in ${result.client}${result.address ? ` at ${result.address}` : ''}\n${result.note ? `${result.note}\n` : ''}`
            : `No Remote Desktop client found. ${result.fix?.text ?? ''}\n${(result.fix?.commands ?? []).map((c) => `  ${c}`).join('\n')}\n`,
        );
        return result.launched ? 0 : 1;
      }
      case 'apps': {
        const list = await call('listApps', { id: needId() });
        print(list, () => formatApps(list));
        return list.state === 'ok' ? 0 : 1;
      }
      case 'app': {
        const target = needId();
        const [, , wanted, file] = positionals;
        if (!wanted) throw new UsageError(`"porthole app" needs a program: "porthole apps ${target}" lists them.`);
        const app = pickApp((await call('listApps', { id: target })).apps, wanted);
        // A stopped machine starts first: say what it is doing meanwhile.
        let said = '';
        const stopProgress = backend.subscribe((e) => {
          if (json || e.event !== 'machineChanged' || e.payload.id !== target) return;
          const message = e.payload.status.message;
          if (message && message !== said) say(`${safe((said = message))}\n`);
        });
        try {
          const result = await call('launchApp', { id: target, app: app.id, ...(file ? { file: resolve(file) } : {}) });
          print(result, () =>
            result.launched
              ? `Opened ${safe(app.name)} from ${target} in ${result.client}\n`
              : `${result.fix?.text ?? 'No FreeRDP found.'}\n${(result.fix?.commands ?? []).map((c) => `  ${c}`).join('\n')}\n`,
          );
          return result.launched ? 0 : 1;
        } finally {
          stopProgress();
        }
      }
      case 'adoptable': {
        const list = await call('adoptableContainers', {});
        print(list, () =>
          list.length === 0
            ? 'Nothing to adopt.\n'
            : list
                .map(
                  (c) =>
                    `${safe(c.name)}  ${safe(c.image)}  ${c.running ? 'running' : 'stopped'}${c.porthole ? '  (made by Porthole)' : ''}${c.foreign ? '  (another Porthole configuration’s: adopting takes it from there)' : ''}`,
                )
                .join('\n') + '\n',
        );
        return 0;
      }
      case 'adopt': {
        if (!id)
          throw new UsageError('"porthole adopt" needs a container name or id. "porthole adoptable" lists them.');
        const adopted = await call('adoptContainer', { containerId: id });
        print(
          adopted,
          () =>
            [
              `Adopted ${safe(id)} as ${safe(adopted.machine.name)} (${adopted.machine.id}).`,
              ...adopted.warnings.map((w) => `Warning: ${safe(w)}`),
            ].join('\n') + '\n',
        );
        return 0;
      }
      case 'export': {
        const result = await call('exportCompose', { id: needId() });
        if (values.output === undefined) {
          // The file as written (its writer escapes every control and invisible character inside its values).
          print(result, () => result.yaml, true);
          return 0;
        }
        if (!values.output) throw new UsageError('-o/--output needs a file name, such as compose.yml.');
        await writeSecretFile(values.output, result.yaml, values.force);
        const written = { file: resolve(values.output), mode: '0600' };
        print(written, () => `Wrote ${written.file} (readable by you only: it holds the Windows password).\n`);
        return 0;
      }
      case 'import': {
        if (!id) throw new UsageError('"porthole import" needs a compose.yml path (or - for standard input).');
        const stdin = id === '-';
        const yaml = stdin ? await readComposeStdin(process.stdin) : await readComposeFile(id);
        // As docker compose does: relative paths from the file's folder; for standard input, the current one.
        const baseDir = stdin ? process.cwd() : dirname(resolve(id));
        const result = await call('importCompose', { yaml, baseDir, ...(values.adopt ? { adopt: true } : {}) });
        const warnings = [
          ...(stdin && /(?:^|[\s:'"])\.{1,2}\//m.test(yaml)
            ? [`the file came from standard input: its relative paths were taken from the current folder ${baseDir}.`]
            : []),
          ...result.warnings,
        ];
        print(
          { ...result, warnings },
          () =>
            [
              ...result.machines.map((m) => `Imported ${safe(m.name)} (${m.id})`),
              ...result.notes,
              ...result.adoptable.map(
                (a) =>
                  `A container “${safe(a.name)}”${a.running ? ' (running)' : ''} already uses ${safe(a.storageDir)} for service “${safe(a.service)}”: adopt it with porthole adopt ${safe(a.name)}, or import again with --adopt. Nothing was imported.`,
              ),
              ...warnings.map((w) => `Warning: ${safe(w)}`),
            ].join('\n') + '\n',
        );
        return result.adoptable.length > 0 && result.machines.length === 0 ? 1 : 0;
      }
      case 'snapshot': {
        const target = needId();
        const stopProgress = json ? () => undefined : followSnapshotProgress(backend, target, err);
        try {
          const snapshot = await call('takeSnapshot', {
            id: target,
            ...(values.name !== undefined ? { name: values.name } : {}),
          });
          print(
            snapshot,
            () => `Took snapshot ${snapshot.id} “${safe(snapshot.name)}” of ${target}: ${formatSnapshot(snapshot)}\n`,
          );
        } finally {
          stopProgress();
        }
        return 0;
      }
      case 'snapshots': {
        const list = await call('listSnapshots', { id: needId() });
        print(list, () => formatSnapshots(list));
        return 0;
      }
      case 'restore': {
        const target = needId();
        if (!second)
          throw new UsageError(
            `"porthole restore" needs a machine id and a snapshot's id or name. "porthole snapshots ${target}" lists them.`,
          );
        const snapshot = pickSnapshot(await call('listSnapshots', { id: target }), second, target);
        if (!values.yes) {
          // Asks first: says what would be lost, changes nothing. The backend refuses without the confirmation too.
          const question = restoreQuestion(snapshot);
          if (json)
            out(
              JSON.stringify(
                { error: { code: 'CONFIRMATION_NEEDED', message: question, remedy: 'Run it again with --yes.' } },
                null,
                2,
              ) + '\n',
            );
          else complain(`${question}\nRun it again with --yes to restore. Nothing was changed.\n`);
          return 1;
        }
        const stopProgress = json ? () => undefined : followSnapshotProgress(backend, target, err);
        try {
          const result = await call('restoreSnapshot', { id: target, snapshotId: snapshot.id, confirmLoss: true });
          print(
            result,
            () =>
              `Restored ${target} to snapshot ${result.snapshot.id} “${safe(result.snapshot.name)}” (${result.restored.join(', ')}${result.removed.length ? `; removed ${result.removed.join(', ')}, made after it` : ''}).\n`,
          );
        } finally {
          stopProgress();
        }
        return 0;
      }
      case 'rm-snapshot': {
        const target = needId();
        if (!second)
          throw new UsageError(
            `"porthole rm-snapshot" needs a machine id and a snapshot's id or name. "porthole snapshots ${target}" lists them.`,
          );
        const snapshot = pickSnapshot(await call('listSnapshots', { id: target }), second, target);
        const result = await call('deleteSnapshot', { id: target, snapshotId: snapshot.id });
        print(result, () => `Deleted snapshot ${snapshot.id} “${safe(snapshot.name)}” of ${target}.\n`);
        return 0;
      }
      case 'set':
        return await setCommand(call, id, values, numbers, json, out, err);
      case 'usb':
        return await usbCommand(call, positionals.slice(1), print);
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof UsbUsageError) {
      complain(e.message + '\n');
      return 2;
    }
    const error = e as { code?: string; message?: string; remedy?: string };
    if (json)
      out(
        JSON.stringify(
          { error: { code: error.code ?? 'INTERNAL', message: error.message, remedy: error.remedy } },
          null,
          2,
        ) + '\n',
      );
    else complain(`${error.message ?? String(e)}${error.remedy ? `\n${error.remedy}` : ''}\n`);
    return 1;
  } finally {
    await backend.dispose();
  }
}
