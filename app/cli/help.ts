import { VERBS } from './verbs';

/** `porthole --help`: every verb's lines, in the table's order. */
export const USAGE = `Usage: porthole <command> [options]

Commands:
${[...VERBS.values()].map((v) => v.usage).join('')}
Options:
  --json                      Machine-readable output
`;
