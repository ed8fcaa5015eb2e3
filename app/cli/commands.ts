/**
 * The CLI's verbs: the cases main.ts's run() handles (commands.test.ts keeps them in step). The
 * Electron executable reads this table to tell `porthole check` (the CLI, run in-process) from
 * `porthole --hidden` (the GUI), so there is one list of what the CLI answers.
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
  'set',
]);

export function isCliCommand(word: string): boolean {
  return CLI_COMMANDS.has(word);
}
