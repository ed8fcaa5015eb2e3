import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APPS_FORMAT, appsFileEntrySchema, appsFileSchema, type AppsFileEntry } from '../../api';

/** The largest apps.json read: a list of thousands of programs is far below it; more is not a list. */
export const APPS_FILE_MAX_BYTES = 4 * 1024 * 1024;
/** The largest icon carried to the UI (as a data URL). Windows' associated icons are 32x32, a few KiB. */
export const ICON_MAX_BYTES = 256 * 1024;

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
const ICON_NAME = /^[0-9a-f]{12}\.png$/;

async function readIcon(dir: string, name: string | null | undefined, who: string, warnings: string[]): Promise<Buffer | null> {
  if (!name) return null;
  if (!ICON_NAME.test(name)) {
    warnings.push(`${who}: its icon name "${name.slice(0, 40)}" is not <id>.png; shown without an icon.`);
    return null;
  }
  try {
    const bytes = await readFile(join(dir, 'icons', name));
    if (bytes.length > ICON_MAX_BYTES) warnings.push(`${who}: its icon is larger than ${ICON_MAX_BYTES / 1024} KiB; shown without one.`);
    else if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) warnings.push(`${who}: its icon is not a PNG; shown without one.`);
    else return bytes;
  } catch {
    warnings.push(`${who}: its icon icons/${name} is missing; shown without one.`);
  }
  return null;
}

/**
 * Reads the folder the guest's script writes (`<shared>/.porthole/apps`). Never throws for what is in
 * the folder: a missing list is `not-written`, an unreadable one `unreadable`, and each bad entry is
 * left out with a warning naming it, so one garbled entry costs only itself.
 */
export async function readAppsFolder(dir: string): Promise<AppsFolderRead> {
  const warnings: string[] = [];
  let bytes: Buffer;
  try {
    const handle = await open(join(dir, 'apps.json'), 'r');
    try {
      const { size } = await handle.stat();
      if (size > APPS_FILE_MAX_BYTES) {
        return { state: 'unreadable', written: null, apps: [], warnings: [`apps.json is ${size} bytes, more than the ${APPS_FILE_MAX_BYTES} a list can be.`] };
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'not-written', written: null, apps: [], warnings };
    return { state: 'unreadable', written: null, apps: [], warnings: [`apps.json cannot be read: ${(error as Error).message}`] };
  }

  let json: unknown;
  try {
    json = JSON.parse(decodeWindowsText(bytes));
  } catch (error) {
    return { state: 'unreadable', written: null, apps: [], warnings: [`apps.json is not JSON (${(error as Error).message}); Windows writes it again at the next logon.`] };
  }
  const head = appsFileSchema.safeParse(json);
  if (!head.success) {
    const format = (json as { format?: unknown } | null)?.format;
    const why = typeof format === 'string' && format !== APPS_FORMAT ? `its format is "${format.slice(0, 40)}", not ${APPS_FORMAT} (a newer Porthole wrote the script?)` : firstIssue(head.error);
    return { state: 'unreadable', written: null, apps: [], warnings: [`apps.json is not a program list: ${why}.`] };
  }

  // Windows PowerShell writes a one-element array as the element itself, and no array at all as null.
  const raw = head.data.apps;
  const entries: unknown[] = Array.isArray(raw) ? raw : raw === null || raw === undefined ? [] : [raw];
  const apps: AppsFolderEntry[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const parsed = appsFileEntrySchema.safeParse(entry);
    const label = typeof (entry as { name?: unknown } | null)?.name === 'string' ? `"${(entry as { name: string }).name.slice(0, 60)}"` : `entry ${index + 1}`;
    if (!parsed.success) {
      warnings.push(`${label} was left out: ${firstIssue(parsed.error)}.`);
      continue;
    }
    if (seen.has(parsed.data.id)) continue;
    seen.add(parsed.data.id);
    const iconPng = await readIcon(dir, parsed.data.icon, label, warnings);
    apps.push({ ...parsed.data, args: parsed.data.args ?? '', iconPng });
  }
  apps.sort((a, b) => a.name.localeCompare(b.name));
  return { state: 'ok', written: head.data.written ?? null, apps, warnings };
}
