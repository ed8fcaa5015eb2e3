import { posix } from 'node:path';
import { PortholeError, type DeletePlan } from '../../api';
import {
  decideDiskDelete,
  foreignNames,
  KNOWN_STORAGE_FOLDERS,
  MAX_INNER_ENTRIES,
  SMALL_FILE_BYTES,
  type EntryType,
  type FolderListing,
  type InnerEntry,
  type ListedEntry,
} from './disk-delete-plan';
import { bounded, count, fields, isMissingSource } from './engine-host-disk';
import type { EngineHostHelpers, HelperMount } from './engine-host-fs';

/**
 * "Delete the disk" of a machine on a remote engine: the storage folder is on the engine's computer,
 * listed and emptied there in short-lived helper containers (engine-host-fs.ts's run) with the folder's
 * PARENT bound at /p, so the folder itself can go and a link planted as the folder is seen (`-L`), never
 * followed. What goes is decided here, by disk-delete-plan.ts over the listing (the same rule as on this
 * computer). The listing crosses NUL-separated and in base64: a name (newlines and all) cannot pass for
 * another record. find -P and rm never follow a link. The removal runs only while the folder is exactly as
 * it was planned (a digest of the listing, compared in the same container right before rm).
 */

/** At most this many names at the top of the folder are listed; a folder holding more is not deleted from. */
export const MAX_TOP_ENTRIES = 10_000;
/** At most this much output is read from a helper (head -c there). */
const OUTPUT_BYTES = 16 * 1024 * 1024;
/** A listing: find over the folder and the sizes of tmp/ and backups/. */
const LIST_MS = 60_000;
/** A removal: rm of a sparse 64 GB disk is quick, but a slow disk there gets time: 2 min, plus 1 s a GiB. */
export function removeDeadlineMs(bytes: number): number {
  return 120_000 + Math.ceil(bytes / 1024 ** 3) * 1000;
}

/**
 * Shared by both scripts: into the folder /p/$1 (never through a link: checked with -L, and where cd
 * landed), bounded; `state` writes what the plan is decided from to /tmp (names and kinds at the top, in
 * tmp/, backups/, porthole/ two levels down, the marker's and windows.base's bytes); `digest` is its sha256.
 */
const PRELUDE = [
  'd="/p/$1"',
  'if [ -L "$d" ]; then echo folder=link; exit 0; fi',
  'if [ ! -e "$d" ]; then echo folder=missing; exit 0; fi',
  'if [ ! -d "$d" ]; then echo folder=other; exit 0; fi',
  'cd -P -- "$d" 2>/dev/null || { echo folder=unreadable; exit 0; }',
  '[ "$(pwd -P)" = "$d" ] || { echo folder=link; exit 0; }',
  `n=$(find -P . -mindepth 1 -maxdepth 1 -printf x | head -c ${MAX_TOP_ENTRIES + 1} | wc -c)`,
  `[ "$n" -le ${MAX_TOP_ENTRIES} ] || { echo folder=toomany; exit 0; }`,
  'fp() {',
  "  find -P . -mindepth 1 -maxdepth 1 -printf '%y %P\\0'",
  `  for k in ${KNOWN_STORAGE_FOLDERS.join(' ')}; do`,
  '    if [ -d "./$k" ] && [ ! -L "./$k" ]; then',
  `      c=$(find -P "./$k" -mindepth 1 -maxdepth 2 -printf x | head -c ${MAX_INNER_ENTRIES + 1} | wc -c)`,
  `      if [ "$c" -le ${MAX_INNER_ENTRIES} ]; then find -P "./$k" -mindepth 1 -maxdepth 2 -printf "%y $k/%P\\0"; else printf 'X %s\\0' "$k"; fi`,
  '    fi',
  '  done',
  '}',
  `small() { if [ -f "./$1" ] && [ ! -L "./$1" ]; then printf M; head -c ${SMALL_FILE_BYTES + 1} -- "./$1"; else printf N; fi; }`,
  'state() { fp | LC_ALL=C sort -z > /tmp/fp; small .porthole-storage > /tmp/m; small windows.base > /tmp/b; }',
  'digest() { { echo "$(wc -c < /tmp/fp) $(wc -c < /tmp/m) $(wc -c < /tmp/b)"; cat /tmp/fp /tmp/m /tmp/b; } | sha256sum | cut -c1-64; }',
].join('\n');

