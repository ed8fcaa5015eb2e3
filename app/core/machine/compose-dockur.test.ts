import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromCompose } from './compose-import';

/**
 * dockur's README compose variants (fixtures/dockur, written in Porthole's own words), each read as
 * `porthole import` reads it from the folder /home/ada/compose: the settings and the warnings must
 * stay exactly as in its .golden.json. A change here is a change in what users coming from dockur get.
 */
const FIXTURES = join(__dirname, 'fixtures', 'dockur');
const BASE_DIR = '/home/ada/compose';

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.yml'));

describe('dockur compose files import to the expected settings', () => {
  it('has every variant', () => {
    expect(files.sort()).toEqual([
      'account.yml',
      'basic.yml',
      'custom-iso.yml',
      'docker-run.yml',
      'shared-folders.yml',
      'sizes.yml',
    ]);
  });

  for (const file of files) {
    it(file, () => {
      const result = fromCompose(readFileSync(join(FIXTURES, file), 'utf8'), {
        baseDir: BASE_DIR,
        homeDir: '/home/ada',
      });
      const golden: unknown = JSON.parse(readFileSync(join(FIXTURES, file.replace(/\.yml$/, '.golden.json')), 'utf8'));
      expect(result).toEqual(golden);
    });
  }
});
