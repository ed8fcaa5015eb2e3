import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { howStarted, portholeCommand } from '../core/apps/launcher';

/** `$XDG_CONFIG_HOME/autostart/porthole.desktop`: what desktops start at login. */
export function autostartFile(env: NodeJS.ProcessEnv): string {
  const configHome =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : join(env.HOME ?? homedir(), '.config');
  return join(configHome, 'autostart', 'porthole.desktop');
}

/**
 * Quotes one Exec argument as the Desktop Entry spec asks: reserved characters go inside double
 * quotes with `"`, `` ` ``, `$` and `\` backslash-escaped, then the string escape doubles every
 * backslash (so a literal backslash is written as four); `%` is doubled.
 */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg.replace(/%/g, '%%');
  const quoted = arg.replace(/(["`$\\])/g, '\\$1').replace(/\\/g, '\\\\');
  return `"${quoted.replace(/%/g, '%%')}"`;
}

/**
 * The command that starts this Porthole: the AppImage when running from one (its mount point
 * changes every run), else the executable, plus the app folder when unpackaged (`electron .`).
 * The same command app-menu launchers run (core/apps/launcher.ts).
 */
export function launchCommand(opts: {
  execPath: string;
  isPackaged: boolean;
  appPath: string;
  env: NodeJS.ProcessEnv;
}): string[] {
  return portholeCommand(
    howStarted({
      execPath: opts.execPath,
      env: opts.env,
      electron: { packaged: opts.isPackaged, appPath: opts.appPath },
      cliScript: '',
    }),
  );
}

export function autostartEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Porthole',
    'Comment=Run Windows on Linux with one click',
    `Exec=${[...command, '--hidden'].map(quoteExecArg).join(' ')}`,
    'Icon=porthole',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export async function isAutostartEnabled(file: string): Promise<boolean> {
  try {
    const text = await readFile(file, 'utf8');
    return !/^Hidden=true$/m.test(text) && !/^X-GNOME-Autostart-enabled=false$/m.test(text);
  } catch {
    return false;
  }
}

/** Writes or removes the autostart entry. */
export async function setAutostart(file: string, enabled: boolean, command: string[]): Promise<void> {
  if (!enabled) {
    await rm(file, { force: true });
    return;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, autostartEntry(command), { mode: 0o644 });
}
