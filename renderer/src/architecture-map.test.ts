import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MACHINE_TABS } from './machine-page/tabs';

// docs/architecture.md is the map a newcomer reads first: what it names must be there, and its tab list the app's.
const root = resolve(import.meta.dirname, '../..');
const map = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

/** Every `path` in backticks that looks like a place in the repo (a folder ending in / or a file with an extension). */
function namedPaths(text: string): string[] {
  const found = new Set<string>();
  for (const [, path] of text.matchAll(/`((?:app|renderer|e2e|bench|docs|scripts|build)\/[^`\s<>*]*)`/g)) {
    found.add(path!);
  }
  return [...found];
}

describe('docs/architecture.md', () => {
  it('is one page: under 200 lines', () => {
    expect(map.split('\n').length).toBeLessThan(200);
  });

  it('names only folders and files that exist', () => {
    const paths = namedPaths(map);
    expect(paths.length).toBeGreaterThan(30);
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  it('lists every folder of app/core and app/, so a new one is placed on the map', () => {
    const folders = (dir: string) =>
      readdirSync(join(root, dir), { withFileTypes: true })
        .filter((d) => d.isDirectory() && d.name !== 'testing')
        .map((d) => `${dir}/${d.name}/`);
    const named = new Set(namedPaths(map));
    expect([...folders('app/core'), ...folders('app')].filter((f) => !named.has(f))).toEqual([]);
  });

  it('lists the machine page tabs the app has, in order', () => {
    const after = map.slice(map.indexOf('tabs (`renderer/src/machine-page/tabs.tsx`), in order:'));
    const list = after.split('\n\n')[1] ?? '';
    expect(list.split('\n').map((line) => line.replace(/^- /, ''))).toEqual(MACHINE_TABS.map((t) => t.label));
  });

  it('links only decision records that exist, and every record is linked', () => {
    const linked = [...map.matchAll(/\(decisions\/([^)]+\.md)\)/g)].map((m) => m[1]);
    const records = readdirSync(join(root, 'docs/decisions')).filter((f) => f.endsWith('.md'));
    expect(linked.filter((f) => !records.includes(f!))).toEqual([]);
    expect(records.filter((f) => !linked.includes(f))).toEqual([]);
  });
});

/** Every file of the repo's source trees, as paths from the root. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  for (const dir of ['app', 'renderer', 'e2e', 'bench', 'scripts', 'build']) walk(dir);
  return out;
}

describe('docs/decisions', () => {
  it('name only source files that exist (a renamed file is renamed in the records too)', () => {
    const dir = join(root, 'docs/decisions');
    const files = sourceFiles();
    const missing: string[] = [];
    for (const record of readdirSync(dir)) {
      const text = readFileSync(join(dir, record), 'utf8');
      for (const path of namedPaths(text)) if (!existsSync(join(root, path))) missing.push(`${record}: ${path}`);
      // A file named from inside its folder (`storage/paths.ts`, `copy.ts`) must be the end of some file's path.
      for (const [, name] of text.matchAll(/`([\w./-]+\.tsx?)`/g)) {
        if (!files.some((f) => f === name || f.endsWith(`/${name}`))) missing.push(`${record}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
