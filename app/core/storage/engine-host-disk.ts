import { posix } from 'node:path';
import { PortholeError } from '../../api';
import { isRefusedMount } from '../host/engine-host-probe';
import type { EngineHostHelpers, HelperMount } from './engine-host-fs';

/**
 * A machine's disk files on a remote engine's computer, copied and read there in short-lived helper
 * containers (engine-host-fs.ts's run): snapshots of a machine whose engine is elsewhere. Only file
 * names and sizes cross: what a snapshot holds and means is snapshots/snapshots.ts's. Every script is a
 * constant (paths and names reach it as arguments), looks at nothing through a symlink (`-L` checked
 * before each use; cp, mv and rm never follow one), and bounds its own output.
 */

/** At most this much output is read from any helper (head -c in the container). */
export const HELPER_OUTPUT_BYTES = 8 * 1024 * 1024;
/** A manifest larger than this is not read (Porthole writes about 1 kB). */
export const MANIFEST_MAX_BYTES = 16 * 1024;
/** At most this many snapshots of one machine are listed. */
export const MAX_LISTED = 200;
/** A look: short. */
const LOOK_MS = 30_000;
/** A copy: a minute to start, plus 20 MiB/s of data (a slow disk there); a 64 GB disk gets about an hour. */
export function copyDeadlineMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / (20 * 1024 * 1024)) * 1000;
}

/** Every script runs as `main`, its output (stdout and stderr) cut at `bytes` (HELPER_OUTPUT_BYTES). */
export function bounded(body: string, bytes = HELPER_OUTPUT_BYTES): string {
  return `main() {\n${body}\n}\nmain "$@" 2>&1 | head -c ${bytes}`;
}

/** A snapshot folder's name, in the shell (the id schema's pattern). */
const ID_GLOB = `${'[0-9]'.repeat(8)}-${'[0-9]'.repeat(6)}-${'[0-9a-f]'.repeat(6)}`;

/** The named regular files of /a/$1 (not symlinks), and the free space of /b when it is bound. */
export const FILES_SCRIPT = bounded(
  [
    'd="/a/$1"; shift',
    'if [ ! -d "$d" ] || [ -L "$d" ]; then echo folder=missing; exit 0; fi',
    'for name in "$@"; do p="$d/$name"; if [ -f "$p" ] && [ ! -L "$p" ]; then echo "file=$(stat -c \'%s %b %B %Y\' -- "$p") $name"; fi; done',
    'if [ -d /b ]; then echo "free=$(df -Pk /b | tail -n 1)"; fi',
    'echo looked=yes',
  ].join('\n'),
);

/** The snapshot folders of /n (real folders named like ids, holding a real manifest.json): id, allocated bytes, manifest in base64. */
export const LIST_SCRIPT = bounded(
  [
    'cd /n || exit 0',
    'i=0',
    'for d in *; do',
    `  case "$d" in ${ID_GLOB}) ;; *) continue ;; esac`,
    '  [ -d "$d" ] && [ ! -L "$d" ] || continue',
    '  m="$d/manifest.json"; [ -f "$m" ] && [ ! -L "$m" ] || continue',
    `  i=$((i+1)); [ "$i" -le ${MAX_LISTED} ] || break`,
    '  a=0; for f in "$d"/* "$d"/.[!.]*; do if [ -f "$f" ] && [ ! -L "$f" ]; then a=$((a + $(stat -c \'%b*%B\' -- "$f"))); fi; done',
    `  echo "snap=$d $a $(head -c ${MANIFEST_MAX_BYTES + 1} -- "$m" | base64 -w 0)"`,
    'done',
    'echo listed=yes',
  ].join('\n'),
);

/**
 * Copies the named files of /s into /n/$1.partial (a reflink when the file system shares blocks, else a
 * sparse copy), writes the manifest ($M_REFLINK or $M_SPARSE, by how they were copied) last, flushes
 * them, then renames the folder to /n/$1: a snapshot is listed only whole. Leftovers of a copy that was
 * cut (a deadline, a lost engine) are removed first: ours only, by their names.
 */
