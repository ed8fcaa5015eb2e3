// The built CLI beside a running backend (the app) on the same config and data dirs: the setup of the
// integration tests that hold the CLI's word against the app's. Registers its own beforeAll/afterAll.
import { afterAll, beforeAll } from 'vitest';
import type { MachineStatus, MachineView } from '../../api';
import { requireBuiltCli, runCli, type CliRun } from './cli';
import { Harness } from './harness';

export interface CliBesideBackend {
  /** The backend; read it inside tests (it exists once beforeAll ran). */
  readonly h: Harness;
  /** Machines the tests made: removed (with their containers) after all. */
  readonly ids: string[];
  /** The environment of the backend and the CLI (DOCKER_HOST names the engine), for compose and the like. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs `porthole ARGS` in a child process on the backend's dirs, never rejecting. */
  porthole(args: readonly string[]): Promise<CliRun>;
  /** What `porthole machines --json` says of machine `id` now (throws when the CLI fails or leaves it out). */
  cliStatus(id: string): Promise<StatusFacts>;
}

/** The parts of a status the CLI and the app must agree on. */
export type StatusFacts = Pick<MachineStatus, 'phase' | 'message' | 'running' | 'screenReady'>;

export function statusFacts(view: MachineView): StatusFacts {
  const { phase, message, running, screenReady } = view.status;
  return { phase, message, running, screenReady };
}

/** An engine of the test's own (a private Podman, say): the backend and the CLI use it instead of the shared Docker. */
export interface OwnEngine {
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/** `engine`: started before the backend, disposed after its machines are removed; the shared Docker engine without it. */
export function cliBesideBackend(engine?: () => Promise<OwnEngine>): CliBesideBackend {
  let harness: Harness | undefined;
  let own: OwnEngine | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  const ids: string[] = [];
  beforeAll(async () => {
    requireBuiltCli();
    if (engine) {
      own = await engine();
      env = own.env();
    }
    harness = await Harness.create(env);
  }, 180_000);
  afterAll(async () => {
    await harness?.cleanup(ids);
    await own?.dispose();
  }, 180_000);
  const side: CliBesideBackend = {
    get h(): Harness {
      if (!harness) throw new Error('The backend is made in beforeAll: read it inside a test.');
      return harness;
    },
    ids,
    get env(): NodeJS.ProcessEnv {
      return env;
    },
    porthole: (args) =>
      runCli(args, { ...env, PORTHOLE_CONFIG_DIR: side.h.configDir, PORTHOLE_DATA_DIR: side.h.dataDir }, 120_000),
    cliStatus: async (id) => {
      const run = await side.porthole(['machines', '--json']);
      if (run.code !== 0) throw new Error(`porthole machines --json exited with ${String(run.code)}: ${run.stderr}`);
      const view = (JSON.parse(run.stdout) as MachineView[]).find((v) => v.id === id);
      if (!view) throw new Error(`porthole machines --json left out ${id}`);
      return statusFacts(view);
    },
  };
  return side;
}
