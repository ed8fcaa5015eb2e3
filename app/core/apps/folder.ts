import { isAbsolute, relative, sep } from 'node:path';
import { APPS_FORMAT, appsFileEntrySchema, appsFileSchema, type AppsFileEntry } from '../../api';
import { GuestFolder, type GuestFileRead, type GuestReadOptions } from '../guest-files/guest-folder';

/** The largest apps.json read: a list of thousands of programs is far below it; more is not a list. */
export const APPS_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** The largest icon carried to the UI (as a data URL). Windows' associated icons are 32x32, a few KiB. */
export const ICON_MAX_BYTES = 256 * 1024;
/** The icons of one list together (each use counted): a few hundred programs' 32x32 icons are well below it. */
export const ICONS_MAX_TOTAL_BYTES = 8 * 1024 * 1024;
/** The entries of one list read: a Windows with every Office and Visual Studio tool lists a few hundred. */
export const APPS_MAX = 2000;
/** Warnings of one list, and the length of each. */
export const WARNINGS_MAX = 50;
export const WARNING_MAX_CHARS = 300;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface AppsFolderEntry extends AppsFileEntry {
  args: string;
  /** The icon file's bytes, checked to be a PNG of reasonable size; null without one. */
  iconPng: Buffer | null;
}

export type AppsFolderRead =
  | { state: 'not-written'; written: null; apps: []; warnings: string[] }
  | { state: 'unreadable'; written: null; apps: []; warnings: string[] }
  | { state: 'ok'; written: string | null; apps: AppsFolderEntry[]; warnings: string[] };

/**
 * Text as Windows writes it: PowerShell 5.1 writes UTF-8 with a BOM (WriteAllText with UTF8Encoding(true)),
 * `Out-File` UTF-16LE with its BOM. Both are accepted, and plain UTF-8.
 */
export function decodeWindowsText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first issue of a failed parse, as a person reads it: `target: target is an absolute Windows path`. */
function firstIssue(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0];
  if (!issue) return 'not a program entry';
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

/** An icon name the list may give: `<id>.png` only, so nothing outside `icons/` is ever read. */
export const ICON_NAME = /^[0-9a-f]{12}\.png$/;

/**
 * The files of one apps folder, by their names in it (`apps.json`, `icons/<id>.png`): read here through a
 * GuestFolder (localAppsFiles), or received from a helper on a remote engine's computer
 * (storage/engine-host-apps.ts). One parser (parseAppsFiles) reads both, with the same bounds and words.
 */
export interface AppsFiles {
  read(name: string, options: GuestReadOptions): Promise<GuestFileRead>;
}

/** An apps folder `dir` inside the trusted folder `root` (a storage folder, a shared folder). */
export interface AppsFolderPlace {
  root: string;
  dir: string;
}

/**
 * The apps folders of a machine whose engine is remote, read on the engine's computer (where its storage
 * and shared folders are): the first of `places` that holds an apps.json (its index, its files), or null
 * when none does. storage/engine-host-apps.ts reads them there.
 */
export interface AppsFoldersThere {
  /** The engine's computer as a person names it. */
  readonly host: string;
  read(places: readonly AppsFolderPlace[]): Promise<{ index: number; files: AppsFiles } | null>;
}

/** Bounded warnings: a hostile list must not turn into megabytes of them. */
class Warnings {
  readonly list: string[] = [];
  private dropped = 0;
  push(text: string): void {
    if (this.list.length < WARNINGS_MAX)
      this.list.push(text.length > WARNING_MAX_CHARS ? `${text.slice(0, WARNING_MAX_CHARS - 1)}…` : text);
    else this.dropped++;
  }
  done(): string[] {
    return this.dropped ? [...this.list, `${this.dropped} more problems were found and not listed.`] : this.list;
  }
}

/**
 * The icons of one listing: each file read once (a hostile list may name one icon thousands of times), and
 * the bytes carried all together bounded (each use counts: the list travels whole to the UI and the CLI).
 */
class Icons {
  private readonly read = new Map<string, Promise<GuestFileRead>>();
  private spent = 0;
  overBudget = 0;
  constructor(private readonly files: AppsFiles) {}

  async get(name: string | null | undefined, who: string, warnings: Warnings): Promise<Buffer | null> {
    if (!name) return null;
    if (!ICON_NAME.test(name)) {
      warnings.push(`${who}: its icon name "${name.slice(0, 40)}" is not <id>.png; shown without an icon.`);
      return null;
    }
    let pending = this.read.get(name);
    if (!pending) {
      pending = this.files.read(`icons/${name}`, {
        maxBytes: ICON_MAX_BYTES,
        allow: (size) => this.spent + size <= ICONS_MAX_TOTAL_BYTES,
      });
      this.read.set(name, pending);
    }
    const got = await pending;
    if (!got.ok) {
      if (got.refusal === 'over-budget') this.overBudget++;
      else if (got.refusal === 'too-large')
        warnings.push(`${who}: its icon is larger than ${ICON_MAX_BYTES / 1024} KiB; shown without one.`);
      else if (got.refusal === 'missing')
        warnings.push(`${who}: its icon icons/${name} is missing; shown without one.`);
      else warnings.push(`${who}: its icon icons/${name} ${got.why}; shown without one.`);
      return null;
    }
    if (!got.bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
      warnings.push(`${who}: its icon is not a PNG; shown without one.`);
      return null;
    }
    if (this.spent + got.bytes.length > ICONS_MAX_TOTAL_BYTES) {
      this.overBudget++;
      return null;
    }
    this.spent += got.bytes.length;
    return got.bytes;
  }
}