/** The listing of /p/$1: the state (base64), the top entries' sizes (NUL-separated, base64), tmp/'s and backups/' sizes. */
export const LIST_SCRIPT = bounded(
  [
    PRELUDE,
    'state',
    'echo folder=yes',
    'echo "self=$(find -P . -maxdepth 0 -printf \'%b\')"',
    'echo "fp=$(base64 -w 0 < /tmp/fp)"',
    'echo "m=$(base64 -w 0 < /tmp/m)"',
    'echo "b=$(base64 -w 0 < /tmp/b)"',
    'echo "sizes=$(find -P . -mindepth 1 -maxdepth 1 -printf \'%s %b %P\\0\' | base64 -w 0)"',
    `for k in ${KNOWN_STORAGE_FOLDERS.join(' ')}; do`,
    '  if [ -d "./$k" ] && [ ! -L "./$k" ]; then',
    '    echo "usage=$k $(find -P "./$k" -printf \'%y %s %b\\n\' | awk \'{ a += $3 * 512; if ($1 != "d") s += $2 } END { printf "%.0f %.0f", a, s }\')"',
    '  fi',
    'done',
    'echo "digest=$(digest)"',
    'echo listed=yes',
  ].join('\n'),
  OUTPUT_BYTES,
);

/**
 * Removes the names given after $1 from /p/$1, only while the folder's state has the digest $EXPECT
 * (else says changed and removes nothing); with $KIND folder, then the folder itself if it is empty.
 */
export const REMOVE_SCRIPT = bounded(
  [
    PRELUDE,
    'state',
    '[ "$(digest)" = "$EXPECT" ] || { echo changed=yes; exit 0; }',
    'shift; failed=',
    'for name in "$@"; do rm -rf --one-file-system -- "./$name" 2>/dev/null || failed=yes; done',
    'if [ -n "$failed" ]; then echo failed=rm; exit 0; fi',
    'if [ "$KIND" = folder ]; then cd /p && rmdir -- "$d" 2>/dev/null && echo folder=removed; fi',
    'echo removed=yes',
  ].join('\n'),
  OUTPUT_BYTES,
);

const field = (output: string, name: string): string | undefined => fields(output, name)[0];

function base64(text: string | undefined): Buffer | null {
  return text !== undefined && /^[A-Za-z0-9+/]*={0,2}$/.test(text) ? Buffer.from(text, 'base64') : null;
}

/** A name as text, or null when its bytes are not UTF-8 (such an entry is only ever kept). */
function nameOf(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : null;
}

/** NUL-separated records, each `<head> <rest>`: the head and the rest's bytes. */
function records(bytes: Buffer): Array<{ head: string; rest: Buffer }> {
  const out: Array<{ head: string; rest: Buffer }> = [];
  let at = 0;
  for (let end = bytes.indexOf(0, at); end !== -1; at = end + 1, end = bytes.indexOf(0, at)) {
    const record = bytes.subarray(at, end);
    const space = record.indexOf(0x20);
    if (space > 0) out.push({ head: record.subarray(0, space).toString('latin1'), rest: record.subarray(space + 1) });
  }
  return out;
}

const TYPES: Record<string, EntryType> = { f: 'file', d: 'dir', l: 'link' };

