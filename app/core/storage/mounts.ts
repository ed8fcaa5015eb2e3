import { stat } from 'node:fs/promises';
import { PortholeError, type MachineSettings } from '../../api';
import { inspectIso } from '../machine/iso';
import { assertMachinePaths, type PathPolicy } from './paths';

function errnoOf(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

async function assertFolder(path: string, what: string, remedy: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    const missing = errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR';
    throw new PortholeError(
      'INVALID_ARGUMENT',
      missing ? `The ${what} ${path} does not exist.` : `Porthole cannot reach the ${what} ${path}.`,
      remedy,
    );
  }
  if (!isDirectory) throw new PortholeError('INVALID_ARGUMENT', `The ${what} ${path} is a file, not a folder.`, remedy);
}

/**
 * The storage and shared folders are folders (not a file, a FIFO, a socket, a dangling symlink, nothing):
 * the one rule for create, change and start. Local folders only: a remote engine's are checked on its computer.
 */
export async function assertMountFolders(
  m: { storageDir: string; sharedFolders: ReadonlyArray<{ hostPath: string }> },
  opts: { storage?: boolean } = {},
): Promise<void> {
  if (opts.storage !== false)
    await assertFolder(
      m.storageDir,
      'storage folder',
      'Create the folder again, or move the machine’s files back there.',
    );
  for (const folder of m.sharedFolders) {
    await assertFolder(
      folder.hostPath,
      'shared folder',
      'Create the folder, or remove it from the machine’s shared folders.',
    );
  }
}

/**
 * Checks every host path a machine mounts, right before its container is created or started. Docker
 * would quietly create a missing source as an empty root-owned folder (and the machine would then
 * fail or share nothing), so each is checked here instead: the storage folder and shared folders
 * must be folders, allowed by the path policy (storage/paths.ts) when given, the custom ISO a usable ISO (left out once Windows is installed, as in the spec).
 */
export async function assertMountsUsable(
  m: MachineSettings,
  opts: { installed?: boolean; policy?: PathPolicy } = {},
): Promise<void> {
  // The path policy first, on the real paths: a shared folder may have become a symlink to / since.
  if (opts.policy) await assertMachinePaths(m, opts.policy);
  // A remote engine's folders and ISO are that computer's: never looked up here. They are checked
  // there, in a short-lived container, right before the engine creates the container (storage/remote-storage.ts).
  if (opts.policy?.engineHost !== undefined) return;
  await assertMountFolders(m);
  if (m.customIso && !opts.installed) await inspectIso(m.customIso);
}
