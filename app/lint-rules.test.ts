import { ESLint } from 'eslint';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The layer rules in eslint.config.js, run on made-up files inside the repo (docs/architecture.md "Layers").
// The imports point at small files: no-cycle walks everything an imported file imports.
const root = resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.js') });

async function ruleIds(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('the layer rules', () => {
  it('refuse an upward import: the contract importing the backend, a core folder one above it', async () => {
    expect(await ruleIds('app/api/made-up.ts', "export { MACHINE_LABEL } from '../core/engine/labels';\n")).toContain(
      'boundaries/dependencies',
    );
    expect(
      await ruleIds('app/core/engine/made-up.ts', "export { DEFAULT_DISK_GIB } from '../machine/defaults';\n"),
    ).toContain('boundaries/dependencies');
    expect(await ruleIds('app/core/store/made-up.ts', "export { MachineSecrets } from '../secrets';\n")).toContain(
      'boundaries/dependencies',
    );
    expect(
      await ruleIds('app/core/guest-files/made-up.ts', "export type { Backend } from '../backend-types';\n"),
    ).toEqual([]);
    expect(
      await ruleIds('renderer/src/made-up.ts', "export { MACHINE_LABEL } from '../../app/core/engine/labels';\n"),
    ).toContain('boundaries/dependencies');
    expect(
      await ruleIds('app/cli/made-up.ts', "export { singleInstance } from '../main/instance-routing';\n"),
    ).toContain('boundaries/dependencies');
  }, 120_000);

  it('let a downward import through', async () => {
    expect(
      await ruleIds(
        'app/core/machine/made-up.ts',
        "export { MACHINE_LABEL } from '../engine/labels';\nexport { PortholeError } from '../../api';\n",
      ),
    ).toEqual([]);
    expect(await ruleIds('app/core/made-up.ts', "export { MACHINE_LABEL } from './engine/labels';\n")).toEqual([]);
    expect(await ruleIds('app/cli/made-up.ts', "export { MACHINE_LABEL } from '../core/engine/labels';\n")).toEqual([]);
  }, 120_000);

  describe('refuse an import circle', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(root, 'app/core/guest-files/lint-circle-'));
      await writeFile(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
      await writeFile(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): number => a() - 1;\n");
      await writeFile(join(dir, 'c.ts'), "import { a } from './a';\nexport const c = (): number => a();\n");
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('a two-file circle is an error in both files; a file that only uses one of them is not', async () => {
      const rel = dir.slice(root.length + 1);
      expect(
        await ruleIds(`${rel}/a.ts`, "import { b } from './b';\nexport const a = (): number => b() + 1;\n"),
      ).toContain('import-x/no-cycle');
      expect(
        await ruleIds(`${rel}/b.ts`, "import { a } from './a';\nexport const b = (): number => a() - 1;\n"),
      ).toContain('import-x/no-cycle');
      expect(await ruleIds(`${rel}/c.ts`, "import { a } from './a';\nexport const c = (): number => a();\n")).toEqual(
        [],
      );
    }, 120_000);
  });
});

describe('the layer list', () => {
  it('names every folder of app/core, so a new folder is checked like the others (not left out unseen)', async () => {
    const { readdir } = await import('node:fs/promises');
    const config = (await eslint.calculateConfigForFile(join(root, 'app/core/backend.ts'))) as {
      settings?: Record<string, unknown>;
    };
    const elements = (config.settings?.['boundaries/elements'] ?? []) as Array<{ pattern: string }>;
    const patterns = new Set(elements.map((e) => e.pattern));
    const folders = (await readdir(join(root, 'app/core'), { withFileTypes: true }))
      .filter((d) => d.isDirectory() && d.name !== 'testing')
      .map((d) => d.name);
    expect(folders.filter((f) => !patterns.has(`app/core/${f}/**`))).toEqual([]);
  }, 120_000);
});

describe('the one format', () => {
  it('npm run lint checks Prettier over the repo, with the repo config, and an unformatted file fails it', async () => {
    const { readFile } = await import('node:fs/promises');
    const prettier = await import('prettier');
    const scripts = (
      JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['lint']).toMatch(/prettier --check\b.* \.$/);
    const path = join(root, 'app/core/guest-files/made-up.ts');
    const options = { ...(await prettier.resolveConfig(path)), filepath: path };
    const formatted = "export const a = { b: 'c' };\n";
    expect(await prettier.check(formatted, options)).toBe(true);
    expect(await prettier.check('export const a = {b:"c"}\n', options)).toBe(false);
    // The width is the repo's, not Prettier's default of 80: a 100-character line stays on one line.
    const wide = `export const a = ['${'x'.repeat(40)}', '${'y'.repeat(40)}'];\n`;
    expect(await prettier.check(wide, options)).toBe(true);
    // What a test writes is not checked: the ignore file names the folders (a formatted tree stays so after a run).
    const ignored = await readFile(join(root, '.prettierignore'), 'utf8');
    for (const folder of ['out/', 'test-results/', 'e2e/.artifacts/']) expect(ignored).toContain(folder);
  }, 60_000);
});

describe('functions a reader can hold', () => {
  const body = (lines: number): string =>
    `export function long(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(lines)}  return n;\n}\n`;

  it('refuse a function over 80 lines of code in app/ and renderer/src, blank lines and comments not counted', async () => {
    for (const path of ['app/core/guest-files/made-up.ts', 'app/cli/made-up.ts', 'renderer/src/ui/made-up.ts']) {
      expect(await ruleIds(path, body(77)), path).toContain('max-lines-per-function');
      expect(await ruleIds(path, body(76)), path).toEqual([]);
    }
    const commented = `export function long(): number {\n  let n = 0;\n${'  // why\n\n  n += 1;\n'.repeat(76)}  return n;\n}\n`;
    expect(await ruleIds('app/core/guest-files/made-up.ts', commented)).toEqual([]);
  }, 120_000);

  it('leave tests and test scaffolding alone', async () => {
    expect(await ruleIds('app/core/guest-files/made-up.test.ts', body(200))).not.toContain('max-lines-per-function');
    expect(await ruleIds('app/core/testing/made-up.ts', body(200))).not.toContain('max-lines-per-function');
  }, 120_000);
});
