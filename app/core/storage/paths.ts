import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isInsidePath, normalizeHostPath, PortholeError, systemFolderReason } from '../../api';
import type { GuardedFolder } from './guarded-folders';

/**
 * The backend's path policy: where a machine may keep its disk and what it may share. Every check
 * runs on the real path (symlinks resolved), since `~/vms -> /` reads like a harmless folder.
 */
export interface PathPolicy {
  /** The user's home folder (from the backend's env: tests pose a temp folder as HOME). */
  home: string;
  configDir: string;
  dataDir: string;
  /** The machine the path is for. */
  machineId: string;
  /** The other machines' storage folders (by id, for the message). */
  others: ReadonlyArray<{ id: string; name: string; storageDir: string }>;
  /**
   * The engine runs on another computer (ssh, or TCP/TLS not on loopback): its folders are that
   * computer's. They are then never looked up on this computer's file system (a folder here of the
   * same name, or a symlink here, says nothing about the one there): the rules apply to the path as
   * written, and the messages name that computer.
   */
  engineHost?: string;
  /**
   * The container engine's own folders (data and exec roots: the known defaults and what the engine
   * reports, storage/guarded-folders.ts): refused as storage and as shares. Asked only when a path is checked.
   */
  engineFolders?: () => Promise<readonly string[]>;
  /** Folders where what a guest writes could run on this computer: refused as read-write shares, read-only with a warning. */
  sensitiveFolders?: readonly GuardedFolder[];
}

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/**
 * The real path of `path`: its realpath, or for a folder not made yet the realpath of its
 * nearest existing ancestor with the rest appended (a symlinked parent still counts).
 */
export async function resolveHostPath(path: string, engineHost?: string): Promise<string> {
  const normal = normalizeHostPath(path);
  // A path on the engine's computer: as written (normalized), never resolved here.
  if (engineHost !== undefined) return normal;
  const rest: string[] = [];
  let at = normal;
  for (;;) {
    try {
      const real = await realpath(at);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Anything but "not there" (EACCES, ELOOP) leaves the path unknown: refuse rather than guess.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `Porthole cannot follow the path ${path} (${code ?? 'error'}).`,
          'Choose a folder Porthole can read.',
        );
      }
      if (at === '/') return normal;
      rest.push(basename(at));
      at = dirname(at);
    }
  }
}

const around = (a: string, b: string): boolean => isInsidePath(a, b) || isInsidePath(b, a);

function refuse(path: string, real: string, what: string, reason: string, remedy: string, engineHost?: string): never {
  const via = real === normalizeHostPath(path) ? '' : ` (it leads to ${real})`;
  const on = engineHost !== undefined ? ` on ${engineHost} (the engine's computer)` : '';
  throw new PortholeError(
    'INVALID_ARGUMENT',
    `Porthole will not use ${path}${via}${on} as the ${what}: ${reason}.`,
    remedy,
  );
}

interface Roots {
  home: string;
  configDir: string;
  dataDir: string;
  others: Array<{ name: string; real: string }>;
  engine: string[];
  sensitive: GuardedFolder[];
}

async function roots(policy: PathPolicy): Promise<Roots> {
  // Remote: this computer's home, settings and data folders are compared as written, which keeps the
  // same folders out of bounds on that computer (the disks go to the same path there by default).
  const at = (path: string): Promise<string> => resolveHostPath(path, policy.engineHost);
  return {
    home: await at(policy.home),
    configDir: await at(policy.configDir),
    dataDir: await at(policy.dataDir),
    others: await Promise.all(policy.others.map(async (o) => ({ name: o.name, real: await at(o.storageDir) }))),
    // A folder that cannot be followed is compared as written.
    engine: await Promise.all(
      ((await policy.engineFolders?.()) ?? []).map((p) => at(p).catch(() => normalizeHostPath(p))),
    ),
    sensitive: await Promise.all(
      (policy.sensitiveFolders ?? []).map(async (f) => ({
        ...f,
        path: await at(f.path).catch(() => normalizeHostPath(f.path)),
      })),
    ),
  };
}

