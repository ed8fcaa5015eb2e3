import { join, posix } from 'node:path';
import type { CheckResult } from '../../api';
import type { HostContext } from './context';

/** The first directory of $PATH (absolute entries only) holding `name`, seen under the context's root. */
export async function onPath(ctx: HostContext, name: string): Promise<string | null> {
  for (const dir of (ctx.env.PATH ?? '').split(':').filter((d) => posix.isAbsolute(d))) {
    const candidate = join(dir, name);
    if (await ctx.exists(candidate)) return candidate;
  }
  return null;
}

/**
 * `gdbus` asks the session bus whether the desktop shows tray icons (app/main/quit.ts). Without it
 * Porthole must assume it does not: closing the window quits instead of hiding it to the tray, and
 * the login start (--hidden) opens the window. Informational: a warning that names the package.
 * (FreeRDP and secret-tool are named where they are used: Remote Desktop and the Passwords check.)
 */
export async function trayHelperCheck(ctx: HostContext): Promise<CheckResult> {
  const base = { id: 'tray-helper', title: 'Tray helper (gdbus)' };
  const why =
    'The desktop app uses gdbus to find the tray; without it, closing the window quits Porthole and a login start opens the window instead of waiting in the tray.';
  const found = await onPath(ctx, 'gdbus');
  if (found) return { ...base, status: 'ok', found: `${found} is installed.`, why };
  return {
    ...base,
    status: 'warn',
    found: 'gdbus is not installed.',
    why,
    fix: {
      text: 'Install the package that has gdbus, then start Porthole again.',
      commands: [
        '# Debian, Ubuntu',
        `${ctx.sudo}apt install libglib2.0-bin`,
        '# Fedora, Arch',
        `${ctx.sudo}dnf install glib2   # or: ${ctx.sudo}pacman -S glib2`,
        '# openSUSE',
        `${ctx.sudo}zypper install glib2-tools`,
      ],
    },
  };
}