export interface ReadAppsOptions {
  /**
   * The trusted folder `dir` is in (the shared folder the person chose); every folder between it and the
   * files must be a real one, not a link. Default: `dir` itself.
   */
  root?: string;
  /** The reader of `root` (a test counts its reads through it). */
  folder?: GuestFolder;
}

/** This computer's apps folder `dir`, read through a GuestFolder of `root` (or options.folder). */
export function localAppsFiles(dir: string, options: ReadAppsOptions = {}): AppsFiles {
  const root = options.root ?? dir;
  const within = relative(root, dir);
  if (within.startsWith('..') || isAbsolute(within)) throw new Error(`${dir} is not inside ${root}`);
  const base = within ? `${within.split(sep).join('/')}/` : '';
  const folder = options.folder ?? new GuestFolder(root);
  return { read: (name, readOptions) => folder.read(`${base}${name}`, readOptions) };
}

/**
 * Reads the folder the guest's script writes (`<shared>/.porthole/apps`). Never throws for what is in
 * the folder: a missing list is `not-written`, an unreadable one `unreadable`, and each bad entry is
 * left out with a warning naming it, so one garbled entry costs only itself. The folder is Windows' to
 * write, so it is read as hostile input (guest-files/guest-folder.ts): regular files only, no links
 * followed, every read capped, each icon read once, the icons together bounded, the entries bounded.
 */
export async function readAppsFolder(dir: string, options: ReadAppsOptions = {}): Promise<AppsFolderRead> {
  return parseAppsFiles(localAppsFiles(dir, options));
}

/** The list in an apps folder's files, wherever they were read (AppsFiles): readAppsFolder's rules. */
export async function parseAppsFiles(files: AppsFiles): Promise<AppsFolderRead> {
  const warnings = new Warnings();

  const list = await files.read('apps.json', { maxBytes: APPS_FILE_MAX_BYTES });
  if (!list.ok) {
    if (list.refusal === 'missing') return { state: 'not-written', written: null, apps: [], warnings: [] };
    const why = list.refusal === 'too-large' ? `${list.why.replace(/ it may be$/, '')} a list can be` : list.why;
    return { state: 'unreadable', written: null, apps: [], warnings: [`apps.json ${why}.`] };
  }

  let json: unknown;
  try {
    json = JSON.parse(decodeWindowsText(list.bytes));
  } catch {
    // The parser's message quotes the text: not carried, so a file is never shown through a warning.
    return {
      state: 'unreadable',
      written: null,
      apps: [],
      warnings: ['apps.json is not JSON; Windows writes it again at the next logon.'],
    };
  }
  const head = appsFileSchema.safeParse(json);
  if (!head.success) {
    const format = (json as { format?: unknown } | null)?.format;
    const why =
      typeof format === 'string' && format !== APPS_FORMAT
        ? `its format is "${format.slice(0, 40)}", not ${APPS_FORMAT} (a newer Porthole wrote the script?)`
        : firstIssue(head.error);
    return { state: 'unreadable', written: null, apps: [], warnings: [`apps.json is not a program list: ${why}.`] };
  }

  // Windows PowerShell writes a one-element array as the element itself, and no array at all as null.
  const raw = head.data.apps;
  const all: unknown[] = Array.isArray(raw) ? raw : raw === null || raw === undefined ? [] : [raw];
  if (all.length > APPS_MAX) warnings.push(`Windows lists ${all.length} entries; only the first ${APPS_MAX} are read.`);
  const entries = all.length > APPS_MAX ? all.slice(0, APPS_MAX) : all;
  const icons = new Icons(files);
  const apps: AppsFolderEntry[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const parsed = appsFileEntrySchema.safeParse(entry);
    const label =
      typeof (entry as { name?: unknown } | null)?.name === 'string'
        ? `"${(entry as { name: string }).name.slice(0, 60)}"`
        : `entry ${index + 1}`;
    if (!parsed.success) {
      warnings.push(`${label} was left out: ${firstIssue(parsed.error)}.`);
      continue;
    }
    if (seen.has(parsed.data.id)) continue;
    seen.add(parsed.data.id);
    const iconPng = await icons.get(parsed.data.icon, label, warnings);
    apps.push({ ...parsed.data, args: parsed.data.args ?? '', iconPng });
  }
  if (icons.overBudget) {
    warnings.push(
      `${icons.overBudget} programs are shown without their icon: the icons together pass the ${ICONS_MAX_TOTAL_BYTES / 1024 / 1024} MiB Porthole reads.`,
    );
  }
  apps.sort((a, b) => a.name.localeCompare(b.name));
  return { state: 'ok', written: head.data.written ?? null, apps, warnings: warnings.done() };
}
