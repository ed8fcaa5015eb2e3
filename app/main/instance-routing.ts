import { isAbsolute, resolve } from 'node:path';
import { machineIdSchema } from '../api';
import { isCliCommand } from '../cli/commands';

const MACHINE_FLAGS = ['start', 'stop', 'screen'] as const;
type MachineFlag = (typeof MACHINE_FLAGS)[number];

/** What the command line asks of Porthole: `--start <id>`, `--stop <id>`, `--screen <id>`, `--hidden`. */
export interface LaunchArgs {
  start: string[];
  stop: string[];
  screen: string[];
  hidden: boolean;
  /** Flags given with a value that is not a machine id, or without one. */
  problems: string[];
  /** `porthole app MACHINE APP [FILE]` handed over by a second instance (an app-menu launcher). */
  launch?: AppLaunch;
}

/** One Windows program to open: a launcher's `app MACHINE APP [FILE]`. */
export interface AppLaunch {
  machine: string;
  app: string;
  file?: string;
}

/**
 * What one start of the executable is for. The installed `porthole` is the GUI and the CLI at once
 * (the RunAsNode fuse is off, so Electron cannot be a plain Node for the CLI):
 * - `cli`: a CLI verb (the CLI's own table) or --help: run the CLI in this process and exit with its code;
 * - `app`: a launcher's `app MACHINE APP [FILE]`: handed to the running Porthole if there is one, else run as `cli`;
 * - `gui`: anything else (no words, our flags, Chromium's switches).
 */
export type Route =
  { kind: 'gui' } | { kind: 'cli'; argv: string[] } | { kind: 'app'; argv: string[]; launch: AppLaunch };

/** Our GUI flags that take a value as the next word (`--start win11`), which is not a verb. */
const VALUE_FLAGS = new Set(MACHINE_FLAGS.map((f) => `--${f}`));

/**
 * Reads a whole argv (the executable, the app folder when `electron APP_PATH`, then the person's words).
 * The first word that is not a flag, or a GUI flag's value, decides: a CLI verb runs the CLI from there.
 */
export function routeArgv(argv: readonly string[], opts: { defaultApp: boolean }): Route {
  const words = argv.slice(1);
  // `electron [switches] APP_PATH ...`: the first word that is not a switch is the app folder (a driver such
  // as Playwright puts --inspect=0 before it).
  let appPathPending = opts.defaultApp;
  let help = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') break;
    if (appPathPending && !word.startsWith('-')) {
      appPathPending = false;
      continue;
    }
    if (VALUE_FLAGS.has(word)) {
      if (words[i + 1] !== undefined && !words[i + 1]!.startsWith('-')) i++;
      continue;
    }
    if (word === '--help' || word === '-h') help = true;
    if (word.startsWith('-')) continue;
    if (!isCliCommand(word)) return { kind: 'gui' };
    // Flags before the verb that the CLI knows (`porthole --json check`) go with it; Chromium's do not.
    const cliArgv = [...words.slice(0, i).filter((w) => w === '--json'), ...words.slice(i)];
    const [, machine, program, file, ...rest] = cliArgv;
    if (
      word === 'app' &&
      cliArgv[0] === 'app' &&
      machine &&
      program &&
      rest.length === 0 &&
      ![machine, program, file ?? ''].some((w) => w.startsWith('-'))
    ) {
      return { kind: 'app', argv: cliArgv, launch: { machine, app: program, ...(file ? { file } : {}) } };
    }
    return { kind: 'cli', argv: cliArgv };
  }
  return help ? { kind: 'cli', argv: ['--help'] } : { kind: 'gui' };
}

/** A second instance's launch, its FILE taken from the folder it was started in. */
export function handedLaunch(route: Route, cwd: string): AppLaunch | undefined {
  if (route.kind !== 'app') return undefined;
  const { file } = route.launch;
  return { ...route.launch, ...(file ? { file: isAbsolute(file) ? file : resolve(cwd, file) } : {}) };
}

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
  /** Opens a Windows program (a launcher's request): no main window. */
  launchApp(launch: AppLaunch): void;
}

/**
 * Carries out what the command line asked. The main window comes forward unless `--hidden`,
 * or the only request was to start or stop a machine from a script.
 */
export function actOnArgs(args: LaunchArgs, actions: InstanceActions, opts: { secondInstance: boolean }): void {
  if (args.launch) {
    actions.launchApp(args.launch);
    return;
  }
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
