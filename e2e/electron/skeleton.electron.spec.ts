// The walking skeleton in the desktop app: the same flow as e2e/web/skeleton.spec.ts, through Electron.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { _electron as electron, test } from '@playwright/test';
import { skeletonFlow } from '../flows/skeleton';
import { displayAvailable, electronBinaryAvailable, electronBinaryPath, projectRoot } from './electron-binary';

const run = promisify(execFile);
const NO_BINARY =
  'No Electron binary on this machine: the electron package downloads it from GitHub on first launch, ' +
  'and this machine could not (no internet). The same flow runs in Chromium through the web host (e2e/web/skeleton.spec.ts).';
const NO_DISPLAY = 'No display for Electron windows: run the electron project under xvfb-run.';

test.skip(!electronBinaryAvailable(), NO_BINARY);
test.skip(!displayAvailable(), NO_DISPLAY);
if (!electronBinaryAvailable()) console.log(`[electron] skipped: ${NO_BINARY}`);
else if (!displayAvailable()) console.log(`[electron] skipped: ${NO_DISPLAY}`);

test('Start in the desktop app -> real engine -> real QEMU -> the framebuffer -> Stop keeps the disk', async () => {
  const home = await mkdtemp(join(tmpdir(), 'porthole-electron-skeleton-'));
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  delete env.ELECTRON_RUN_AS_NODE;
  const dataDir = join(home, 'data');
  const app = await electron.launch({
    executablePath: electronBinaryPath()!,
    args: [projectRoot, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: {
      ...env,
      PORTHOLE_CONFIG_DIR: join(home, 'config'),
      PORTHOLE_DATA_DIR: dataDir,
      XDG_CONFIG_HOME: join(home, 'xdg'),
    },
  });
  const made: string[] = [];
  try {
    const page = await app.firstWindow();
    await skeletonFlow(page, {
      dataDir,
      track: (id) => made.push(id),
      home: async () => {
        await page.evaluate(() => {
          (globalThis as unknown as { location: { hash: string } }).location.hash = '#/';
        });
      },
    });
  } finally {
    await app.evaluate(({ app: electronApp }) => electronApp.exit(0)).catch(() => undefined);
    for (const id of made) {
      const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.porthole.machine=${id}`]);
      const ids = stdout.trim().split('\n').filter(Boolean);
      if (ids.length) await run('docker', ['rm', '-f', ...ids]);
    }
    await rm(home, { recursive: true, force: true });
  }
});
