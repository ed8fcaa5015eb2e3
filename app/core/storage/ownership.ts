import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DeletePlan } from '../../api';
import { readGuestFile } from '../guest-files/guest-folder';
import { writeFileAtomic } from '../store/atomic';
import { refuseOnEngineHost, type EngineHostFs } from './engine-host-fs';
import { folderUsage } from '../store/usage';

/** The marker in a storage folder Porthole made itself: `{ machineId, createdAt }`. */
export const STORAGE_MARKER = '.porthole-storage';

/**
 * What the image keeps in /storage (docs/image-contract.md, "Files in /storage"): the disk, the UEFI firmware
 * files, the MAC address, the install markers, and during install the setup files and tmp/;
 * backups/ holds an old disk after a reinstall; porthole/ is Porthole's channel from Windows (apps/channel.ts). These, and only these, are "the disk".
 */
export const KNOWN_STORAGE_FILES: readonly string[] = [
  'data.img',
  'data.qcow2',
  'windows.rom',
  'windows.vars',
  'windows.mac',
  'windows.base',
  'windows.ver',
  'windows.boot',
  'setup.img',
];
export const KNOWN_STORAGE_FOLDERS: readonly string[] = ['tmp', 'backups', 'porthole'];

interface Marker {
  machineId: string;
  createdAt: string;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Makes a new machine's storage folder. Only a folder that did not exist before is Porthole's:
 * it gets the marker (written atomically). An existing folder is used as it is, unmarked.
 */
export async function makeStorageFolder(
  dir: string,
  machineId: string,
  remote?: EngineHostFs,
): Promise<{ own: boolean }> {
  const marker: Marker = { machineId, createdAt: new Date().toISOString() };
  // A remote engine: the folder is on its computer, made there (as the engine's user), never here.
  if (remote) {
    const { made } = await remote.makeFolder(dir);
    if (made) await remote.writeFiles(dir, [{ name: STORAGE_MARKER, text: `${JSON.stringify(marker)}\n` }]);
    return { own: made };
  }
  await mkdir(dirname(dir), { recursive: true });
  try {
    await mkdir(dir);
  } catch (err) {
    if (errno(err) === 'EEXIST') return { own: false };
    throw err;
  }
  await writeFileAtomic(join(dir, STORAGE_MARKER), `${JSON.stringify(marker)}\n`, 0o644);
  return { own: true };
}

async function readMarker(dir: string): Promise<Marker | null> {
  try {
    // The image writes this folder: the marker is read as a guest's file (no link followed, no FIFO waited on, bounded).
    const read = await readGuestFile(dir, STORAGE_MARKER, { maxBytes: 4096 });
    if (!read.ok) return null;
    const parsed = JSON.parse(read.bytes.toString('utf8')) as Partial<Marker>;
    return typeof parsed.machineId === 'string' && typeof parsed.createdAt === 'string'
      ? { machineId: parsed.machineId, createdAt: parsed.createdAt }
      : null;
  } catch {
    return null;
  }
}

/**
 * The ISO the image downloaded: the name `windows.base` records once installed, or, in a folder
 * Porthole made, any `*.iso` at its top (the download lands there before windows.base exists).
 * A person's own ISO in a folder they chose is not the image's, unless windows.base names it.
 */
async function downloadedIso(dir: string, own: boolean): Promise<(name: string) => boolean> {
  let recorded: string | null = null;
  try {
    const read = await readGuestFile(dir, 'windows.base', { maxBytes: 4096 });
    if (read.ok) recorded = read.bytes.toString('utf8').trim();
  } catch {
    recorded = null;
  }
  return (name) => /\.iso$/i.test(name) && (own || name === recorded);
}

/** The most entries looked at inside backups/ or tmp/: a folder with more is kept (the image makes a few). */
const MAX_INNER_ENTRIES = 1000;

/**
 * backups/ as the image makes it after a reinstall (src/install.sh backupPrevious): only folders named
 * after the old source (`win11x64`, `win11x64.2`), each holding only the files moved there: the ISO,
 * `data.*`, `windows.*`, `*.rom`, `*.vars`. Anything else (a person's own backups/) keeps it whole.
 */
const BACKUP_FILE = /^(?:data\..+|windows\..+|.+\.rom|.+\.vars|.+\.iso)$/i;

/**
 * tmp/ as the image uses it while it prepares an install (src/install.sh, image.sh, mido.sh, batch.sh):
 * `unpack/`, `setup/`, `esd/`, the downloaded ISO/ESD, `*.tmp`, `windows.img`, `wim-header.bin` and the
 * Windows 9x work folders. The image empties it at each install; a tmp/ holding any other name is not
 * the image's (a person's own tmp/): it stays whole.
 */
const TMP_ENTRY =
  /^(?:unpack|setup|esd|windows\.img|win9x\.bin|wim-header\.bin|win9x-[\w.-]+|winme-[\w.-]+|[^/]+\.(?:iso|esd|wim|tmp|img))$/i;

/** The entries of `dir` (never through a symlink), or null when there are too many or it cannot be read. */
async function innerEntries(dir: string): Promise<Array<{ name: string; info: Stats }> | null> {
  try {
    const names = await readdir(dir);
    if (names.length > MAX_INNER_ENTRIES) return null;
    return await Promise.all(names.map(async (name) => ({ name, info: await lstat(join(dir, name)) })));
  } catch {
    return null;
  }
}

/** Whether the folder `name` at the top of `dir` holds only what the image writes there (see above). */
async function isImageFolder(dir: string, name: string): Promise<boolean> {
  const entries = await innerEntries(join(dir, name));
  if (!entries) return false;
  if (name === 'tmp')
    return entries.every(
      (e) => !e.info.isSymbolicLink() && (e.info.isFile() || e.info.isDirectory()) && TMP_ENTRY.test(e.name),
    );
  for (const e of entries) {
    if (!e.info.isDirectory()) return false;
    const files = await innerEntries(join(dir, name, e.name));
    if (!files?.every((f) => f.info.isFile() && BACKUP_FILE.test(f.name))) return false;
  }
  return true;
}

/**
 * Whether an entry at the top of a storage folder is one of the image's own: its exact name and kind
 * (never a symlink), and for backups/ and tmp/ only what the image writes inside.
 */
async function isKnown(dir: string, name: string, info: Stats, iso: (name: string) => boolean): Promise<boolean> {
  if (info.isSymbolicLink()) return false;
  if (info.isFile()) return KNOWN_STORAGE_FILES.includes(name) || iso(name);
  if (info.isDirectory()) return KNOWN_STORAGE_FOLDERS.includes(name) && (await isImageFolder(dir, name));
  return false;
}

/** The most names a record's `storageKept` lists: a folder holding more is refused as storage (machine-actions.ts). */
export const MAX_KEPT_NAMES = 10_000;

/**
 * What a storage folder holds when a machine is given it: a person's, never in a delete plan. Only an
 * earlier install's disk files are left out (the image's exact names, as regular files, and the ISO its
 * windows.base names): the machine boots that disk, so it is the machine's (an import of an installed
 * Windows). Any folder there, backups/ and tmp/ included, is kept. `tooMany`: more than MAX_KEPT_NAMES.
 */
export async function storageContents(dir: string): Promise<{ foreign: string[]; tooMany: boolean }> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return { foreign: [], tooMany: false };
  }
  const iso = await downloadedIso(dir, false);
  const foreign: string[] = [];
  for (const name of names) {
    if (name === STORAGE_MARKER) continue;
    const info = await lstat(join(dir, name)).catch(() => null);
    if (info?.isFile() && (await isKnown(dir, name, info, iso))) continue;
    foreign.push(name);
  }
  return { foreign: foreign.slice(0, MAX_KEPT_NAMES), tooMany: foreign.length > MAX_KEPT_NAMES };
}

