/**
 * The CLI's verbs by name: the verb table's (verbs/index.ts; commands.test.ts keeps the two in step). The
 * Electron executable reads this list to tell `porthole check` (the CLI, run in-process) from
 * `porthole --hidden` (the GUI) without loading the verbs themselves.
 */
export const CLI_COMMANDS: ReadonlySet<string> = new Set([
  'check',
  'machines',
  'create',
  'start',
  'stop',
  'restart',
  'kill',
  'apply',
  'fix',
  'rm',
  'logs',
  'screen',
  'password',
  'rdp',
  'apps',
  'app',
  'adoptable',
  'adopt',
  'export',
  'import',
  'snapshot',
  'snapshots',
  'restore',
  'rm-snapshot',
  'usb',
  'iso',
  'set',
]);

export function isCliCommand(word: string): boolean {
  return CLI_COMMANDS.has(word);
}
