// The desktop app itself, through Playwright's Electron driver: the window, the tray (through the
// test hook that clicks the built menu item), single instance, and a file path crossing to main.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { TestHooks } from '../../app/main/test-hooks';
import type { PortholeBridge } from '../../app/api';
import { displayAvailable, electronBinaryAvailable, electronBinaryPath, projectRoot } from './electron-binary';

const binary = electronBinaryPath();
const NO_BINARY =
  'No Electron binary on this machine: the electron package downloads it from GitHub on first launch, ' +
  'and this machine could not (no internet). These tests run wherever `npm start` works; ' +
  'the same UI is tested in a browser by the web project.';
const NO_DISPLAY = 'No display for Electron windows: run the electron project under xvfb-run.';

test.skip(!electronBinaryAvailable(), NO_BINARY);
test.skip(!displayAvailable(), NO_DISPLAY);
// The list reporter shows no skip reasons: say it once where people look.
if (!electronBinaryAvailable()) console.log(`[electron] skipped: ${NO_BINARY}`);
else if (!displayAvailable()) console.log(`[electron] skipped: ${NO_DISPLAY}`);

// Chromium will not run its sandbox as root (containers, CI); the renderer stays isolated.
const ROOT_ARGS = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
const HOOKS = '__portholeTestHooks';

/** The page's globals these tests touch (this file is type-checked without the DOM library). */
interface PageGlobals {
  porthole: PortholeBridge;
  require?: unknown;
  process?: unknown;
  document: {
    createElement(tag: 'input'): { type: string; id: string };
    body: { append(node: unknown): void };
    getElementById(id: string): { files: File[] };
  };
}

let home: string;
let app: ElectronApplication;
let page: Page;

function env(): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  delete base.ELECTRON_RUN_AS_NODE;
  return {
    ...base,
    PORTHOLE_TEST_HOOKS: '1',
    // A Porthole of its own: its settings, its machines, its single-instance lock.
    PORTHOLE_CONFIG_DIR: join(home, 'config', 'porthole'),
    PORTHOLE_DATA_DIR: join(home, 'data', 'porthole'),
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
  };
}

async function hooks<R>(fn: (hooks: TestHooks) => R): Promise<R> {
  return app.evaluate(
    (_electron, [key, source]) => {
      const h = (globalThis as unknown as Record<string, TestHooks>)[key]!;
      return (new Function('hooks', `return (${source})(hooks)`) as (h: TestHooks) => R)(h);
    },
    [HOOKS, fn.toString()] as const,
  );
}

test.beforeAll(() => {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
  if (outputs.every((p) => existsSync(join(projectRoot, p)))) return;
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: projectRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('electron-vite build failed; see above.');
});

test.beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'porthole-electron-'));
  app = await electron.launch({ executablePath: binary!, args: [projectRoot, ...ROOT_ARGS], env: env() });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterEach(async () => {
  await app?.evaluate(({ app: electronApp }) => electronApp.exit(0)).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test('the main window opens on our page, isolated, with window.porthole', async () => {
  await expect(page).toHaveTitle(/Porthole/);
  expect(page.url()).toMatch(/\/out\/renderer\/index\.html#\/$/);
  const seen = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    return {
      listMachines: typeof w.porthole.listMachines,
      subscribe: typeof w.porthole.subscribe,
      ipcRenderer: typeof (w.porthole as unknown as Record<string, unknown>).ipcRenderer,
      // No Node in the page: nodeIntegration off, context isolation on.
      require: typeof w.require,
      process: typeof w.process,
    };
  });
  expect(seen).toEqual({
    listMachines: 'function',
    subscribe: 'function',
    ipcRenderer: 'undefined',
    require: 'undefined',
    process: 'undefined',
  });
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('the tray’s Open Porthole brings the hidden window back', async () => {
  expect(await hooks((h) => h.trayItemIds())).toEqual(expect.arrayContaining(['open', 'quit']));
  await hooks((h) => h.hideMainWindow());
  expect(await hooks((h) => h.mainWindowVisible())).toBe(false);
  expect(await hooks((h) => h.clickTrayItem('open'))).toBe(true);
  await expect.poll(() => hooks((h) => h.mainWindowVisible())).toBe(true);
});

test('a second Porthole hands over to the first, which comes to the front', async () => {
  await hooks((h) => h.hideMainWindow());
  const second = spawn(binary!, [projectRoot, ...ROOT_ARGS], { env: env(), stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
  expect(code).toBe(0);
  await expect.poll(() => hooks((h) => h.secondInstances.length)).toBe(1);
  await expect.poll(() => hooks((h) => h.mainWindowVisible())).toBe(true);
});

test('the path of a dropped or picked ISO reaches the main process', async () => {
  const iso = join(home, 'Windows 11 custom.iso');
  await writeFile(iso, Buffer.alloc(64 * 1024));
  await page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'porthole-e2e-iso';
    document.body.append(input);
  });
  await page.setInputFiles('#porthole-e2e-iso', iso);
  const path = await page.evaluate(async () => {
    const { document, porthole } = globalThis as unknown as PageGlobals;
    const file = document.getElementById('porthole-e2e-iso').files[0]!;
    const found = porthole.pathForFile(file);
    // What the drop handler does with it: ask main to check the ISO (too small here: refused).
    await porthole.inspectIso({ path: found }).catch(() => undefined);
    return found;
  });
  expect(path).toBe(iso);
  const calls = await hooks((h) => h.calls);
  expect(calls).toContainEqual({ action: 'inspectIso', request: { path: iso } });
});
