import type { Stats } from 'node:fs';
import { lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DeletePlan } from '../../api';
import { readGuestFile } from '../guest-files/guest-folder';
import { writeFileAtomic } from '../store/atomic';
import {
  decideDiskDelete,
  downloadedIso,
  isKnown,
  KNOWN_STORAGE_FOLDERS,
  MAX_INNER_ENTRIES,
  mayBeImage,
  SMALL_FILE_BYTES,
  STORAGE_MARKER,
  type EntryType,
  type FolderListing,
  type InnerEntry,
  type ListedEntry,
} from './disk-delete-plan';
import { executeDiskDeleteThere, planDiskDeleteThere } from './engine-host-delete';
import type { EngineHostFs, EngineHostHelpers } from './engine-host-fs';
import { folderUsage } from '../store/usage';

export { KNOWN_STORAGE_FILES, KNOWN_STORAGE_FOLDERS, STORAGE_MARKER } from './disk-delete-plan';

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

/** A small file the image or Porthole writes, read as a guest's file (no link followed, no FIFO waited on, bounded). */
async function readSmall(dir: string, name: string): Promise<string | null> {
  try {
    const read = await readGuestFile(dir, name, { maxBytes: SMALL_FILE_BYTES });
    return read.ok ? read.bytes.toString('utf8') : null;
  } catch {
    return null;
  }
}

function typeOf(info: Stats): EntryType {
  if (info.isSymbolicLink()) return 'link';
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'dir';
  return 'other';
}

/** The entries of `dir` (never through a symlink), or null when there are too many or it cannot be read. */
async function innerEntries(dir: string): Promise<InnerEntry[] | null> {
  try {
    const names = await readdir(dir);
    if (names.length > MAX_INNER_ENTRIES) return null;
    return await Promise.all(names.map(async (name) => ({ name, type: typeOf(await lstat(join(dir, name))) })));
  } catch {
    return null;
  }
}

/** What tmp/, backups/ or porthole/ holds: for backups/ and porthole/, each folder's entries too. */
async function knownFolderEntries(dir: string, name: string): Promise<InnerEntry[] | null> {
  const entries = await innerEntries(join(dir, name));
  if (!entries || name === 'tmp') return entries;
  for (const e of entries) if (e.type === 'dir') e.inner = await innerEntries(join(dir, name, e.name));
  return entries;
}

/** The storage folder on this computer, read with lstat (never through a link) for decideDiskDelete. */
export async function listStorageFolder(dir: string): Promise<FolderListing> {
  let info;
  try {
    info = await lstat(dir);
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return { kind: 'missing' };
    throw err;
  }
  if (!info.isDirectory()) return { kind: 'not-folder' };
  const marker = await readSmall(dir, STORAGE_MARKER);
  const windowsBase = await readSmall(dir, 'windows.base');
  const entries: ListedEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const type = typeOf(await lstat(join(dir, name)));
    const usage = mayBeImage(name) ? await folderUsage(join(dir, name)) : { allocatedBytes: 0, apparentBytes: 0 };
    const entry: ListedEntry = { name, type, ...usage };
    if (type === 'dir' && KNOWN_STORAGE_FOLDERS.includes(name)) entry.inner = await knownFolderEntries(dir, name);
    entries.push(entry);
  }
  return { kind: 'folder', allocatedBytes: info.blocks * 512, marker, windowsBase, entries };
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
  const iso = downloadedIso(await readSmall(dir, 'windows.base'), false);
  const foreign: string[] = [];
  for (const name of names) {
    if (name === STORAGE_MARKER) continue;
    const info = await lstat(join(dir, name)).catch(() => null);
    if (info?.isFile() && isKnown({ name, type: 'file', allocatedBytes: 0, apparentBytes: 0 }, iso)) continue;
    foreign.push(name);
  }
  return { foreign: foreign.slice(0, MAX_KEPT_NAMES), tooMany: foreign.length > MAX_KEPT_NAMES };
}

/**
 * What "delete the disk" removes from `dir` (the real, policy-checked storage folder): decideDiskDelete
 * over the folder as listed here with lstat, or, on a remote engine, as listed on the engine's computer
 * in a helper container there (engine-host-delete.ts; this computer's folder of that name is not looked at).
 * `kept`: the names the folder held when the machine was given it (storageContents): never removed.
 */
export async function planDiskDelete(
  dir: string,
  machineId: string,
  kept: readonly string[] = [],
  remote?: EngineHostHelpers,
): Promise<DeletePlan> {
  if (remote) return planDiskDeleteThere(remote, dir, machineId, kept);
  return decideDiskDelete(dir, await listStorageFolder(dir), machineId, kept);
}

/**
 * Carries out a plan made just now (made again by the caller right before, so nothing that
 * appeared meanwhile is removed unseen). fs.rm never follows a symlink: a link is removed as a link.
 * On a remote engine, on the engine's computer, and only a plan made there (refused if the folder changed since).
 */
export async function executeDiskDelete(plan: DeletePlan, remote?: EngineHostHelpers): Promise<void> {
  if (plan.kind !== 'folder' && plan.kind !== 'files') return;
  if (remote) return executeDiskDeleteThere(remote, plan);
  for (const name of plan.remove) await rm(join(plan.path, name), { recursive: true, force: true });
  // The folder goes only if it is empty now: a file that appeared since the plan stays, with its folder.
  if (plan.kind === 'folder') await rmdir(plan.path).catch(() => undefined);
}
