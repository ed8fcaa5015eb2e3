import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';

/**
 * Screenshots taken under test. They go to e2e/.artifacts/screenshots; with PORTHOLE_SCREENSHOTS=1
 * they also refresh the ones the README and docs show (docs/screenshots).
 */
export async function saveScreenshot(page: Page, name: string, of?: Locator): Promise<void> {
  const dirs = [join('e2e', '.artifacts', 'screenshots')];
  if (process.env.PORTHOLE_SCREENSHOTS === '1') dirs.push(join('docs', 'screenshots'));
  for (const dir of dirs) {
    await mkdir(dir, { recursive: true });
    // `of`: only that part of the page (what is worth showing, without unrelated banners).
    await (of ?? page).screenshot({ path: join(dir, name) });
  }
}