/**
 * What "delete the disk" removes from `dir` (the real, policy-checked storage folder):
 * - `folder`: Porthole made it for this machine (marker with its id) and it holds only the image's
 *   files: the whole folder goes.
 * - `files`: anything else (imported, adopted, chosen by hand, or foreign files appeared): only
 *   the image's files go; the folder, foreign files and symlinks stay.
 * - `missing`: there is no folder: nothing to remove.
 * `kept`: the names the folder held when the machine was given it (storageContents): never removed.
 */
export async function planDiskDelete(
  dir: string,
  machineId: string,
  kept: readonly string[] = [],
  remote?: EngineHostFs,
): Promise<DeletePlan> {
  // A remote engine: the disk is on its computer; this computer's folder of that name is not looked at.
  if (remote) {
    return {
      path: dir,
      kind: 'refused',
      remove: [],
      keep: [],
      allocatedBytes: 0,
      apparentBytes: 0,
      reason: `The disk is on ${remote.host}, the engine's computer: Porthole does not delete files there yet.`,
    };
  }
  let info;
  try {
    info = await lstat(dir);
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR')
      return { path: dir, kind: 'missing', remove: [], keep: [], allocatedBytes: 0, apparentBytes: 0 };
    throw err;
  }
  if (!info.isDirectory()) {
    return { path: dir, kind: 'files', remove: [], keep: ['.'], allocatedBytes: 0, apparentBytes: 0 };
  }
  const marker = await readMarker(dir);
  const mine = marker?.machineId === machineId;
  const iso = await downloadedIso(dir, mine);
  const before = new Set(kept);
  const remove: string[] = [];
  const keep: string[] = [];
  let allocatedBytes = 0;
  let apparentBytes = 0;
  for (const name of (await readdir(dir)).sort()) {
    const entry = await lstat(join(dir, name));
    if (!before.has(name) && ((await isKnown(dir, name, entry, iso)) || (mine && name === STORAGE_MARKER))) {
      remove.push(name);
      const usage = await folderUsage(join(dir, name));
      allocatedBytes += usage.allocatedBytes;
      apparentBytes += usage.apparentBytes;
    } else {
      keep.push(name);
    }
  }
  if (mine && keep.length === 0) {
    const whole = await folderUsage(dir);
    return {
      path: dir,
      kind: 'folder',
      remove,
      keep,
      allocatedBytes: whole.allocatedBytes,
      apparentBytes: whole.apparentBytes,
    };
  }
  return { path: dir, kind: 'files', remove, keep, allocatedBytes, apparentBytes };
}

/**
 * Carries out a plan made just now (made again by the caller right before, so nothing that
 * appeared meanwhile is removed unseen). fs.rm never follows a symlink: a link is removed as a link.
 */
export async function executeDiskDelete(plan: DeletePlan, remote?: EngineHostFs): Promise<void> {
  if (plan.kind !== 'folder' && plan.kind !== 'files') return;
  refuseOnEngineHost(
    remote,
    'delete files',
    'Delete the machine and keep its disk, then remove its folder on that computer by hand.',
  );
  for (const name of plan.remove) await rm(join(plan.path, name), { recursive: true, force: true });
  // The folder goes only if it is empty now: a file that appeared since the plan stays, with its folder.
  if (plan.kind === 'folder') await rmdir(plan.path).catch(() => undefined);
}
