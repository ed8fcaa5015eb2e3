// Round trip of names through the exported compose file: 1,000 machines with fuzzed names (every
// name the names rule accepts is fair game), each exported by the real writer to its own file and read
// back by docker-compose's own `config`, must come back as exactly one service with exactly that name
// (and exactly its password, as compose loads it), and nothing else in the file.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineSettingsSchema, nameSchema, validatePassword, type MachineSettings } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { NAME_KEY, toCompose } from './compose-export';

const exec = promisify(execFile);
const COUNT = 1000;
const DRIVER = join(__dirname, '../testing/compose-config-many.py');
// Debian's docker-compose runs on the system Python (its `compose` package is there, not in a user's pyenv).
const PYTHON = '/usr/bin/python3';

interface ConfigResult {
  file: string;
  code: number;
  output: string;
  error: string;
  config: { services?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  loaded: { services: Array<Record<string, unknown>>; networks: object; volumes: object } | null;
}

/** Runs docker-compose's `config` on each file (see compose-config-many.py), in `lanes` processes. */
async function composeConfig(files: string[], lanes: number): Promise<Map<string, ConfigResult>> {
  const chunks = Array.from({ length: lanes }, (_, lane) => files.filter((_, i) => i % lanes === lane));
  const results = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<ConfigResult[]>((done, fail) => {
          const child = spawn(PYTHON, [DRIVER], { stdio: ['pipe', 'pipe', 'inherit'] });
          let text = '';
          child.stdout.setEncoding('utf8').on('data', (s: string) => (text += s));
          child.on('error', fail);
          child.on('close', (code) =>
            code === 0
              ? done(
                  text
                    .trim()
                    .split('\n')
                    .map((l) => JSON.parse(l) as ConfigResult),
                )
              : fail(new Error(`driver exited ${code}`)),
          );
          child.stdin.end(chunk.join('\n') + '\n');
        }),
    ),
  );
  return new Map(results.flat().map((r) => [r.file, r]));
}

// Pieces YAML, compose or a terminal treat specially, mixed with any graphemes; the rule filters what it refuses.
const tricky = fc.constantFrom(
  '$',
  '$$',
  '${HOME}',
  '$HOME',
  '"',
  "'",
  '\\',
  '\\n',
  '#',
  ' #',
  ': ',
  '- ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  '&a',
  '*a',
  '!!str',
  '%',
  '@',
  '`',
  '|',
  '>',
  '---',
  '...',
  'Y',
  'no',
  'null',
  '~',
  '0x1F',
  '1e3',
  '\u00a0',
  '\u3000',
  'é',
  'e\u0301',
  'Café',
  'Cafe\u0301',
  'ß',
  'İ',
  'ﬁ',
  '👩‍💻',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '🇫🇷',
  '👍🏽',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u200b',
  '\u0000',
  '\u001b[2J',
  '\ud800',
  '\ufeff',
  '\ufffe',
  'x'.repeat(70),
);
const piece = fc.oneof(
  tricky,
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const validName = fc
  .array(piece, { minLength: 1, maxLength: 8 })
  .map((parts) => nameSchema('machine').safeParse(parts.join('')))
  .filter((r) => r.success)
  .map((r) => r.data!);
const validPassword = fc
  .array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 8 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('').slice(0, 127))
  .filter((p) => validatePassword(p) === null);

/** What `config` printed is a compose file again: it writes each interpolated `$` as `$$`. */
function printed(value: unknown): unknown {
  return typeof value === 'string' ? value.split('$$').join('$') : value;
}

describe('machine names through the exported compose file (docker-compose config)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-names-'));
    await exec(PYTHON, ['-c', 'import compose']);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`${COUNT} fuzzed names: each file is exactly one service with exactly that name and password`, async () => {
    const cases = fc.sample(fc.record({ name: validName, password: validPassword }), {
      numRuns: COUNT,
      seed: 20261207,
    });
    const files: Array<{ file: string; machine: MachineSettings }> = [];
    for (const [i, c] of cases.entries()) {
      const machine = machineSettingsSchema.parse(sampleMachine({ id: `m${i}`, name: c.name, password: c.password }));
      const file = join(dir, `m${i}.yml`);
      await writeFile(file, toCompose(machine, { oemDir: '/oem', instance: '0123abcdef456789' }));
      files.push({ file, machine });
    }
    // The fuzzing reaches what the rule is for: names beyond ASCII, and look-alikes it had to normalise.
    expect(files.filter((f) => /[^\x20-\x7e]/.test(f.machine.name)).length).toBeGreaterThan(COUNT / 4);

    const results = await composeConfig(
      files.map((f) => f.file),
      2,
    );
    const wrong: string[] = [];
    for (const { file, machine } of files) {
      const r = results.get(file);
      const services = r?.config?.services ?? {};
      const keys = Object.keys(r?.config ?? {}).filter((k) => k !== 'services' && k !== 'version');
      const service = services[machine.id];
      const loaded = r?.loaded?.services ?? [];
      const env = loaded[0]?.environment as Record<string, unknown> | undefined;
      const ok =
        r?.code === 0 &&
        keys.length === 0 &&
        Object.keys(services).length === 1 &&
        printed(service?.[NAME_KEY]) === machine.name &&
        loaded.length === 1 &&
        loaded[0]?.name === machine.id &&
        loaded[0]?.[NAME_KEY] === machine.name &&
        env?.PASSWORD === machine.password &&
        Object.keys(r?.loaded?.networks ?? {}).length === 0;
      if (!ok)
        wrong.push(
          `${JSON.stringify(machine.name)} / ${JSON.stringify(machine.password)}: ${r ? (r.code === 0 ? JSON.stringify(r.loaded).slice(0, 300) : r.error.slice(0, 300)) : 'no result'}`,
        );
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  }, 180_000);
});
