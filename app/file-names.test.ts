import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 27: a newcomer who opens `usb.ts` should know which one. Two production files in app/ or renderer/src share a
// name only when they are the same role in parallel layers, and this table says so; any other repeat fails.
const root = resolve(import.meta.dirname, '..');

const PARALLEL: Record<string, { files: string[]; why: string }> = {
  'index.ts': {
    why: "a folder's public entry: what the rest of the app imports from that folder",
    files: [],
  },
};

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!['testing', 'fixtures', 'node_modules'].includes(entry.name)) out.push(...productionFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$|\.d\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('production file names', () => {
  const files = [...productionFiles('app'), ...productionFiles('renderer/src')];
  const byName = new Map<string, string[]>();
  for (const file of files) byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
  const repeated = [...byName].filter(([, paths]) => paths.length > 1);

  it('repeat only for the same role in parallel layers, each such name listed with its reason', () => {
    const unexplained = repeated.filter(([name]) => !PARALLEL[name]).map(([name, paths]) => `${name}: ${paths.join(' ')}`);
    expect(unexplained).toEqual([]);
  });

  it('the table lists exactly the files that share each name (a rename or a new file updates it)', () => {
    for (const [name, { files: listed, why }] of Object.entries(PARALLEL)) {
      expect(why.length, name).toBeGreaterThan(20);
      expect([...(byName.get(name) ?? [])].sort(), name).toEqual([...listed].sort());
    }
  });
});
