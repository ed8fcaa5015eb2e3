import { posix } from 'node:path';
import { PortholeError } from '../../api';
import {
  APPS_FILE_MAX_BYTES,
  APPS_MAX,
  ICON_MAX_BYTES,
  ICON_NAME,
  ICONS_MAX_TOTAL_BYTES,
  type AppsFiles,
  type AppsFolderPlace,
  type AppsFoldersThere,
} from '../apps/folder';
import type { GuestFileRead, GuestFileRefusal } from '../guest-files/guest-folder';
import { isMissingSource } from './engine-host-disk';
import type { EngineHostHelpers, HelperMount } from './engine-host-fs';

/**
 * The list of Windows programs of a machine whose engine is remote: the apps folder Windows writes is in
 * the storage folder (or, for a machine an older Porthole installed, the first shared folder) on the
 * engine's computer, so it is read there, in one short-lived helper container (engine-host-fs.ts's run)
 * per read, with each folder's trusted root bound read-only. The helper applies apps/folder.ts's bounds
 * (each file cut at its cap with head -c, the icons together, icon names `<id>.png` only) and follows no
 * link (`-L` checked on every folder on the way and on each file); it prints frames, which
 * parseAppsOutput checks again, and apps/folder.ts's parseAppsFiles parses them as it parses a local folder.
 */

/** A read: short (a few hundred small files). */
const READ_MS = 30_000;

/** Whatever the folder holds, the helper prints at most this (base64 of the capped files, and a line per refusal). */
export const APPS_OUTPUT_MAX_BYTES =
  Math.ceil((APPS_FILE_MAX_BYTES + 1) / 3) * 4 + Math.ceil(ICONS_MAX_TOTAL_BYTES / 3) * 4 + APPS_MAX * 64 + 4096;

/**
 * Run with `sh -c`, a constant: the folders are bound at /r0, /r1, …, their apps folders (relative to
 * them) are the arguments. For the first folder whose apps folder holds an apps.json (or is reached
 * through a link: a refusal, as here), prints `from=<index>`, then frames: `f <name> ok <length> <base64>`
 * or `f <name> <refusal>`, then `end`; with none, just `end`. Icons are those the list names (grep on
 * its bytes, UTF-16's NULs dropped), each once, in name order. `take` copies a capped file aside (a file
 * that grows is seen past its cap), so what is printed is what was counted.
 */
export const APPS_SCRIPT = [
  // Bytes as bytes: in a UTF-8 locale grep calls a list with a stray byte "binary" and prints no name.
  'export LC_ALL=C',
  'take() {',
  '  if [ -L "$2" ]; then echo "f $1 link"; return 1; fi',
  '  if [ ! -e "$2" ]; then return 1; fi',
  '  if [ ! -f "$2" ]; then echo "f $1 not-a-file"; return 1; fi',
  '  timeout 5 head -c $(($3 + 1)) -- "$2" > "$4" 2>/dev/null || { echo "f $1 unreadable"; return 1; }',
  '  s=$(stat -c %s -- "$4") || { echo "f $1 unreadable"; return 1; }',
  '  if [ "$s" -gt "$3" ]; then echo "f $1 too-large"; return 1; fi',
  '}',
  'emit() { printf "f %s ok %s " "$1" "$s"; base64 -w 0 < "$2"; echo; }',
  'icons() {',
  '  k="$1/icons"; spent=0',
  '  if [ -L "$k" ]; then lf=1; elif [ -d "$k" ]; then lf=0; else return 0; fi',
  `  tr -d '\\000' < "$2/a" | grep -a -o '[0-9a-f]\\{12\\}\\.png' | sort -u | head -n ${APPS_MAX} > "$2/names"`,
  '  while read -r n; do',
  '    if [ "$lf" = 1 ]; then echo "f icons/$n linked-folder"; continue; fi',
  `    take "icons/$n" "$k/$n" ${ICON_MAX_BYTES} "$2/i" || continue`,
  `    if [ $((spent + s)) -gt ${ICONS_MAX_TOTAL_BYTES} ]; then echo "f icons/$n over-budget"; continue; fi`,
  '    spent=$((spent + s)); emit "icons/$n" "$2/i"',
  '  done < "$2/names"',
  '}',
  'main() {',
  '  t=$(mktemp -d) || return 0',
  '  i=0',
  '  for rel in "$@"; do',
  '    d="/r$i"; i=$((i + 1)); w=ok',
  '    set -f; IFS=/',
  '    for part in $rel; do d="$d/$part"; if [ -L "$d" ]; then w=linked; break; elif [ ! -d "$d" ]; then w=missing; break; fi; done',
  '    unset IFS; set +f',
  '    [ "$w" = missing ] && continue',
  '    if [ "$w" = linked ]; then echo "from=$((i - 1))"; echo "f apps.json linked-folder"; echo end; return 0; fi',
  '    if [ ! -e "$d/apps.json" ] && [ ! -L "$d/apps.json" ]; then continue; fi',
  '    echo "from=$((i - 1))"',
  `    if take apps.json "$d/apps.json" ${APPS_FILE_MAX_BYTES} "$t/a"; then emit apps.json "$t/a"; icons "$d" "$t"; fi`,
  '    echo end; return 0',
  '  done',
  '  echo end',
  '}',
  `main "$@" 2>&1 | head -c ${APPS_OUTPUT_MAX_BYTES}`,
].join('\n');

