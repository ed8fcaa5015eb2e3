import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { INSTALL_MARKER, INSTALL_MARKER_TEXT, machineIdSchema } from '../../api';

export { INSTALL_MARKER, INSTALL_MARKER_TEXT };
import { APPS_SCRIPT, APPS_SCRIPT_NAME } from './porthole-apps.ps1';

/** A compose file's own install.bat, merged into Porthole's OEM folder at import (user-oem.ts); run first. */
export const USER_INSTALL_BAT = 'user-install.bat';

/** The machine id a log line announces as installed, or null. */
export function parseInstallMarker(line: string): string | null {
  return INSTALL_MARKER.exec(line)?.[1] ?? null;
}

/**
 * `C:\OEM\install.bat`, which the image runs once at the first logon after Setup: the moment
 * Windows is installed. CRLF line endings for cmd.exe and COMMAND.COM alike.
 *
 * The space before `>` matters: in `echo text-1> COM1` cmd reads `1>` as "redirect handle 1" and
 * drops the digit. The stand-in test image reads this same `echo <text> > COM1` line.
 */
export function installScript(machineId: string): string {
  const id = machineIdSchema.parse(machineId);
  return [
    '@echo off',
    'rem Written by Porthole. Runs the install.bat of an imported compose file first (as user-install.bat), then lists',
    'rem the installed programs for the Linux app menu and allows RemoteApp (see the script).',
    `if exist "%~dp0${USER_INSTALL_BAT}" call "%~dp0${USER_INSTALL_BAT}"`,
    `powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0${APPS_SCRIPT_NAME}" -Install`,
    'rem Tells the host that Windows has finished installing.',
    `echo ${INSTALL_MARKER_TEXT} ${id} > COM1`,
    '',
  ].join('\r\n');
}

/** Writes Porthole's OEM folder (mounted read-only at /oem). Atomic per file: a start never sees half a script. */
export async function writeOemFiles(dir: string, machineId: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomically(dir, APPS_SCRIPT_NAME, APPS_SCRIPT.replace(/\r?\n/g, '\r\n'));
  await writeAtomically(dir, 'install.bat', installScript(machineId));
}

async function writeAtomically(dir: string, name: string, text: string): Promise<void> {
  const temporary = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(temporary, text, { mode: 0o644 });
  await rename(temporary, join(dir, name));
}