/** A small file's bytes as `small` wrote them (M then the bytes, or N): its text when at most SMALL_FILE_BYTES. */
function smallText(bytes: Buffer | null): string | null {
  if (!bytes || bytes[0] !== 0x4d || bytes.length - 1 > SMALL_FILE_BYTES) return null;
  return bytes.subarray(1).toString('utf8');
}

/** The entries of tmp/, backups/ and porthole/ from their records (`<folder>/<child>[/<grandchild>]`). */
function innerOf(fp: Array<{ head: string; rest: Buffer }>, folder: string): InnerEntry[] | null {
  const prefix = Buffer.from(`${folder}/`, 'latin1');
  const children = new Map<string, InnerEntry>();
  const grand: Array<{ parent: string; entry: InnerEntry }> = [];
  for (const r of fp) {
    if (r.head === 'X' && r.rest.equals(Buffer.from(folder, 'latin1'))) return null;
    if (r.head === 'X' || !r.rest.subarray(0, prefix.length).equals(prefix)) continue;
    const raw = r.rest.subarray(prefix.length);
    const slash = raw.indexOf(0x2f);
    const name = nameOf(slash === -1 ? raw : raw.subarray(slash + 1));
    // A name that is not UTF-8 is no name the image writes: the folder holding it is kept whole.
    const entry: InnerEntry = { name: name ?? '\ufffd', type: name === null ? 'other' : (TYPES[r.head] ?? 'other') };
    if (slash === -1) children.set(raw.toString('latin1'), entry);
    else grand.push({ parent: raw.subarray(0, slash).toString('latin1'), entry });
  }
  // A folder with nothing in it holds no foreign file (as readdir of it here answers none).
  for (const child of children.values()) if (child.type === 'dir') child.inner = [];
  for (const g of grand) children.get(g.parent)?.inner?.push(g.entry);
  return [...children.values()];
}

/** The top entries' sizes: `<size> <blocks> <name>` records, keyed by the name's bytes. */
function sizesOf(bytes: Buffer): Map<string, { allocatedBytes: number; apparentBytes: number }> {
  const out = new Map<string, { allocatedBytes: number; apparentBytes: number }>();
  for (const r of records(bytes)) {
    const space = r.rest.indexOf(0x20);
    const size = count(r.head);
    const blocks = count(space > 0 ? r.rest.subarray(0, space).toString('latin1') : undefined);
    if (size !== null && blocks !== null)
      out.set(r.rest.subarray(space + 1).toString('latin1'), { allocatedBytes: blocks * 512, apparentBytes: size });
  }
  return out;
}

/** Why a folder there is not listed (and nothing is deleted from it), by what the helper said. */
const UNLISTED: Record<string, string> = {
  link: 'is a link to another folder there: Porthole deletes nothing through a link',
  unreadable: 'cannot be read there',
  toomany: `holds more than ${MAX_TOP_ENTRIES} files and folders: Porthole does not sort through that many`,
};

