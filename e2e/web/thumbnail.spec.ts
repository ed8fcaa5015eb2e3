import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';
import { createMachineViaWizard } from '../flows/create-machine';
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

/** Open thumbnail connections in the page: each has one hidden host element. */
const thumbnailConnections = (thumb: Locator): Promise<number> =>
  thumb.page().evaluate(() => document.querySelectorAll('[data-thumbnail-host]').length);

test('A running machine’s card shows a live thumbnail of its screen, connected only while the card is shown', async ({ page, webHost }) => {
  test.setTimeout(360_000);
  const name = `Thumb ${Math.random().toString(36).slice(2, 7)}`;
  await page.goto(webHost.url);
  await createMachineViaWizard(page, { name, iso: shellIso() });
  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);
  const start = card.getByRole('button', { name: 'Start', exact: true });
  if ((await start.isVisible()) && (await start.isEnabled())) await start.click();

  const thumb = card.getByTestId('thumbnail');
  await expect(thumb).toBeVisible({ timeout: 180_000 });
  await page.waitForTimeout(15_000);
  console.log('DIAG', await page.evaluate(() => [...document.querySelectorAll('[data-thumbnail-host] canvas')].map((c) => {
    const k = c as HTMLCanvasElement;
    const d = k.getContext('2d')?.getImageData(0, 0, k.width, k.height).data;
    let lit = 0;
    if (d) for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 60) lit += 1;
    return `${k.width}x${k.height} lit=${lit}`;
  })));
  await expect.poll(async () => (await thumbnailPixels(thumb)).lit, { timeout: 60_000 }).toBeGreaterThan(50);
  expect(await thumbnailConnections(thumb)).toBe(1);

  // Live: the boot goes on (firmware, boot loader, iPXE, a blinking cursor), and the picture follows.
  const first = (await thumbnailPixels(thumb)).print;
  await expect.poll(async () => (await thumbnailPixels(thumb)).print !== first, { timeout: 120_000 }).toBe(true);
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: test.info().outputPath('card.png') });
  await saveScreenshot(page, 'machine-card-thumbnail.png');

  // The card no longer shown (another page of the app): its connection is closed.
  await card.getByRole('button', { name: 'Details and logs' }).click();
  await expect(card).toBeHidden();
  await expect.poll(() => page.evaluate(() => document.querySelectorAll('[data-thumbnail-host]').length)).toBe(0);
});