export const TAKE_SCRIPT = bounded(
  [
    'id="$1"; shift; p="/n/$id.partial"',
    `for old in /n/${ID_GLOB}.partial /n/${ID_GLOB}.deleting; do if [ -d "$old" ] && [ ! -L "$old" ]; then rm -rf -- "$old"; fi; done`,
    'mkdir -m 700 -- "$p" || { echo fail=mkdir; exit 0; }',
    'method=reflink',
    'for name in "$@"; do',
    '  s="/s/$name"',
    '  if [ ! -f "$s" ] || [ -L "$s" ]; then rm -rf -- "$p"; echo fail=missing; exit 0; fi',
    '  if ! cp --reflink=always --preserve=mode,timestamps -- "$s" "$p/$name" 2>/dev/null; then',
    '    rm -f -- "$p/$name"; method=sparse-copy',
    '    cp --sparse=always --reflink=auto --preserve=mode,timestamps -- "$s" "$p/$name" || { rm -rf -- "$p"; echo fail=copy; exit 0; }',
    '  fi',
    'done',
    'if [ "$method" = reflink ]; then printf "%s" "$M_REFLINK"; else printf "%s" "$M_SPARSE"; fi > "$p/manifest.json" || { rm -rf -- "$p"; echo fail=copy; exit 0; }',
    'chmod 600 "$p/manifest.json"',
    'sync -- "$p"/* "$p" || { rm -rf -- "$p"; echo fail=sync; exit 0; }',
    'mv -T -- "$p" "/n/$id" || { rm -rf -- "$p"; echo fail=rename; exit 0; }',
    'sync -- /n',
    'echo "took=$method"',
  ].join('\n'),
);

/**
 * Copies the named files of /n/$1 to /s/.porthole-restore-<name>, flushes them, and only when every copy
 * is whole renames them over the real ones; then removes the image files named in $GONE (regular files
 * only) and flushes the folder. A copy that fails removes its temporary files: the disk is as it was.
 */
export const RESTORE_SCRIPT = bounded(
  [
    'd="/n/$1"; shift',
    'clean() { for t in /s/.porthole-restore-*; do if [ -f "$t" ] && [ ! -L "$t" ]; then rm -f -- "$t"; fi; done; }',
    'if [ ! -d "$d" ] || [ -L "$d" ]; then echo fail=missing; exit 0; fi',
    'clean',
    'for name in "$@"; do',
    '  s="$d/$name"',
    '  if [ ! -f "$s" ] || [ -L "$s" ]; then clean; echo fail=missing; exit 0; fi',
    '  cp --sparse=always --reflink=auto --preserve=mode,timestamps -- "$s" "/s/.porthole-restore-$name" || { clean; echo fail=copy; exit 0; }',
    'done',
    'for name in "$@"; do sync -- "/s/.porthole-restore-$name" || { clean; echo fail=sync; exit 0; }; done',
    'for name in "$@"; do mv -f -T -- "/s/.porthole-restore-$name" "/s/$name" || { echo fail=rename; exit 0; }; done',
    'for name in $GONE; do p="/s/$name"; if [ -f "$p" ] && [ ! -L "$p" ]; then rm -f -- "$p" && echo "removed=$name"; fi; done',
    'sync -- /s',
    'echo restored=yes',
  ].join('\n'),
);

/** Renames /n/$1 aside, then removes it (rm never follows a link): a half-deleted snapshot is never listed. */
export const REMOVE_SCRIPT = bounded(
  [
    'd="/n/$1"',
    'if [ ! -d "$d" ] || [ -L "$d" ]; then echo gone=missing; exit 0; fi',
    'mv -T -- "$d" "$d.deleting" && rm -rf -- "$d.deleting" && echo gone=yes',
  ].join('\n'),
);

