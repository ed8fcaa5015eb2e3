import { PortholeError } from '../../api';
import { readExistingInstall, windowsInstalledIn } from '../storage/existing-install';
import type { EngineHostFs } from '../storage/engine-host-fs';

/**
 * Whether a new machine's record starts as installed. A storage folder where the image already
 * installed Windows (its `windows.boot`, e.g. a disk kept when its machine was deleted) is never
 * taken for a fresh install: the machine would wait for an install that never comes and show a
 * password that Windows never got. The caller says so explicitly (`existingInstall: 'use'`, or an
 * import that found the install), or the creation is refused, saying what to do.
 */
export async function installedAtCreate(
  storageDir: string,
  opts: { use: boolean; found?: boolean | undefined; remote?: EngineHostFs | undefined },
): Promise<boolean> {
  // An import that found the install has already said so; one that found none is checked like any creation.
  if (opts.found === true) return true;
  // On a remote engine the folder is looked at on the engine's computer.
  const installed = await windowsInstalledIn(storageDir, opts.remote);
  if (installed && !opts.use) {
    throw new PortholeError(
      'CONFLICT',
      `${storageDir} already holds an installed Windows (a disk kept from a deleted machine, or one the image made). Nothing was created.`,
      'To start straight into that Windows, create the machine with “Use it” in the wizard (existingInstall: "use"), or import a compose file naming that folder (porthole import FILE). For a fresh install, choose another name or another folder.',
    );
  }
  return installed;
}

/**
 * The disk size a new machine on `storageDir` really has. The image never shrinks a disk (DISK_SIZE below the
 * disk's size is ignored), so a disk kept in the folder that is larger than asked sets the machine's size: its
 * settings then say what Windows has, and a later change is weighed against the real disk. Undefined when the
 * asked size stands (no disk there, a smaller one, a qcow2 whose size is not read, or a remote engine's folder).
 */
export async function keptDiskSize(
  storageDir: string,
  askedGiB: number,
  remote?: EngineHostFs,
): Promise<{ diskGiB: number; warning: string } | undefined> {
  const found = await readExistingInstall(storageDir, remote);
  if (found.diskGiB === undefined || askedGiB >= found.diskGiB) return undefined;
  return {
    diskGiB: found.diskGiB,
    warning: `The disk already in ${storageDir} is ${found.diskGiB} GB, larger than the ${askedGiB} GB asked: the machine keeps it at ${found.diskGiB} GB (a disk is never made smaller).`,
  };
}