/** LIST_SCRIPT's answer: the listing and its digest, a reason nothing is listed, or null when it gave no answer. */
export function parseListing(output: string): { listing: FolderListing; digest: string } | { unlisted: string } | null {
  const folder = field(output, 'folder');
  if (folder === 'missing') return { listing: { kind: 'missing' }, digest: '' };
  if (folder === 'other') return { listing: { kind: 'not-folder' }, digest: '' };
  if (folder !== undefined && folder !== 'yes') return { unlisted: UNLISTED[folder] ?? UNLISTED['unreadable']! };
  const digest = field(output, 'digest') ?? '';
  const self = count(field(output, 'self'));
  const [fp, m, b, sizes] = ['fp', 'm', 'b', 'sizes'].map((name) => base64(field(output, name)));
  if (!fields(output, 'listed').includes('yes') || !/^[0-9a-f]{64}$/.test(digest) || self === null) return null;
  if (!fp || !m || !b || !sizes) return null;
  const state = records(fp);
  const sized = sizesOf(sizes);
  const usage = new Map(
    fields(output, 'usage').map((line) => {
      const [name = '', a, s] = line.split(' ');
      return [name, { allocatedBytes: count(a) ?? 0, apparentBytes: count(s) ?? 0 }] as const;
    }),
  );
  const entries: ListedEntry[] = [];
  for (const r of state) {
    if (r.head === 'X' || r.rest.includes(0x2f)) continue;
    const name = nameOf(r.rest);
    const key = r.rest.toString('latin1');
    // A name that is not UTF-8 cannot be given back to rm as it is: it is shown, and kept.
    const type: EntryType = name === null ? 'other' : (TYPES[r.head] ?? 'other');
    const size = type === 'dir' ? usage.get(key) : sized.get(key);
    const entry: ListedEntry = {
      name: name ?? r.rest.toString('utf8'),
      type,
      ...(size ?? { allocatedBytes: 0, apparentBytes: 0 }),
    };
    if (type === 'dir' && KNOWN_STORAGE_FOLDERS.includes(key)) entry.inner = innerOf(state, key);
    entries.push(entry);
  }
  const listing: FolderListing = {
    kind: 'folder',
    allocatedBytes: self * 512,
    marker: smallText(m),
    windowsBase: smallText(b),
    entries,
  };
  return { listing, digest };
}

/** The digests of the plans made there just now: a removal runs only for one of them, and only while it holds. */
const planned = new WeakMap<DeletePlan, { digest: string; host: string }>();

function failed(host: string, what: string, err: unknown): PortholeError {
  if (err instanceof PortholeError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const late = /did not finish within/.test(text);
  return new PortholeError(
    'ENGINE_ERROR',
    late
      ? `Porthole could not ${what} on ${host} (the engine's computer) in time: the helper container there was stopped.`
      : `Porthole could not ${what} on ${host} (the engine's computer): the engine refused the short-lived helper container.`,
    'Check that the engine and its disk there are responsive, then try again; "porthole check" says more.',
  );
}

/** Runs a script with the parent of `dir` bound at /p; null when that parent is not there. */
async function runAt(
  fs: EngineHostHelpers,
  what: string,
  dir: string,
  script: string,
  o: { args: string[]; write: boolean; env?: string[]; timeoutMs: number },
): Promise<string | null> {
  const mounts: HelperMount[] = [{ source: posix.dirname(dir), target: '/p', write: o.write }];
  try {
    return await fs.run(mounts, script, [posix.basename(dir), ...o.args], {
      timeoutMs: o.timeoutMs,
      ...(o.env ? { env: o.env } : {}),
    });
  } catch (err) {
    if (isMissingSource(err)) return null;
    throw failed(fs.host, what, err);
  }
}

/** A storage folder there must be a full path below / (the parent is what is bound). */
function assertFolderPath(fs: EngineHostHelpers, dir: string): void {
  const base = posix.basename(dir);
  if (!dir.startsWith('/') || posix.normalize(dir) !== dir.replace(/\/+$/, '') || !base || base === '..')
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `Porthole deletes nothing in ${dir} on ${fs.host}: it is not a full path to a folder.`,
      'Delete the machine and keep its disk, then remove its folder on that computer by hand.',
    );
}

/** LIST_SCRIPT run on `dir` there: its answer parsed (a folder not there: missing). */
async function listThere(
  fs: EngineHostHelpers,
  dir: string,
): Promise<{ listing: FolderListing; digest: string } | { unlisted: string }> {
  assertFolderPath(fs, dir);
  const out = await runAt(fs, 'look at the machine’s disk', dir, LIST_SCRIPT, {
    args: [],
    write: false,
    timeoutMs: LIST_MS,
  });
  const read = out === null ? { listing: { kind: 'missing' } as const, digest: '' } : parseListing(out);
  if (read === null) throw failed(fs.host, 'look at the machine’s disk', new Error('no answer'));
  return read;
}