/** Removes /p/$1, a machine's whole snapshots folder (after the machine was deleted, when asked). */
export const REMOVE_ALL_SCRIPT = bounded(
  ['d="/p/$1"', 'if [ -L "$d" ]; then echo gone=missing; exit 0; fi', 'rm -rf -- "$d" && echo gone=yes'].join('\n'),
);

export interface FileThere {
  name: string;
  apparentBytes: number;
  allocatedBytes: number;
  mtimeMs: number;
}

export interface FilesThere {
  /** False when the folder is not there (or is a symlink, not looked through). */
  folder: boolean;
  files: FileThere[];
  /** Free bytes of the second folder's file system, when it was bound. */
  freeBytes: number | null;
}

/** The values of the `name=` lines of a helper's output. */
export function fields(output: string, name: string): string[] {
  const out: string[] = [];
  const prefix = `${name}=`;
  for (const line of output.replace(/\r/g, '').split('\n'))
    if (line.startsWith(prefix)) out.push(line.slice(prefix.length));
  return out;
}

export const count = (text: string | undefined): number | null =>
  text !== undefined && /^\d{1,18}$/.test(text) ? Number(text) : null;

/** FILES_SCRIPT's answer; only names that were asked for are taken. */
export function parseFiles(output: string, asked: readonly string[]): FilesThere | null {
  if (!fields(output, 'looked').includes('yes')) {
    return fields(output, 'folder').includes('missing') ? { folder: false, files: [], freeBytes: null } : null;
  }
  const files: FileThere[] = [];
  for (const line of fields(output, 'file')) {
    const [size, blocks, unit, mtime, ...rest] = line.split(' ');
    const name = rest.join(' ');
    const numbers = [size, blocks, unit, mtime].map(count);
    if (!asked.includes(name) || numbers.some((n) => n === null)) continue;
    const [s, b, u, m] = numbers as number[];
    files.push({ name, apparentBytes: s!, allocatedBytes: b! * u!, mtimeMs: m! * 1000 });
  }
  // df -Pk: "filesystem 1024-blocks used available capacity mounted-on"; counted from the end (a device name may hold spaces).
  const df = fields(output, 'free')[0]?.trim().split(/\s+/);
  const avail = df && df.length >= 6 ? count(df[df.length - 3]) : null;
  return { folder: true, files, freeBytes: avail === null ? null : avail * 1024 };
}

export interface SnapshotThere {
  id: string;
  allocatedBytes: number;
  /** The manifest as written there: untrusted (the caller parses it); null when larger than MANIFEST_MAX_BYTES. */
  manifest: string | null;
}

/** LIST_SCRIPT's answer. */
export function parseList(output: string): SnapshotThere[] | null {
  if (!fields(output, 'listed').includes('yes')) return null;
  const out: SnapshotThere[] = [];
  const id = new RegExp(`^\\d{8}-\\d{6}-[0-9a-f]{6}$`);
  for (const line of fields(output, 'snap').slice(0, MAX_LISTED)) {
    const [name = '', allocated, encoded = ''] = line.split(' ');
    const bytes = count(allocated);
    if (!id.test(name) || bytes === null || !/^[A-Za-z0-9+/=]*$/.test(encoded)) continue;
    const text = Buffer.from(encoded, 'base64');
    out.push({
      id: name,
      allocatedBytes: bytes,
      manifest: text.length > MANIFEST_MAX_BYTES ? null : text.toString('utf8'),
    });
  }
  return out;
}

/** What a copy script said: done (with its method, for a take), or how it failed. */
export function parseCopy(output: string, done: 'took' | 'restored'): { ok: string } | { failed: string } {
  const said = fields(output, done)[0];
  if (said !== undefined) return { ok: said };
  if (/No space left on device|Disk quota exceeded/i.test(output)) return { failed: 'nospace' };
  return { failed: fields(output, 'fail')[0] ?? 'unknown' };
}