/** Rules shared by storage and shared folders; `ownDataFolder` is the one folder inside the data root allowed. */
function commonReason(real: string, r: Roots, ownDataFolder: string | null): string | null {
  const system = systemFolderReason(real, r.home);
  if (system) return system;
  if (isInsidePath(r.home, real)) return real === r.home ? 'it is your home folder' : 'it holds your home folder';
  const engine = r.engine.find((e) => around(real, e));
  if (engine) return `it is, holds or lies inside ${engine}, the container engine’s own folder`;
  if (around(real, r.configDir)) return 'it is, holds or lies inside Porthole’s settings folder';
  if (isInsidePath(r.dataDir, real)) return 'it holds the folder where Porthole keeps every machine’s disk';
  const other = r.others.find((o) => around(real, o.real));
  if (other) return `it is, holds or lies inside the storage folder of the machine “${other.name}”`;
  if (isInsidePath(real, r.dataDir) && real !== ownDataFolder)
    return 'it lies inside the folder where Porthole keeps every machine’s disk';
  return null;
}

/**
 * Refuses a storage folder that is, after symlinks, the computer's own, the home folder, Porthole's
 * settings or data root (inside the data root only `machines/<id>` is allowed), or around another
 * machine's storage. Returns the real path.
 */
export async function assertStorageAllowed(path: string, policy: PathPolicy): Promise<string> {
  const real = await resolveHostPath(path, policy.engineHost);
  const r = await roots(policy);
  const own = join(r.dataDir, 'machines', policy.machineId);
  // The image writes its storage folder as root: around a sensitive folder (Porthole's log, ~/.ssh, ~/.config, ...)
  // it is as dangerous as a read-write share, and it has no read-only form.
  const sensitive = r.sensitive.find((s) => around(real, s.path));
  const reason =
    commonReason(real, r, own) ??
    (sensitive ? `it is, holds or lies inside ${sensitive.path}, which holds ${sensitive.what}` : null);
  if (reason)
    refuse(
      path,
      real,
      'storage folder',
      reason,
      'Choose a folder of its own for the machine’s disk, such as a new folder in your home folder.',
      policy.engineHost,
    );
  return real;
}

/**
 * Refuses a shared folder by the same rules, and one that is, holds or lies inside the machine's own
 * storage; read-write, also one around a sensitive folder (~/.ssh, ~/.config, ...: a guest could plant
 * a key or an autostart entry there).
 */
export async function assertSharedAllowed(
  path: string,
  storageDir: string,
  policy: PathPolicy,
  readOnly = false,
): Promise<string> {
  const real = await resolveHostPath(path, policy.engineHost);
  const r = await roots(policy);
  const storage = await resolveHostPath(storageDir, policy.engineHost);
  const reason =
    commonReason(real, r, null) ??
    (around(real, storage) ? 'it is, holds or lies inside this machine’s own storage folder' : null);
  if (reason)
    refuse(
      path,
      real,
      'shared folder',
      reason,
      'Share a folder of your own (such as one in your home folder), or remove it from the machine’s shared folders.',
      policy.engineHost,
    );
  const sensitive = readOnly ? undefined : r.sensitive.find((s) => around(real, s.path));
  if (sensitive) {
    refuse(
      path,
      real,
      'read-write shared folder',
      `it is, holds or lies inside ${sensitive.path}, which holds ${sensitive.what}; Windows could put a file there that runs on this computer`,
      'Share it read-only, or share another folder.',
      policy.engineHost,
    );
  }
  return real;
}

/** What a machine's read-only shares let Windows read that it should know: those around a sensitive folder. */
export async function sharedFolderWarnings(
  sharedFolders: ReadonlyArray<{ hostPath: string; readOnly: boolean }>,
  policy: PathPolicy,
): Promise<string[]> {
  const warnings: string[] = [];
  const sensitive = (await roots(policy)).sensitive;
  for (const folder of sharedFolders) {
    if (!folder.readOnly) continue;
    const real = await resolveHostPath(folder.hostPath, policy.engineHost);
    const hit = sensitive.find((s) => around(real, s.path));
    if (hit)
      warnings.push(
        `Windows can read the shared folder ${folder.hostPath}: it is, holds or lies inside ${hit.path}, which holds ${hit.what}. It is shared read-only.`,
      );
  }
  return warnings;
}

/** Every host folder a machine mounts: its storage and its shared folders. */
export async function assertMachinePaths(
  settings: { storageDir: string; sharedFolders: ReadonlyArray<{ hostPath: string; readOnly?: boolean }> },
  policy: PathPolicy,
): Promise<void> {
  await assertStorageAllowed(settings.storageDir, policy);
  for (const folder of settings.sharedFolders)
    await assertSharedAllowed(folder.hostPath, settings.storageDir, policy, folder.readOnly === true);
}
