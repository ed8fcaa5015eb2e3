// Reading the command line: every option any verb takes (node:util parseArgs), parsed once for all of them.
import { parseArgs } from 'node:util';

const OPTIONS = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  name: { type: 'string' },
  version: { type: 'string' },
  ram: { type: 'string' },
  cpus: { type: 'string' },
  disk: { type: 'string' },
  iso: { type: 'string' },
  image: { type: 'string' },
  'no-kvm': { type: 'boolean', default: false },
  'delete-disk': { type: 'boolean', default: false },
  tail: { type: 'string' },
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean', default: false },
  adopt: { type: 'boolean', default: false },
  app: { type: 'boolean', default: false },
  'delete-snapshots': { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  share: { type: 'string', multiple: true },
  unshare: { type: 'string', multiple: true },
  usb: { type: 'string', multiple: true },
  'no-usb': { type: 'string', multiple: true },
  kvm: { type: 'boolean', default: false },
  audio: { type: 'string' },
  'no-audio': { type: 'boolean', default: false },
  user: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  language: { type: 'string' },
  keyboard: { type: 'string' },
  folder: { type: 'string' },
} as const;

/** The command line read: throws (a usage mistake) on an unknown option or a missing value. */
export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

export type ParsedCommandLine = ReturnType<typeof parseCommandLine>;

/** The options' values, as every verb sees them. */
export type CliValues = ParsedCommandLine['values'];