/** Why a copy failed, in plain words (never the engine's or cp's own text). */
const REASONS: Record<string, string> = {
  mkdir: 'its folder could not be made there',
  missing: 'a file of the disk vanished or became a link while it was copied',
  copy: 'the copy failed there',
  sync: 'the copy could not be flushed to disk there',
  rename: 'the finished copy could not be put in place there',
  unknown: 'the helper container gave no answer',
};

/** A run's failure as a PortholeError; ENOSPC errors stay errors with that code (the caller words them). */
function helperFailed(host: string, what: string, err: unknown): Error {
  if (err instanceof PortholeError) return err;
  const text = err instanceof Error ? err.message : String(err);
  if (/did not finish within/.test(text)) {
    return new PortholeError(
      'ENGINE_ERROR',
      `Porthole could not ${what} on ${host} (the engine's computer) in time: the helper container there was stopped.`,
      'Check that the engine and its disk there are responsive, then try again.',
    );
  }
  return new PortholeError(
    'ENGINE_ERROR',
    `Porthole could not ${what} on ${host} (the engine's computer): the engine refused the short-lived helper container.`,
    'Check that the engine runs and that a machine image is on it; "porthole check" says more.',
  );
}

/** The engine's words for a bind source that does not exist (Docker; Podman's statfs of it). */
const MISSING_SOURCE = /bind source path does not exist|statfs .*no such file or directory/i;

/**
 * A helper refused only because a folder to bind is not there: the Mounts API refuses it (it never creates one).
 * Only that refusal: an image without a shell also says "no such file or directory", and is a failure.
 */
export function isMissingSource(err: unknown): boolean {
  return isRefusedMount(err) && MISSING_SOURCE.test(err instanceof Error ? err.message : String(err));
}

/** Out of space there: an error the snapshots' outOfSpace words. */
function noSpace(): Error {
  return Object.assign(new Error('no space left on the engine’s computer'), { code: 'ENOSPC' });
}

/** The disk's files and the snapshots' folder on the engine's computer, through helper containers. */
export class EngineHostDisk {
  constructor(private readonly fs: EngineHostHelpers) {}

  get host(): string {
    return this.fs.host;
  }

  private async run(
    what: string,
    mounts: HelperMount[],
    script: string,
    args: string[],
    opts: { env?: string[]; timeoutMs: number },
  ): Promise<string | null> {
    try {
      return await this.fs.run(mounts, script, args, opts);
    } catch (err) {
      // A folder that is not there reads as empty; any other refusal is a failure.
      if (isMissingSource(err)) return null;
      throw helperFailed(this.fs.host, what, err);
    }
  }

  /** Makes a folder there (mkdir -p). */
  async makeFolder(path: string): Promise<void> {
    await this.fs.makeFolder(path);
  }

  /** The named regular files of `dir/sub` there, and the free space of `freeOf`'s file system. */
  async files(dir: string, sub: string, names: readonly string[], freeOf?: string): Promise<FilesThere> {
    const mounts: HelperMount[] = [{ source: dir, target: '/a' }];
    if (freeOf) mounts.push({ source: freeOf, target: '/b' });
    const out = await this.run('look at the machine’s disk', mounts, FILES_SCRIPT, [sub, ...names], {
      timeoutMs: LOOK_MS,
    });
    if (out === null) return { folder: false, files: [], freeBytes: null };
    const parsed = parseFiles(out, names);
    if (!parsed) throw helperFailed(this.fs.host, 'look at the machine’s disk', new Error('no answer'));
    return parsed;
  }

  /** The snapshot folders in `root` there (none when it is not there). */
  async list(root: string): Promise<SnapshotThere[]> {
    const out = await this.run('list the snapshots', [{ source: root, target: '/n' }], LIST_SCRIPT, [], {
      timeoutMs: LOOK_MS,
    });
    if (out === null) return [];
    const parsed = parseList(out);
    if (!parsed) throw helperFailed(this.fs.host, 'list the snapshots', new Error('no answer'));
    return parsed;
  }