/**
 * What a folder there holds when a machine is given it (ownership.ts's storageContents, there): never in a
 * delete plan. `tooMany`: more than MAX_TOP_ENTRIES; a folder that is a link or unreadable holds none
 * (its delete is refused anyway).
 */
export async function storageContentsThere(
  fs: EngineHostHelpers,
  dir: string,
): Promise<{ foreign: string[]; tooMany: boolean }> {
  const read = await listThere(fs, dir);
  if ('unlisted' in read) return { foreign: [], tooMany: read.unlisted === UNLISTED['toomany'] };
  return { foreign: foreignNames(read.listing), tooMany: false };
}

/**
 * What "delete the disk" removes from `dir` on the engine's computer: decideDiskDelete over the folder as
 * listed there. A folder that is a link, unreadable or too large to list: `refused`, with the reason.
 */
export async function planDiskDeleteThere(
  fs: EngineHostHelpers,
  dir: string,
  machineId: string,
  kept: readonly string[] = [],
): Promise<DeletePlan> {
  const read = await listThere(fs, dir);
  if ('unlisted' in read)
    return {
      path: dir,
      kind: 'refused',
      remove: [],
      keep: [],
      allocatedBytes: 0,
      apparentBytes: 0,
      reason: `The folder ${dir} on ${fs.host} (the engine's computer) ${read.unlisted}.`,
      host: fs.host,
    };
  const plan: DeletePlan = { ...decideDiskDelete(dir, read.listing, machineId, kept), host: fs.host };
  if (plan.kind === 'folder' || plan.kind === 'files') planned.set(plan, { digest: read.digest, host: fs.host });
  return plan;
}

/** Plain-words errors of a removal there. */
function removeRefused(host: string, path: string, why: string): PortholeError {
  return new PortholeError(
    'CONFLICT',
    `Porthole deleted nothing in ${path} on ${host} (the engine's computer): ${why}.`,
    'Look at the folder on that computer and remove the files you no longer need by hand, or delete again.',
  );
}

/**
 * Carries out a plan planDiskDeleteThere made just now (the caller plans again right before): removes
 * exactly its names there, and the folder when it is to go and is empty then; refused, with nothing
 * removed, when the folder is no longer as it was planned.
 */
export async function executeDiskDeleteThere(fs: EngineHostHelpers, plan: DeletePlan): Promise<void> {
  if (plan.kind !== 'folder' && plan.kind !== 'files') return;
  const made = planned.get(plan);
  if (!made || made.host !== fs.host)
    throw removeRefused(fs.host, plan.path, 'this delete was not planned there just now');
  if (plan.remove.some((name) => !name || name === '.' || name === '..' || /[/\0]/.test(name)))
    throw removeRefused(fs.host, plan.path, 'the plan names something that is not a file of the folder');
  const out = await runAt(fs, 'delete the machine’s disk', plan.path, REMOVE_SCRIPT, {
    args: plan.remove,
    write: true,
    env: [`EXPECT=${made.digest}`, `KIND=${plan.kind}`],
    timeoutMs: removeDeadlineMs(plan.allocatedBytes),
  });
  planned.delete(plan);
  // The folder is gone already: nothing is left to remove (as rm -f of a missing file here).
  if (out === null || field(out, 'folder') === 'missing') return;
  const folder = field(out, 'folder');
  if (field(out, 'changed') === 'yes' || (folder !== undefined && folder !== 'removed'))
    throw removeRefused(fs.host, plan.path, 'the folder changed since Porthole looked at it');
  if (field(out, 'failed') === 'rm')
    throw new PortholeError(
      'ENGINE_ERROR',
      `Porthole could not delete every file of the disk in ${plan.path} on ${fs.host} (the engine's computer): some could not be removed there.`,
      'Look at the folder on that computer and remove what is left by hand.',
    );
  if (!fields(out, 'removed').includes('yes'))
    throw failed(fs.host, 'delete the machine’s disk', new Error('no answer'));
}
