import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { windowClass } from './remoteapp';

/**
 * Windows programs in the Linux app menu: one XDG desktop entry per program in
 * `$XDG_DATA_HOME/applications/porthole-<machine>-<app>.desktop`, its icon in
 * `$XDG_DATA_HOME/icons/hicolor/<size>/apps/`, starting `porthole app <machine> <app> %f`.
 * Every file carries `X-Porthole-Machine` and `X-Porthole-App`: removal goes by those, never by a
 * name prefix alone (machine `win` must not take `win-2`'s entries).
 */

export interface MenuApp {
  machineId: string;
  machineName: string;
  appId: string;
  name: string;
  iconPng: Buffer | null;
}

/** `$XDG_DATA_HOME`, else `~/.local/share` (a relative value is ignored, as the spec says). */
export function dataHome(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.local', 'share');
}

export function entryName(machineId: string, appId: string): string {
  return `${windowClass(machineId, appId)}.desktop`;
}

export function entryPath(env: NodeJS.ProcessEnv, machineId: string, appId: string): string {
  return join(dataHome(env), 'applications', entryName(machineId, appId));
}

/** hicolor's sizes; an icon goes in the smallest that holds it (Windows' associated icons are 32x32). */
const ICON_SIZES = [16, 22, 24, 32, 48, 64, 96, 128, 256, 512];

/** A PNG's width and height, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export function iconPath(env: NodeJS.ProcessEnv, machineId: string, appId: string, png: Buffer): string {
  const size = pngSize(png);
  const edge = Math.max(size?.width ?? 32, size?.height ?? 32);
  const dir = ICON_SIZES.find((s) => s >= edge) ?? 512;
  return join(dataHome(env), 'icons', 'hicolor', `${dir}x${dir}`, 'apps', `${windowClass(machineId, appId)}.png`);
}

/** A string value of a desktop entry: one line, with the spec's escapes. */
export function entryValue(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/\n/g, '\\n')
      .replace(/\t/g, '\\t')
      .replace(/\r/g, '\\r')
      // eslint-disable-next-line no-control-regex -- other control characters are not allowed in a value
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .replace(/^ /, '\\s')
  );
}

/**
 * One Exec argument as the Desktop Entry spec asks: reserved characters inside double quotes with
 * `"`, `` ` ``, `$`, `\` backslash-escaped, then the string escape doubles each backslash; `%` doubled.
 */
export function execArg(arg: string): string {
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(arg)) return arg;
  const quoted = arg.replace(/(["`$\\])/g, '\\$1').replace(/\\/g, '\\\\');
  return `"${quoted.replace(/%/g, '%%')}"`;
}

export function desktopEntry(app: MenuApp, command: string[], icon: string | null): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${entryValue(app.name)}`,
    `GenericName=${entryValue(`Windows program on ${app.machineName}`)}`,
    `Comment=${entryValue(`${app.name} in ${app.machineName} (Windows), opened by Porthole`)}`,
    `Exec=${[...command, 'app', app.machineId, app.appId].map(execArg).join(' ')} %f`,
    ...(icon ? [`Icon=${entryValue(icon)}`] : []),
    'Terminal=false',
    'Categories=Utility;',
    `StartupWMClass=${windowClass(app.machineId, app.appId)}`,
    `X-Porthole-Machine=${app.machineId}`,
    `X-Porthole-App=${app.appId}`,
    '',
  ].join('\n');
}

async function writeAtomically(path: string, data: string | Buffer, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, path);
}

/** Writes the program's entry and icon; the icon first, so the menu never shows an entry whose icon is not there yet. */
export async function addToMenu(env: NodeJS.ProcessEnv, app: MenuApp, command: string[]): Promise<string> {
  const file = entryPath(env, app.machineId, app.appId);
  let icon: string | null = null;
  if (app.iconPng) {
    icon = iconPath(env, app.machineId, app.appId, app.iconPng);
    await mkdir(join(icon, '..'), { recursive: true });
    await writeAtomically(icon, app.iconPng, 0o644);
  }
  await mkdir(join(file, '..'), { recursive: true });
  await writeAtomically(file, desktopEntry(app, command, icon), 0o644);
  return file;
}

/** Porthole's entries in the menu folder: file name, machine and program. Other files are not read. */
export async function menuEntries(
  env: NodeJS.ProcessEnv,
): Promise<Array<{ file: string; machineId: string; appId: string; icon: string | null }>> {
  const dir = join(dataHome(env), 'applications');
  const names = await readdir(dir).catch(() => [] as string[]);
  const found = [];
  for (const name of names.filter((n) => n.startsWith('porthole-') && n.endsWith('.desktop'))) {
    const text = await readFile(join(dir, name), 'utf8').catch(() => '');
    const machineId = /^X-Porthole-Machine=(.+)$/m.exec(text)?.[1];
    const appId = /^X-Porthole-App=(.+)$/m.exec(text)?.[1];
    const icon = /^Icon=(\/.+)$/m.exec(text)?.[1] ?? null;
    if (machineId && appId) found.push({ file: join(dir, name), machineId, appId, icon });
  }
  return found;
}

/** Removes the entries (and their icons) of one machine, or of its programs for which `keep` says no. */
export async function removeFromMenu(
  env: NodeJS.ProcessEnv,
  machineId: string,
  remove: (appId: string) => boolean = () => true,
): Promise<string[]> {
  const removed: string[] = [];
  const iconsRoot = join(dataHome(env), 'icons', 'hicolor');
  for (const entry of await menuEntries(env)) {
    if (entry.machineId !== machineId || !remove(entry.appId)) continue;
    // Only an icon Porthole itself placed (under hicolor, named for this entry) is removed.
    if (
      entry.icon &&
      entry.icon.startsWith(`${iconsRoot}/`) &&
      entry.icon.endsWith(`/${windowClass(machineId, entry.appId)}.png`)
    ) {
      await rm(entry.icon, { force: true });
    }
    await rm(entry.file, { force: true });
    removed.push(entry.file);
  }
  return removed;
}
