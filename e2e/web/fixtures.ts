import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { forcedHostClass, realHostClass, testHostClass, type HostClass } from '../../app/core/testing/test-host';
import { testWebHostScript } from '../testbed/testbed';
import { instanceId } from '../../app/core/lifecycle/config-instance-id';
import { containerName } from '../../app/core/machine/spec';

const run = promisify(execFile);

export interface WebHostProcess {
  url: string;
  configDir: string;
  dataDir: string;
  child: ChildProcess;
  /** Machines whose containers the test made: removed at teardown. */
  track(id: string): void;
}

/**
 * Starts `node out/node/web.js` (what `npm run web` runs) on fresh config/data dirs. With `testHost` and
 * PORTHOLE_TEST_HOST set, the test web host instead, whose host checks see that class (e2e/testbed/web-host.ts).
 */
export async function startWebHost(
  extraEnv: NodeJS.ProcessEnv = {},
  { testHost = false }: { testHost?: boolean } = {},
): Promise<{ host: WebHostProcess; stop: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'porthole-e2e-'));
  const configDir = join(root, 'config');
  const dataDir = join(root, 'data');
  const entry = testHost && forcedHostClass({ ...process.env, ...extraEnv }) ? testWebHostScript : 'out/node/web.js';
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      PORTHOLE_CONFIG_DIR: configDir,
      PORTHOLE_DATA_DIR: dataDir,
      PORTHOLE_STATE_DIR: join(root, 'state'),
      PORTHOLE_CACHE_DIR: join(root, 'cache'),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`web host exited with ${code}: ${stderr}`)));
  });
  const tracked = new Set<string>();
  const host: WebHostProcess = { url, configDir, dataDir, child, track: (id) => tracked.add(id) };
  // Its end, whenever it comes: a web host that died during the test must not leave stop() waiting for an exit already past.
  let ended: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = `exit code ${code}, signal ${signal}`;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    const diedBefore = ended;
    let hung = false;
    if (!diedBefore) {
      child.kill('SIGTERM');
      // A web host that does not end on SIGTERM is a fault of its own, said below; killed so the test ends.
      const timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(timer);
    }
    for (const id of tracked) {
      const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.porthole.machine=${id}`]);
      const ids = stdout.trim().split('\n').filter(Boolean);
      if (ids.length) await run('docker', ['rm', '-f', ...ids]);
    }
    await rm(root, { recursive: true, force: true });
    if (diedBefore) throw new Error(`the web host died during the test (${diedBefore}): ${stderr.slice(-4000)}`);
    if (hung) throw new Error(`the web host did not end within 15 s of SIGTERM: ${stderr.slice(-4000)}`);
  };
  return { host, stop };
}

export const test = base.extend<{ webHost: WebHostProcess; testHost: boolean }>({
  /**
   * The web host's checks see the class PORTHOLE_TEST_HOST forces (specs about the checks and the wizard opt in with
   * `test.use({ testHost: true })`). Off, they see this machine, whose machines must really run.
   */
  testHost: [false, { option: true }],
  webHost: async ({ testHost }, use) => {
    const { host, stop } = await startWebHost({}, { testHost });
    await use(host);
    await stop();
  },
});
export { expect };

/** The host class a web host's checks see: with `testHost`, PORTHOLE_TEST_HOST's if set; else this machine's own. */
export function checkedHostClass(testHost: boolean): Promise<HostClass> {
  return testHost ? testHostClass() : realHostClass();
}

export function standinImage(): string {
  const image = process.env.PORTHOLE_STANDIN_IMAGE;
  if (!image)
    throw new Error('PORTHOLE_STANDIN_IMAGE is not set: the Playwright global setup builds the stand-in image.');
  return image;
}

/**
 * The container Porthole made for machine `id`, by its label (its name carries the configuration's
 * instance id). The tests' machine ids end in random letters, so one engine holds one of each.
 */
export async function containerOf(id: string): Promise<string> {
  const found = (await docker('ps', '-aq', '--no-trunc', '--filter', `label=io.porthole.machine=${id}`))
    .split('\n')
    .find(Boolean);
  if (!found) throw new Error(`There is no container for the machine ${id}.`);
  return found;
}

/** The name of the container the configuration in `configDir` makes for machine `id`, before it exists. */
export function containerNameIn(configDir: string, id: string): string {
  return containerName(id, instanceId(configDir));
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Pixels of the noVNC canvas: how many are not black, and a hash to tell frames apart. */
export async function canvasSample(page: Page): Promise<{ width: number; height: number; lit: number; hash: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="screen-canvas"] canvas');
    if (!canvas || canvas.width === 0) return { width: 0, height: 0, lit: 0, hash: 0 };
    const ctx = canvas.getContext('2d');
    if (!ctx) return { width: canvas.width, height: canvas.height, lit: 0, hash: 0 };
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let lit = 0;
    let hash = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = data[i]! + data[i + 1]! + data[i + 2]!;
      if (v > 30) lit += 1;
      hash = (hash * 31 + v) | 0;
    }
    return { width: canvas.width, height: canvas.height, lit, hash };
  });
}

/** Chooses `item` in a menu (a tile's, the machine page's or the top bar's), opened from its button. */
export async function chooseFromMenu(menuButton: Locator, item: string): Promise<void> {
  await menuButton.click();
  await menuButton.page().getByRole('menu').getByRole('menuitem', { name: item, exact: true }).click();
}

/** Chooses `item` in a machine tile's menu ("Settings", "Shut down", "Details and logs", …). */
export async function tileMenu(tile: Locator, item: string): Promise<void> {
  await chooseFromMenu(tile.getByTestId('machine-menu'), item);
}
