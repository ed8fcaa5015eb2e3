import type { HostFacts, MachineView } from '../../api';
import type { EngineClient } from '../engine/client';
import type { MachineAddress } from '../engine/machine-address';
import type { MachineSecrets } from '../secrets';
import type { EngineHostHelpers } from '../storage/engine-host-fs';
import type { MachineStore } from '../store/machine-store';

/** What the machines' lifecycle (machines.ts and the modules it is made of) is given by the backend. */
export interface MachinesDeps {
  store: MachineStore;
  /** Where the Windows passwords are kept: the desktop keyring, or the record in the store. */
  secrets: MachineSecrets;
  /** The engine client once connected; throws ENGINE_UNAVAILABLE while it is not. */
  engine: () => EngineClient;
  /** Whether the engine answers now; while it does not, every machine's status is 'unknown'. */
  engineConnected: () => boolean;
  dataDir: string;
  configDir: string;
  host: () => HostFacts;
  env: NodeJS.ProcessEnv;
  onChange: (view: MachineView) => void;
  onRemoved: (id: string) => void;
  /** How a machine's published port is reached from here (engine/machine-address.ts); default 127.0.0.1:<port>. */
  address?: (hostPort: number) => Promise<MachineAddress>;
  /** The engine's computer when it is not this one: machine folders are paths there (storage/paths.ts). */
  engineHost?: string;
  /**
   * The engine's computer's file system when the engine is remote: the storage steps (the ISO check,
   * the storage folder, the disk delete, an existing install) run there; none: on this computer.
   */
  engineHostFs?: EngineHostHelpers;
  /** The folders the engine reports as its own (GET /info), refused by the path policy; the known defaults are always refused. */
  engineFolders?: () => Promise<readonly string[]>;
  /**
   * Holds the machine's disk lock (shared by every Porthole process on this data folder) around a
   * start and a remove, so no start begins while another process copies the disk for a snapshot or a
   * restore, and a start and a remove of one machine in two processes never interleave.
   */
  diskLock?: <T>(id: string, body: () => Promise<T>) => Promise<T>;
}
