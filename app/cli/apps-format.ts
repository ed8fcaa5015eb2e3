import { PortholeError, type AppList, type WindowsApp } from '../api';
import { terminalSafe } from './terminal-safe';

/** `porthole apps ID`: one program a line (id, name, in the menu), or why there is no list. */
export function formatApps(list: AppList): string {
  const lines: string[] = [];
  if (list.state === 'not-written') {
    lines.push(
      'Windows has not listed its programs yet: it writes the list after you sign in for the first time.',
      `(Porthole reads it from ${terminalSafe(String(list.folder))}.)`,
    );
  } else if (list.state === 'unreadable') {
    lines.push(`The program list in ${terminalSafe(String(list.folder))} cannot be read.`);
  } else if (list.apps.length === 0) {
    lines.push('Windows lists no programs.');
  } else {
    // Names are the guest's: printed escaped, so none can move the cursor, retitle the terminal or fake a line.
    const names = list.apps.map((a) => terminalSafe(a.name));
    const width = Math.max(...names.map((n) => n.length));
    for (const [i, app] of list.apps.entries())
      lines.push(`${app.id}  ${names[i]!.padEnd(width)}  ${app.source}${app.inMenu ? '  (in the app menu)' : ''}`);
  }
  for (const warning of list.warnings) lines.push(`Warning: ${terminalSafe(warning)}`);
  return lines.join('\n') + '\n';
}

/** The program a person named: its id, else its name (any case), else a clear refusal. */
export function pickApp(apps: WindowsApp[], wanted: string): WindowsApp {
  const byId = apps.find((a) => a.id === wanted);
  if (byId) return byId;
  const named = apps.filter((a) => a.name.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `${named.length} programs are called "${terminalSafe(wanted)}".`,
      `Name one by its id: ${named.map((a) => a.id).join(', ')}.`,
    );
  }
  throw new PortholeError(
    'NOT_FOUND',
    `No program called "${terminalSafe(wanted)}" is listed.`,
    '"porthole apps ID" lists the programs and their ids.',
  );
}
