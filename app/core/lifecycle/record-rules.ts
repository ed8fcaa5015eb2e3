import { join } from 'node:path';
import type Docker from 'dockerode';
import { PortholeError } from '../../api';
import type { MachineSecrets } from '../secrets';
import { containersOnStorage, type BoundContainer } from '../storage/bound-containers';
import { knownEngineFolders, sensitiveFolders } from '../storage/guarded-folders';
import { homeOf, type PathPolicy } from '../storage/paths';
import type { MachineRecord } from '../store/machine-store';
import type { MachinesDeps } from './machines-deps';

// The rules every machine record keeps, whoever makes or changes it (create, update, start, adopt,
// import): its folders within the path policy, one container per Windows disk, ports no other
// machine has, the password sealed where it is kept.

type PolicyDeps = Pick<MachinesDeps, 'store' | 'env' | 'configDir' | 'dataDir' | 'engineHost' | 'engineFolders'>;
type EngineDeps = Pick<MachinesDeps, 'engine' | 'engineConnected' | 'store' | 'engineHost'>;

/**
 * The path policy for one machine: the other machines' storage folders are off limits. `records`
 * are the records to check against (inside a store transaction, those on disk now).
 */
export function pathPolicy(
  deps: PolicyDeps,
  id: string,
  records: readonly MachineRecord[] = deps.store.list(),
): PathPolicy {
  const home = homeOf(deps.env);
  return {
    home,
    configDir: deps.configDir,
    dataDir: deps.dataDir,
    machineId: id,
    ...(deps.engineHost !== undefined ? { engineHost: deps.engineHost } : {}),
    others: records
      .filter((r) => r.settings.id !== id)
      .map((r) => ({ id: r.settings.id, name: r.settings.name, storageDir: r.settings.storageDir })),
    engineFolders: async () => [
      ...knownEngineFolders(deps.env, home),
      ...((await deps.engineFolders?.().catch(() => [])) ?? []),
    ],
    sensitiveFolders: sensitiveFolders(deps.env, home),
  };
}

/**
 * The Windows containers (any, Porthole's or not) whose /storage is this folder or in or around it, and
 * any container on exactly this folder, except `except`; undefined when the engine cannot be asked (then
 * only the records protect the folder). `image`: the image of a machine being made, a Windows image too.
 */
export async function containersOn(
  deps: EngineDeps,
  storageDir: string,
  except?: string,
  image?: string,
): Promise<BoundContainer[] | undefined> {
  if (!deps.engineConnected()) return undefined;
  let list: Docker.ContainerInfo[];
  try {
    list = await deps.engine().listAll();
  } catch {
    return undefined;
  }
  const images = [...deps.store.list().map((r) => r.settings.image), ...(image ? [image] : [])];
  return containersOnStorage(list, storageDir, except, images, deps.engineHost);
}

/** Two containers on one storage folder would boot the same Windows disk twice and corrupt it: refused. */
export async function assertStorageUnbound(
  deps: EngineDeps,
  storageDir: string,
  except?: string,
  remedy?: (name: string) => string,
  image?: string,
): Promise<void> {
  const bound = await containersOn(deps, storageDir, except, image);
  const first = bound?.[0];
  if (!first) return;
  throw new PortholeError(
    'CONFLICT',
    `The container “${first.name}” already uses ${first.storageDir} as its Windows disk${first.running ? ' and is running' : ''}; two containers on one disk would damage it.`,
    remedy
      ? remedy(first.name)
      : `Adopt it instead: porthole adopt ${first.name} (in the app: Adopt, in the machine list).`,
  );
}

/** The record to write for these settings: the password goes to the keyring when one is usable. */
export async function sealed(
  secrets: MachineSecrets,
  record: MachineRecord,
  previous?: MachineRecord,
  unchanged = false,
): Promise<MachineRecord> {
  const { passwordIn: _was, ...rest } = record;
  const sealed = await secrets.seal(record.settings.id, record.settings.password, previous, unchanged);
  return {
    ...rest,
    settings: { ...record.settings, password: sealed.password },
    ...(sealed.passwordIn ? { passwordIn: sealed.passwordIn } : {}),
  };
}

/** The host ports these records hold. */
export function portsOf(records: readonly MachineRecord[]): Set<number> {
  const used = new Set<number>();
  for (const r of records) {
    used.add(r.settings.ports.web);
    used.add(r.settings.ports.rdp);
  }
  return used;
}

/** The machine's own /oem folder (written at each start, removed with the machine). */
export function oemPath(dataDir: string, id: string): string {
  return join(dataDir, 'oem', id);
}