  /** Copies `names` of `storage` into `root/id` there, with the manifest for each way of copying. */
  async take(o: {
    storage: string;
    root: string;
    id: string;
    names: string[];
    manifest: (method: 'reflink' | 'sparse-copy') => string;
    bytes: number;
  }): Promise<'reflink' | 'sparse-copy'> {
    const out = await this.run(
      'take the snapshot',
      [
        { source: o.storage, target: '/s' },
        { source: o.root, target: '/n', write: true },
      ],
      TAKE_SCRIPT,
      [o.id, ...o.names],
      {
        env: [`M_REFLINK=${o.manifest('reflink')}`, `M_SPARSE=${o.manifest('sparse-copy')}`],
        timeoutMs: copyDeadlineMs(o.bytes),
      },
    );
    const result = parseCopy(out ?? 'fail=missing', 'took');
    if ('ok' in result && (result.ok === 'reflink' || result.ok === 'sparse-copy')) return result.ok;
    throw this.copyFailed('take the snapshot', 'failed' in result ? result.failed : 'unknown');
  }

  /** Copies `names` of `root/id` back over `storage` there; removes `gone` (regular files) after. */
  async restore(o: {
    storage: string;
    root: string;
    id: string;
    names: string[];
    gone: string[];
    bytes: number;
  }): Promise<string[]> {
    const out = await this.run(
      'restore the snapshot',
      [
        { source: o.root, target: '/n' },
        { source: o.storage, target: '/s', write: true },
      ],
      RESTORE_SCRIPT,
      [o.id, ...o.names],
      { env: [`GONE=${o.gone.join(' ')}`], timeoutMs: copyDeadlineMs(o.bytes) },
    );
    const result = parseCopy(out ?? 'fail=missing', 'restored');
    if ('failed' in result) throw this.copyFailed('restore the snapshot', result.failed);
    return fields(out ?? '', 'removed').filter((name) => o.gone.includes(name));
  }

  /** Removes the snapshot `root/id` there; false when it was not there. */
  async remove(root: string, id: string): Promise<boolean> {
    const out = await this.run(
      'delete the snapshot',
      [{ source: root, target: '/n', write: true }],
      REMOVE_SCRIPT,
      [id],
      { timeoutMs: LOOK_MS * 4 },
    );
    if (out === null || fields(out, 'gone').includes('missing')) return false;
    if (!fields(out, 'gone').includes('yes')) throw this.copyFailed('delete the snapshot', 'unknown');
    return true;
  }

  /** Removes a machine's whole snapshots folder `folder` there. */
  async removeFolder(folder: string): Promise<void> {
    const out = await this.run(
      'delete the snapshots',
      [{ source: posix.dirname(folder), target: '/p', write: true }],
      REMOVE_ALL_SCRIPT,
      [posix.basename(folder)],
      { timeoutMs: LOOK_MS * 4 },
    );
    if (out !== null && !fields(out, 'gone').length) throw this.copyFailed('delete the snapshots', 'unknown');
  }

  private copyFailed(what: string, reason: string): Error {
    if (reason === 'nospace') return noSpace();
    // A restore's renames run after every copy is whole: one that fails midway has put back some files already.
    const after =
      what === 'restore the snapshot' && reason === 'rename'
        ? 'Some files may be back from the snapshot already: restore it again.'
        : 'Nothing was changed.';
    return new PortholeError(
      'ENGINE_ERROR',
      `Porthole could not ${what} on ${this.fs.host} (the engine's computer): ${REASONS[reason] ?? REASONS['unknown']!}. ${after}`,
      'Check that the folders are writable there and the engine runs, then try again; "porthole check" says more.',
    );
  }
}
