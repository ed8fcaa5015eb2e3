import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from './commands';

describe('the CLI verb table', () => {
  it('is exactly the commands run() handles and its usage names', () => {
    const source = readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8');
    const body = source.slice(source.indexOf('switch (command)'));
    const cases = new Set([...body.matchAll(/^ {6}case '([a-z-]+)':/gm)].map((m) => m[1]!));
    expect([...cases].sort()).toEqual([...CLI_COMMANDS].sort());
    const usage = source.slice(source.indexOf('Commands:'), source.indexOf('Options:'));
    const named = new Set(
      [...usage.matchAll(/^ {2}([a-z-]+)(?: [A-Z]+.*?)?((?: \| [a-z-]+ [A-Z]+)*)/gm)].flatMap((m) => [
        m[1]!,
        ...[...m[2]!.matchAll(/\| ([a-z-]+)/g)].map((x) => x[1]!),
      ]),
    );
    expect([...named].sort()).toEqual([...CLI_COMMANDS].sort());
  });
});
