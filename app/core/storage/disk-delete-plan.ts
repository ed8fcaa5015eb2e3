import type { DeletePlan } from '../../api';

/**
 * What "delete the disk" removes, decided over a listing of the storage folder: the same rule whether the
 * folder is on this computer (ownership.ts reads it with lstat) or on a remote engine's computer
 * (engine-host-delete.ts lists it in a helper container there). Pure: no file is read here.
 */

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

/** The most entries looked at inside backups/ or tmp/: a folder with more is kept (the image makes a few). */
export const MAX_INNER_ENTRIES = 1000;

/** The marker and windows.base are read up to this many bytes; a larger one is not the image's or Porthole's. */
export const SMALL_FILE_BYTES = 4096;

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

/** An entry's kind as lstat tells it (a symlink is a link, never what it points to). */
export type EntryType = 'file' | 'dir' | 'link' | 'other';

/** An entry inside tmp/, backups/ or porthole/; `inner`: a folder's own entries (backups/ and porthole/ only). */
export interface InnerEntry {
  name: string;
  type: EntryType;
  /** null: more than MAX_INNER_ENTRIES, or unreadable. */
  inner?: InnerEntry[] | null;
}

/** An entry at the top of the storage folder. */
export interface ListedEntry {
  name: string;
  type: EntryType;
  /** Bytes under it, as store/usage.ts counts them; needed only for names that may be the image's (mayBeImage). */
  allocatedBytes: number;
  apparentBytes: number;
  /** For tmp/, backups/ and porthole/: what they hold; null when too many or unreadable. */
  inner?: InnerEntry[] | null;
}

/** The storage folder as read: not there, not a folder, or its entries with the marker's and windows.base's text. */
export type FolderListing =
  | { kind: 'missing' }
  | { kind: 'not-folder' }
  | {
      kind: 'folder';
      /** The folder's own allocated bytes (its directory blocks). */
      allocatedBytes: number;
      /** The marker's text when it is a regular file of at most SMALL_FILE_BYTES; else null. */
      marker: string | null;
      /** windows.base's text, the same way. */
      windowsBase: string | null;
      entries: ListedEntry[];
    };

/** Whether an entry of this name could be the image's or Porthole's (only those need their sizes, or what they hold). */
export function mayBeImage(name: string): boolean {
  return (
    name === STORAGE_MARKER ||
    KNOWN_STORAGE_FILES.includes(name) ||
    KNOWN_STORAGE_FOLDERS.includes(name) ||
    /\.iso$/i.test(name)
  );
}

/** The marker's machine id, or null when it is not Porthole's marker. */
export function markerMachineId(text: string | null): string | null {
  if (text === null) return null;
  try {
    const parsed = JSON.parse(text) as { machineId?: unknown; createdAt?: unknown } | null;
    return typeof parsed?.machineId === 'string' && typeof parsed.createdAt === 'string' ? parsed.machineId : null;
  } catch {
    return null;
  }
}

/**
 * The ISO the image downloaded: the name `windows.base` records once installed, or, in a folder
 * Porthole made, any `*.iso` at its top (the download lands there before windows.base exists).
 * A person's own ISO in a folder they chose is not the image's, unless windows.base names it.
 */
export function downloadedIso(windowsBase: string | null, own: boolean): (name: string) => boolean {
  const recorded = windowsBase === null ? null : windowsBase.trim();
  return (name) => /\.iso$/i.test(name) && (own || name === recorded);
}

/** Whether the folder `name` at the top holds only what the image writes there (see above). */
function isImageFolder(name: string, entries: InnerEntry[] | null | undefined): boolean {
  if (!entries) return false;
  if (name === 'tmp') return entries.every((e) => (e.type === 'file' || e.type === 'dir') && TMP_ENTRY.test(e.name));
  return entries.every(
    (e) => e.type === 'dir' && !!e.inner && e.inner.every((f) => f.type === 'file' && BACKUP_FILE.test(f.name)),
  );
}

/**
 * Whether an entry at the top of a storage folder is one of the image's own: its exact name and kind
 * (never a symlink), and for backups/ and tmp/ only what the image writes inside.
 */
export function isKnown(entry: ListedEntry, iso: (name: string) => boolean): boolean {
  if (entry.type === 'file') return KNOWN_STORAGE_FILES.includes(entry.name) || iso(entry.name);
  if (entry.type === 'dir') return KNOWN_STORAGE_FOLDERS.includes(entry.name) && isImageFolder(entry.name, entry.inner);
  return false;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * What "delete the disk" removes from the folder `path` so listed:
 * - `folder`: Porthole made it for this machine (marker with its id) and it holds only the image's
 *   files: the whole folder goes.
 * - `files`: anything else (imported, adopted, chosen by hand, or foreign files appeared): only
 *   the image's files go; the folder, foreign files and symlinks stay.
 * - `missing`: there is no folder: nothing to remove.
 * `kept`: the names the folder held when the machine was given it (storageContents): never removed.
 */
export function decideDiskDelete(
  path: string,
  listing: FolderListing,
  machineId: string,
  kept: readonly string[] = [],
): DeletePlan {
  if (listing.kind === 'missing')
    return { path, kind: 'missing', remove: [], keep: [], allocatedBytes: 0, apparentBytes: 0 };
  if (listing.kind === 'not-folder')
    return { path, kind: 'files', remove: [], keep: ['.'], allocatedBytes: 0, apparentBytes: 0 };
  const mine = markerMachineId(listing.marker) === machineId;
  const iso = downloadedIso(listing.windowsBase, mine);
  const before = new Set(kept);
  const remove: string[] = [];
  const keep: string[] = [];
  let allocatedBytes = 0;
  let apparentBytes = 0;
  for (const entry of [...listing.entries].sort(byName)) {
    if (!before.has(entry.name) && (isKnown(entry, iso) || (mine && entry.name === STORAGE_MARKER))) {
      remove.push(entry.name);
      allocatedBytes += entry.allocatedBytes;
      apparentBytes += entry.apparentBytes;
    } else {
      keep.push(entry.name);
    }
  }
  if (mine && keep.length === 0)
    return {
      path,
      kind: 'folder',
      remove,
      keep,
      allocatedBytes: listing.allocatedBytes + allocatedBytes,
      apparentBytes,
    };
  return { path, kind: 'files', remove, keep, allocatedBytes, apparentBytes };
}

/**
 * What a folder holds when a machine is given it: a person's, never in a delete plan. Only an earlier
 * install's disk files are left out (the image's exact names, as regular files, and the ISO its
 * windows.base names), and the marker.
 */
export function foreignNames(listing: FolderListing): string[] {
  if (listing.kind !== 'folder') return [];
  const iso = downloadedIso(listing.windowsBase, false);
  return [...listing.entries]
    .sort(byName)
    .filter((e) => e.name !== STORAGE_MARKER && !(e.type === 'file' && isKnown(e, iso)))
    .map((e) => e.name);
}
