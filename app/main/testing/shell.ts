// A real Shell (shell.ts) around a fake backend, for the unit tests of the parts that use it; the test file
// mocks 'electron' with fake-electron.ts. Its settings go to a fresh folder under `dir`.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../../core/backend-types';
import { pageLocation } from '../page';
import { createShell, type Shell } from '../shell';
import { DesktopPrefs } from '../window-state';

export const TEST_LOCATION = pageLocation({
  indexFile: '/opt/Porthole/out/renderer/index.html',
  isPackaged: true,
  env: {},
});

export async function testShell(
  backend: Backend,
  dir: string,
  opts: { trayHostPresent?: boolean } = {},
): Promise<Shell> {
  const prefs = new DesktopPrefs(await mkdtemp(join(dir, 'config-')));
  await prefs.load();
  return createShell({
    backend,
    prefs,
    trayHostPresent: opts.trayHostPresent ?? false,
    location: TEST_LOCATION,
    preload: '/opt/Porthole/out/preload/index.cjs',
    icon: '/opt/Porthole/icons/app.png',
  });
}
