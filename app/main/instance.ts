import { machineIdSchema } from '../api';

/** What the command line asks of Porthole: `--start <id>`, `--stop <id>`, `--screen <id>`, `--hidden`. */
export interface LaunchArgs {
  start: string[];
  stop: string[];
  screen: string[];
  hidden: boolean;
  /** Flags given with a value that is not a machine id, or without one. */
  problems: string[];
}

const MACHINE_FLAGS = ['start', 'stop', 'screen'] as const;
type MachineFlag = (typeof MACHINE_FLAGS)[number];

function isMachineFlag(name: string): name is MachineFlag {
  return (MACHINE_FLAGS as readonly string[]).includes(name);
}

/**
 * Reads our flags from a whole argv (electron's own path, the app path and Chromium's switches
 * included) and ignores everything else. Accepts `--start id` and `--start=id`.
 */
export function parseArgs(argv: readonly string[]): LaunchArgs {
  const out: LaunchArgs = { start: [], stop: [], screen: [], hidden: false, problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--hidden') {
      out.hidden = true;
      continue;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    if (!m || !isMachineFlag(m[1]!)) continue;
    const flag = m[1] as MachineFlag;
    let value = m[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined || !machineIdSchema.safeParse(value).success) {
      out.problems.push(`--${flag} needs a machine id${value === undefined ? '' : `, not "${value}"`}`);
      continue;
    }
    if (!out[flag].includes(value)) out[flag].push(value);
  }
  return out;
}

export interface InstanceActions {
  start(id: string): void;
  stop(id: string): void;
  showScreen(id: string): void;
  showMainWindow(): void;
  reportProblems(problems: string[]): void;
}

/**
 * Carries out what the command line asked. The main window comes forward unless `--hidden`,
 * or the only request was to start or stop a machine from a script.
 */
export function actOnArgs(args: LaunchArgs, actions: InstanceActions, opts: { secondInstance: boolean }): void {
  for (const id of args.start) actions.start(id);
  for (const id of args.stop) actions.stop(id);
  for (const id of args.screen) actions.showScreen(id);
  if (args.problems.length > 0) actions.reportProblems(args.problems);
  const scripted = args.start.length + args.stop.length > 0 && args.screen.length === 0;
  if (!args.hidden && !(scripted && opts.secondInstance)) actions.showMainWindow();
}

/** The argv a second instance passes: from its additionalData when well-formed, else Electron's argv. */
export function secondInstanceArgv(argv: string[], additionalData: unknown): string[] {
  if (typeof additionalData === 'object' && additionalData !== null && 'argv' in additionalData) {
    const a = (additionalData as { argv: unknown }).argv;
    if (Array.isArray(a) && a.every((x) => typeof x === 'string')) return a as string[];
  }
  return argv;
}
