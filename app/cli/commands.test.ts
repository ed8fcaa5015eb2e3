import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS, isCliCommand } from './commands';
import { USAGE } from './help';
import { VERBS } from './verbs';

/** The verbs `porthole --help` names: a line's first word, and each "| verb ID" after it. */
function verbsInHelp(help: string): string[] {
  const commands = help.slice(help.indexOf('Commands:'), help.indexOf('Options:'));
  const named = [...commands.matchAll(/^ {2}([a-z-]+)(?: [A-Z]+.*?)?((?: \| [a-z-]+ [A-Z]+)*)/gm)].flatMap((m) => [
    m[1]!,
    ...[...m[2]!.matchAll(/\| ([a-z-]+)/g)].map((x) => x[1]!),
  ]);
  return [...new Set(named)].sort();
}

describe('the CLI verb table', () => {
  const table = [...VERBS.keys()].sort();

  it('is the command list the Electron executable reads (isCliCommand)', () => {
    expect(table).toEqual([...CLI_COMMANDS].sort());
    for (const verb of table) expect(isCliCommand(verb), verb).toBe(true);
    for (const word of ['--hidden', 'help', 'constructor', '__proto__', ''])
      expect(isCliCommand(word), word).toBe(false);
  });

  it('has a handler module per verb: verbs/<verb>.ts exports the table entry', async () => {
    for (const [name, verb] of VERBS) {
      const module = (await import(`./verbs/${name}.ts`)) as { verb?: unknown };
      expect(module.verb, name).toBe(verb);
      expect(typeof verb.run, name).toBe('function');
    }
  });

  it('has no verb module that the table leaves out', () => {
    const modules = readdirSync(join(import.meta.dirname, 'verbs'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'verb.ts')
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    expect(modules).toEqual(table);
  });

  it('is exactly what the help lists, each verb by its own module', () => {
    expect(verbsInHelp(USAGE)).toEqual(table);
    // A verb's help lines name that verb; one with none is named on another verb's line.
    for (const [name, verb] of VERBS)
      if (verb.usage) expect(verbsInHelp(`Commands:\n${verb.usage}Options:`), name).toContain(name);
      else expect(USAGE, name).toMatch(new RegExp(`\\| ${name} ID`));
  });

  it('the help parser finds a verb that is missing, so the check above can fail', () => {
    const withoutUsb = USAGE.replace(VERBS.get('usb')!.usage, '');
    expect(verbsInHelp(withoutUsb)).not.toContain('usb');
    expect(verbsInHelp(`Commands:\n  frob ID   Frobs\nOptions:`)).toEqual(['frob']);
  });
});
