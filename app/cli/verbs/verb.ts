// What every verb module exports (its help lines and its handler), and what a handler is given to work with.
import type { Backend } from '../../core/backend';
import type { CliValues } from '../arguments';
import { invoke, type Call } from '../backend-call';
import { jsonText } from '../output-json';
import { UsageError, type NumberOptions } from '../options';
import { terminalSafeLines } from '../terminal-safe';

/** Everything a verb's handler needs: the command line read, the backend, and the ways to print. */
export interface VerbContext {
  /** The verb, as typed. */
  command: string;
  values: CliValues;
  /** The positional words, the verb first: positionals[1] is usually the machine id. */
  positionals: readonly string[];
  /** positionals[1], when given. */
  id: string | undefined;
  numbers: NumberOptions;
  json: boolean;
  /** Standard output is a terminal (not a pipe or a file). */
  terminal: boolean;
  backend: Backend;
  call: Call;
  out: (s: string) => void;
  err: (s: string) => void;
  /** The value as JSON with --json, else `human()` made terminal-safe (or exactly as it is, when `exact`). */
  print: (value: unknown, human: () => string, exact?: boolean) => void;
  /** Standard output, made terminal-safe. */
  say: (s: string) => void;
  /** Standard error, made terminal-safe. */
  complain: (s: string) => void;
  /** The machine id, or a usage error saying how to find one. */
  needId: () => string;
}

/** One verb of the CLI: its lines in `porthole --help` (empty where another verb's line names it), and its handler. */
export interface Verb {
  usage: string;
  /** Runs the verb; answers the exit code (a thrown error is printed by main.ts). */
  run: (ctx: VerbContext) => Promise<number>;
}

/** The context for one run of `command`. */
export function verbContext(
  command: string,
  { values, positionals }: { values: CliValues; positionals: readonly string[] },
  numbers: NumberOptions,
  backend: Backend,
  out: (s: string) => void,
  err: (s: string) => void,
): VerbContext {
  const json = values.json;
  const id = positionals[1];
  return {
    command,
    values,
    positionals,
    id,
    numbers,
    json,
    terminal: process.stdout.isTTY === true,
    backend,
    call: (action, request) => invoke(backend, action, request),
    out,
    err,
    // Plain output never carries a control character, whatever a value quoted in it held (the guest's,
    // a log's, an engine's: each is also escaped where it stands, so none fakes a line); only what must
    // be exact (a password, a compose file) is not touched. --json is exact.
    print: (value, human, exact = false) => out(json ? jsonText(value) : exact ? human() : terminalSafeLines(human())),
    say: (s) => out(terminalSafeLines(s)),
    complain: (s) => err(terminalSafeLines(s)),
    needId: () => {
      if (!id) throw new UsageError(`"porthole ${command}" needs a machine id. "porthole machines" lists them.`);
      return id;
    },
  };
}