/** What the helper may say of a file instead of its bytes. */
const REFUSALS = ['link', 'not-a-file', 'too-large', 'over-budget', 'unreadable', 'linked-folder'] as const;
export type FrameRefusal = (typeof REFUSALS)[number];

export interface AppsThere {
  /** The index of the folder read; null when none holds an apps.json. */
  from: number | null;
  /** The files received, by name (`apps.json`, `icons/<id>.png`): bytes, or why not. A name absent is missing. */
  files: Map<string, Buffer | FrameRefusal>;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function capOf(name: string): number | null {
  if (name === 'apps.json') return APPS_FILE_MAX_BYTES;
  return name.startsWith('icons/') && ICON_NAME.test(name.slice('icons/'.length)) ? ICON_MAX_BYTES : null;
}

/** One `ok` frame's bytes: whole (the length it says, base64 intact, within the name's cap), else unreadable. */
function frameBytes(length: string | undefined, encoded: string | undefined, cap: number): Buffer | FrameRefusal {
  if (length === undefined || encoded === undefined || !/^\d{1,9}$/.test(length)) return 'unreadable';
  const size = Number(length);
  if (size > cap) return 'too-large';
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded) || encoded.length !== Math.ceil(size / 3) * 4)
    return 'unreadable';
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.length === size ? bytes : 'unreadable';
}

/**
 * APPS_SCRIPT's answer, checked again as hostile (the names it carries are the guest's): only the names
 * the script may send, each file within its cap, the first frame of a name kept, at most APPS_MAX icons
 * and ICONS_MAX_TOTAL_BYTES of them (beyond: over-budget). Null when the answer is not whole (no `end`:
 * the helper was cut or failed).
 */
export function parseAppsOutput(output: string, folders: number): AppsThere | null {
  const lines = output.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (!lines.includes('end')) return null;
  const from = lines.find((line) => /^from=\d{1,3}$/.test(line));
  const index = from === undefined ? null : Number(from.slice('from='.length));
  const files = new Map<string, Buffer | FrameRefusal>();
  if (index === null || index >= folders) return { from: null, files };
  let icons = 0;
  let spent = 0;
  for (const line of lines) {
    if (line === 'end') break;
    const [tag, name = '', what, length, encoded, ...rest] = line.split(' ');
    const cap = capOf(name);
    if (tag !== 'f' || cap === null || files.has(name) || rest.length > 0) continue;
    if (name !== 'apps.json' && ++icons > APPS_MAX) break;
    let got: Buffer | FrameRefusal;
    if (what === 'ok') got = frameBytes(length, encoded, cap);
    else if ((REFUSALS as readonly string[]).includes(what ?? '') && length === undefined) got = what as FrameRefusal;
    else continue;
    if (Buffer.isBuffer(got) && name !== 'apps.json') {
      if (spent + got.length > ICONS_MAX_TOTAL_BYTES) got = 'over-budget';
      else spent += got.length;
    }
    files.set(name, got);
  }
  return { from: index, files };
}

