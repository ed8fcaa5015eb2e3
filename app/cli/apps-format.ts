import { PortholeError, type AppList, type WindowsApp } from '../api';

/** `porthole apps ID`: one program a line (id, name, in the menu), or why there is no list. */
export function formatApps(list: AppList): string {
  const lines: string[] = [];
  if (list.state === 'not-written') {
    lines.push(
      'Windows has not listed its programs yet: it writes the list after you sign in for the first time.',
      `(Porthole reads it from ${list.folder}.)`,
    );
  } else if (list.state === 'unreadable') {
    lines.push(`The program list in ${list.folder} cannot be read.`);
  } else if (list.apps.length === 0) {
    lines.push('Windows lists no programs.');
  } else {
    const width = Math.max(...list.apps.map((a) => a.name.length));
    for (const app of list.apps) lines.push(`${app.id}  ${app.name.padEnd(width)}  ${app.source}${app.inMenu ? '  (in the app menu)' : ''}`);
  }
  for (const warning of list.warnings) lines.push(`Warning: ${warning}`);
  return lines.join('\n') + '\n';
}

/** The program a person named: its id, else its name (any case), else a clear refusal. */
export function pickApp(apps: WindowsApp[], wanted: string): WindowsApp {
  const byId = apps.find((a) => a.id === wanted);
  if (byId) return byId;
  const named = apps.filter((a) => a.name.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new PortholeError('INVALID_ARGUMENT', `${named.length} programs are called "${wanted}".`, `Name one by its id: ${named.map((a) => a.id).join(', ')}.`);
  }
  throw new PortholeError('NOT_FOUND', `No program called "${wanted}" is listed.`, '"porthole apps ID" lists the programs and their ids.');
}
