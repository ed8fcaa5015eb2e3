import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isTestOutput, shippedFiles } from './testing/shipped-files';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * The real build, after it was made (npm test builds before the integration tests) and after the unit tests wrote
 * what they write under out/: the packages take the entry points, and not one source map or test output.
 */
describe('what the packages would ship from this build', () => {
  it('the entry points are shipped, and not one .map or test output', () => {
    expect(
      existsSync(join(root, 'out', 'main', 'index.js')),
      'out/ is built before the integration tests (npm run build)',
    ).toBe(true);
    const builder = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as { files: string[] };
    const shipped = shippedFiles(root, builder.files);
    expect(shipped).toEqual(
      expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json']),
    );
    expect(shipped.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(shipped.filter(isTestOutput)).toEqual([]);
    expect(shipped.filter((f) => !f.startsWith('out/') && f !== 'package.json')).toEqual([]);
  });
});