/** Why a file was not received, in GuestFolder's words (apps/folder.ts words its warnings from them). */
const WHY: Record<FrameRefusal, (cap: number) => string> = {
  link: () => 'is a symbolic link; Porthole does not follow links out of the folder',
  'not-a-file': () => 'is not a regular file',
  'too-large': (cap) => `is more than the ${cap} bytes it may be`,
  'over-budget': () => 'is past what Porthole reads from the folder at once',
  unreadable: () => 'cannot be read (the helper on the engine’s computer could not read it whole)',
  'linked-folder': () => 'is reached through a link out of the folder',
};

/** The received files as apps/folder.ts reads files: each read checks its cap and budget as a local read does. */
export function receivedAppsFiles(files: ReadonlyMap<string, Buffer | FrameRefusal>): AppsFiles {
  return {
    read: (name, options): Promise<GuestFileRead> => {
      const got = files.get(name);
      const refused = (refusal: GuestFileRefusal, why: string): GuestFileRead => ({ ok: false, refusal, why });
      if (got === undefined) return Promise.resolve(refused('missing', 'is missing'));
      if (!Buffer.isBuffer(got)) return Promise.resolve(refused(got, WHY[got](options.maxBytes)));
      if (got.length > options.maxBytes)
        return Promise.resolve(refused('too-large', WHY['too-large'](options.maxBytes)));
      if (options.allow && !options.allow(got.length))
        return Promise.resolve(refused('over-budget', WHY['over-budget'](options.maxBytes)));
      return Promise.resolve({ ok: true, bytes: got });
    },
  };
}

/** The apps folders of a remote engine's machines, read on its computer (apps/service.ts asks). */
export class EngineHostApps implements AppsFoldersThere {
  constructor(private readonly fs: EngineHostHelpers) {}

  get host(): string {
    return this.fs.host;
  }

  async read(places: readonly AppsFolderPlace[]): Promise<{ index: number; files: AppsFiles } | null> {
    const relative = places.map(({ root, dir }) => {
      const rel = posix.relative(root, dir);
      if (!rel || rel.startsWith('..') || posix.isAbsolute(rel)) throw new Error(`${dir} is not inside ${root}`);
      return rel;
    });
    const mounts: HelperMount[] = places.map((p, i) => ({ source: p.root, target: `/r${i}` }));
    let output: string;
    try {
      output = await this.fs.run(mounts, APPS_SCRIPT, relative, { timeoutMs: READ_MS });
    } catch (err) {
      if (!isMissingSource(err)) throw this.failed(err);
      // A folder not there has no list; with several, each is read alone (in order) to tell which.
      if (places.length === 1) return null;
      for (const [index, place] of places.entries()) {
        const one = await this.read([place]);
        if (one) return { index, files: one.files };
      }
      return null;
    }
    const there = parseAppsOutput(output, places.length);
    if (!there) throw this.failed(new Error('no whole answer'));
    return there.from === null ? null : { index: there.from, files: receivedAppsFiles(there.files) };
  }

  /** A helper's failure in plain words (never the engine's own text). */
  private failed(err: unknown): PortholeError {
    if (err instanceof PortholeError) return err;
    const text = err instanceof Error ? err.message : String(err);
    const what = `Porthole could not read the list of Windows programs on ${this.fs.host} (the engine's computer)`;
    if (/did not finish within/.test(text))
      return new PortholeError(
        'ENGINE_ERROR',
        `${what} in time: the helper container there was stopped.`,
        'Check that the engine and its disk there are responsive, then open the list again.',
      );
    return new PortholeError(
      'ENGINE_ERROR',
      text === 'no whole answer'
        ? `${what}: the short-lived helper container there gave no whole answer.`
        : `${what}: the engine refused the short-lived helper container.`,
      'Check that the engine runs and that a machine image is on it; "porthole check" says more.',
    );
  }
}
