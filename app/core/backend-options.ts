import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostCheckOptions } from './host';
import { defaultStateDir } from './log/app-log';

export interface BackendOptions {
  configDir: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Follow the host (a socket or /dev/kvm appearing) and the machine file (another Porthole process's
   * changes). CLI one-shots skip both: they read the file afresh on every run.
   */
  watch?: boolean;
  /** Start the machines set to auto-start once the engine is first reached (the desktop app does). */
  autoStartMachines?: boolean;
  /** What the host checks read, e.g. a fake root (tests). Default: this computer, with `env` and `dataDir`. */
  hostCheck?: HostCheckOptions;
  /** The command that runs Porthole's CLI, for app menu entries. Default: cli.js beside this bundle. */
  cliCommand?: string[];
  /** Where Porthole's own log goes (`$XDG_STATE_HOME/porthole`); none: no log file (tests that do not look at it). */
  stateDir?: string;
  /**
   * Every engine call's deadline (engine/deadlines.ts). Default: PORTHOLE_ENGINE_DEADLINE_MS from `env`
   * (how tests of the built CLI shorten it), else 10 s.
   */
  engineDeadlineMs?: number;
  /**
   * How long creation waits for the engine's first answer; default: for the whole first attempt (itself within
   * the engine's deadline), so that a one-shot CLI call reads reconciled machines. A host that serves a UI waits
   * less: it is up while the engine hangs, and the engine's status and the machines follow as events. An engine
   * that answers in time is waited for to the end of the attempt (its machines reconciled), as without it.
   */
  engineWaitMs?: number;
  /** Where cached pictures go (`$XDG_CACHE_HOME/porthole`): the machines' last frames. Default: from `env`. */
  cacheDir?: string;
}

/** PORTHOLE_ENGINE_DEADLINE_MS, when it is a whole number of ms from 100 to 10 minutes. */
export function engineDeadlineFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.PORTHOLE_ENGINE_DEADLINE_MS;
  if (!value || !/^\d+$/.test(value)) return undefined;
  const ms = Number(value);
  return ms >= 100 && ms <= 600_000 ? ms : undefined;
}

/** `$XDG_CONFIG_HOME/porthole` and `$XDG_DATA_HOME/porthole`, overridable for tests. */
export function defaultDirs(env: NodeJS.ProcessEnv): {
  configDir: string;
  dataDir: string;
  stateDir: string;
  cacheDir: string;
} {
  const home = env.HOME ?? homedir();
  return {
    stateDir: defaultStateDir(env, home),
    cacheDir: defaultCacheDir(env),
    configDir: env.PORTHOLE_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'porthole'),
    dataDir: env.PORTHOLE_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'porthole'),
  };
}

/** `$XDG_CACHE_HOME/porthole` (PORTHOLE_CACHE_DIR for tests). */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env.PORTHOLE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'porthole');
}
