import { dirname, resolve } from 'node:path';
import type { ActionResponse } from '../../api';
import { readComposeFile, readComposeStdin } from '../compose-file';
import { UsageError } from '../options';
import { terminalSafe as safe } from '../terminal-safe';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    '  import FILE [--adopt]       Machines from a compose.yml (- for standard input). Relative paths\n' +
    "                              (./windows) are taken from the file's folder, as docker compose does\n" +
    '                              (the current folder for -). A Windows already installed in a storage\n' +
    '                              folder is kept; a container already on that folder (the one\n' +
    '                              docker compose up made) is adopted with --adopt, else nothing is imported\n',
  async run({ id, values, call, print }) {
    if (!id) throw new UsageError('"porthole import" needs a compose.yml path (or - for standard input).');
    const stdin = id === '-';
    const yaml = stdin ? await readComposeStdin(process.stdin) : await readComposeFile(id);
    // As docker compose does: relative paths from the file's folder; for standard input, the current one.
    const baseDir = stdin ? process.cwd() : dirname(resolve(id));
    const result = await call('importCompose', { yaml, baseDir, ...(values.adopt ? { adopt: true } : {}) });
    const warnings = [
      ...(stdin && /(?:^|[\s:'"])\.{1,2}\//m.test(yaml)
        ? [`the file came from standard input: its relative paths were taken from the current folder ${baseDir}.`]
        : []),
      ...result.warnings,
    ];
    print({ ...result, warnings }, () => importedText(result, warnings));
    return result.adoptable.length > 0 && result.machines.length === 0 ? 1 : 0;
  },
};

/** What was imported, what was not and why, and the warnings, a line each. */
function importedText(result: ActionResponse<'importCompose'>, warnings: readonly string[]): string {
  return (
    [
      ...result.machines.map((m) => `Imported ${safe(m.name)} (${m.id})`),
      ...result.notes,
      ...result.adoptable.map(
        (a) =>
          `A container “${safe(a.name)}”${a.running ? ' (running)' : ''} already uses ${safe(a.storageDir)} for service “${safe(a.service)}”: adopt it with porthole adopt ${safe(a.name)}, or import again with --adopt. Nothing was imported.`,
      ),
      ...warnings.map((w) => `Warning: ${safe(w)}`),
    ].join('\n') + '\n'
  );
}
