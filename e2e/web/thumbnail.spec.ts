import type { Locator, Page } from '@playwright/test';
import { chooseFromMenu, expect, test, tileMenu } from './fixtures';
import { createMachineViaWizard, expectStartingCard } from '../flows/create-machine';
import { saveScreenshot } from './screenshots';

/** The test ISO that boots to the `iPXE>` prompt by itself (made by the Playwright global setup). */
function shellIso(): string {
  const iso = process.env.PORTHOLE_TEST_SHELL_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_SHELL_ISO is not set: the Playwright global setup makes the test ISOs.');
  return iso;
}

/** The thumbnail's pixels: how many are not black, and a fingerprint to tell two frames apart. */
async function thumbnailPixels(thumb: Locator): Promise<{ lit: number; print: string }> {
  return thumb.evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! > 60) lit += 1;
    return { lit, print: canvas.toDataURL() };
  });
}

/** The page's websockets to a machine's VNC proxy, as the browser saw them open and close. */
function countScreenSockets(page: Page): { open(): number; opened(): number } {
  let opened = 0;
  let closed = 0;
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/websockify')) return;
    opened += 1;
    ws.on('close', () => (closed += 1));
  });
  return { open: () => opened - closed, opened: () => opened };
}

test('A running machine’s card shows a live thumbnail of its screen, from one connection, only while the card is shown', async ({
  page,
  webHost,
}) => {
  test.setTimeout(420_000);
  const sockets = countScreenSockets(page);
  const name = `Thumb ${Math.random().toString(36).slice(2, 7)}`;
  await page.goto(webHost.url);
  await createMachineViaWizard(page, { name, iso: shellIso() });
  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);
  await expectStartingCard(card);

  // The picture: the boot text of the VM (SeaBIOS, ISOLINUX, iPXE), light on black.
  const thumb = card.getByTestId('thumbnail');
  await expect(thumb).toBeVisible({ timeout: 180_000 });
  await expect.poll(async () => (await thumbnailPixels(thumb)).lit, { timeout: 120_000 }).toBeGreaterThan(50);
  await expect(thumb).toHaveAttribute('data-source', 'own');
  expect(sockets.open()).toBe(1);

  // --- The screen opened (here in a second tab; in the desktop app its own window) -------------------
  // It holds the machine's one connection: the card's own closes, and the card shows the screen's frames.
  const screenPage = await page.context().newPage();
  const screenSockets = countScreenSockets(screenPage);
  await screenPage.goto(`${webHost.url}#/screen/${id}`);
  await expect(screenPage.getByTestId('screen')).toHaveAttribute('data-screen-state', 'connected', { timeout: 60_000 });
  // Still shown itself (so what closed its connection is the screen, not a hidden page).
  expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
  await expect.poll(() => sockets.open(), { timeout: 10_000 }).toBe(0);
  expect(screenSockets.open()).toBe(1);
  // The card draws the screen's frames now (one a second): the text it shows before any key.
  await expect(thumb).toHaveAttribute('data-source', 'screen', { timeout: 10_000 });
  const beforeKeys = (await thumbnailPixels(thumb)).lit;
  await screenPage.locator('[data-testid="screen-canvas"] canvas').click();
  await screenPage.keyboard.type('echo thumbnails', { delay: 30 });
  // What was typed in the screen shows on the card, through the screen's connection: more light
  // pixels than a blinking cursor makes (a few).
  await expect
    .poll(async () => (await thumbnailPixels(thumb)).lit, { timeout: 30_000 })
    .toBeGreaterThan(beforeKeys + 20);
  expect(sockets.open()).toBe(0);
  expect(screenSockets.open()).toBe(1);

  // The screen closed: the card connects by itself again.
  const openedBefore = sockets.opened();
  await screenPage.close();
  await expect.poll(() => sockets.open(), { timeout: 30_000 }).toBe(1);
  expect(sockets.opened()).toBeGreaterThan(openedBefore);
  await expect(thumb).toHaveAttribute('data-source', 'own', { timeout: 30_000 });
  await expect.poll(async () => (await thumbnailPixels(thumb)).lit, { timeout: 30_000 }).toBeGreaterThan(50);
  await page.mouse.move(0, 0);
  await saveScreenshot(page, 'machine-card-thumbnail.png', page.locator('section.machine-list'));

  // --- None while hidden ----------------------------------------------------------------------------
  // Scrolled out of view: the connection closes; back in view: it opens again.
  await page.setViewportSize({ width: 1280, height: 90 });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(thumb).not.toBeInViewport();
  await expect.poll(() => sockets.open(), { timeout: 10_000 }).toBe(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect.poll(() => sockets.open(), { timeout: 10_000 }).toBe(1);

  // The machine's own page shows its picture too: the connection carries over, none is added.
  await expect(thumb).toBeInViewport();
  const openedOnList = sockets.opened();
  await tileMenu(card, 'Details and logs');
  const pageThumb = page.getByTestId('machine-page').getByTestId('thumbnail');
  await expect(pageThumb).toBeVisible();
  await expect.poll(async () => (await thumbnailPixels(pageThumb)).lit, { timeout: 10_000 }).toBeGreaterThan(50);
  expect(sockets.opened()).toBe(openedOnList);
  expect(sockets.open()).toBe(1);

  // Another page of the app, with no card: closed again, and nothing left behind.
  await chooseFromMenu(page.getByTestId('main-menu'), 'Check this computer');
  await expect(pageThumb).toBeHidden();
  await expect.poll(() => sockets.open(), { timeout: 10_000 }).toBe(0);
  expect(await page.evaluate(() => document.querySelectorAll('[data-thumbnail-host]').length)).toBe(0);
});
