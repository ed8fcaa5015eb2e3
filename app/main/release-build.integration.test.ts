// A release build (`npm run dist` sets PORTHOLE_RELEASE=1) ships without the end-to-end test hooks:
// built for real with electron-vite into a temporary folder, then read.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_HOOKS_GLOBAL } from './test-hooks';

const run = promisify(execFile);
const electronVite = join(process.cwd(), 'node_modules', '.bin', 'electron-vite');

async function buildMain(release: boolean, out: string): Promise<string> {
  await run(electronVite, ['build'], {
    env: { ...process.env, PORTHOLE_BUILD_OUT: out, PORTHOLE_RELEASE: release ? '1' : '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return readFile(join(out, 'main', 'index.js'), 'utf8');
}

describe('release build', () => {
  let dir: string;
  let release: string;
  let development: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-release-'));
    [release, development] = [await buildMain(true, join(dir, 'release')), await buildMain(false, join(dir, 'dev'))];
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves the test hooks out of the main bundle', () => {
    expect(release).not.toContain(TEST_HOOKS_GLOBAL);
    expect(release).not.toContain('PORTHOLE_TEST_HOOKS');
    // The same app otherwise: the IPC sender check is in both.
    expect(release).toContain('senderCheck');
  });

  it('keeps them in a development build, where the Electron tests switch them on', () => {
    expect(development).toContain(TEST_HOOKS_GLOBAL);
    expect(development).toContain('PORTHOLE_TEST_HOOKS');
  });
});
