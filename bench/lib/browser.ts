import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

export interface AttachedUi {
  close(): Promise<void>;
}

/**
 * The app as a user has it open: Debian's Chromium (as the e2e tests run it) on the machine list (the
 * main window) and, in a second tab, the screen of machine `screenId`, connected.
 */
export async function attachUi(
  origin: string,
  token: string,
  listShows: string,
  screenId: string,
): Promise<AttachedUi> {
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const main = await context.newPage();
    await main.goto(`${origin}/?token=${token}`);
    await main.getByText(listShows).first().waitFor({ timeout: 60_000 });
    // A tab of its own has its own sessionStorage: it gets the token in its address too.
    const screen = await context.newPage();
    await screen.goto(`${origin}/?token=${token}#/screen/${screenId}`);
    await screen.locator('[data-screen-state="connected"]').waitFor({ timeout: 120_000 });
  } catch (err) {
    await browser.close();
    throw err;
  }
  return { close: () => browser.close() };
}
