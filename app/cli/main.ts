import { createBackend, defaultDirs } from '../core/backend';
import { parseCommandLine, type ParsedCommandLine } from './arguments';
import { USAGE } from './help';
import { jsonText } from './output-json';
import { numberOptions, UsageError, type NumberOptions } from './options';
import { VERBS } from './verbs';
import { UsbUsageError } from './verbs/usb';
import { verbContext, type VerbContext } from './verbs/verb';

export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  return runParsed(parsed, out, err);
}

/** Runs the verb the command line names, through the table (verbs/index.ts); answers the exit code. */
async function runParsed(
  parsed: ParsedCommandLine,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const command = parsed.positionals[0];
  if (parsed.values.help || !command) {
    out(USAGE);
    return command || parsed.values.help ? 0 : 2;
  }
  let numbers: NumberOptions;
  try {
    numbers = numberOptions(parsed.values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(e.message + '\n');
    return 2;
  }
  const backend = await createBackend({ ...defaultDirs(process.env), watch: false });
  const ctx = verbContext(command, parsed, numbers, backend, out, err);
  try {
    const verb = VERBS.get(command);
    if (!verb) throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    return await verb.run(ctx);
  } catch (e) {
    return reportError(e, ctx);
  } finally {
    await backend.dispose();
  }
}

/** A usage mistake (exit 2), or a failure with its cause and remedy (exit 1; with --json, as JSON). */
function reportError(e: unknown, { json, out, complain }: VerbContext): number {
  if (e instanceof UsageError || e instanceof UsbUsageError) {
    complain(e.message + '\n');
    return 2;
  }
  const error = e as { code?: string; message?: string; remedy?: string };
  if (json) out(jsonText({ error: { code: error.code ?? 'INTERNAL', message: error.message, remedy: error.remedy } }));
  else complain(`${error.message ?? String(e)}${error.remedy ? `\n${error.remedy}` : ''}\n`);
  return 1;
}
