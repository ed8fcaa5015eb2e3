// From the first page to "Installing Windows" in two clicks at most, as a new user on a ready host:
// the empty list's one primary action creates and starts a machine with the wizard's defaults.
// Every click the test makes goes through `click()` below, which counts it.
import type { Locator } from '@playwright/test';
import { expect, standinImage, startWebHost, test, tileMenu } from './fixtures';
import { saveScreenshot } from './screenshots';

const MAX_CLICKS = 2;

test("Install Windows in two clicks: the empty list's primary action, the generated password shown on request", async ({
  page,
}) => {
  test.setTimeout(300_000);
  // The stand-in image as the default image: no download from Docker Hub, everything else as a user has it.
  const { host, stop } = await startWebHost({ PORTHOLE_DEFAULT_IMAGE: standinImage() });
  try {
    let clicks = 0;
    const click = async (target: Locator): Promise<void> => {
      clicks += 1;
      await target.click();
    };

    await page.goto(host.url);
    // A newcomer first sees what this computer can do (check/first-run.ts): one click on to the list.
    const install = page.getByRole('button', { name: /^Install Windows 11/ });
    const onward = page.getByRole('button', { name: 'Continue', exact: true });
    await expect(install.or(onward)).toBeVisible({ timeout: 30_000 });
    if (await onward.isVisible()) await click(onward);
    await expect(install).toBeEnabled({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Customize…' })).toBeVisible();
    await saveScreenshot(page, 'quick-install.png');
    await click(install);

    const card = page.locator('article.machine-card', { hasText: 'Windows 11' });
    await expect(card).toBeVisible({ timeout: 30_000 });
    const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
    host.track(id);
    await expect(card.getByTestId('phase')).toHaveText('Installing Windows', { timeout: 240_000 });
    expect(clicks, `clicks from the first page to "Installing Windows"`).toBeLessThanOrEqual(MAX_CLICKS);

    // The password, on the machine's page: generated (never the image's `admin`), hidden until revealed.
    await tileMenu(card, 'Details and logs');
    const overview = page.getByTestId('machine-page');
    const value = overview.getByTestId('password-value');
    await expect(value).not.toHaveText(/[A-Za-z0-9]{20}/);
    await click(overview.getByRole('button', { name: 'Show password' }));
    await expect(value).toHaveText(/^[A-Za-z0-9]{20}$/);
    await saveScreenshot(page, 'password-shown.png');
    const shown = (await value.textContent())!;
    expect(shown).not.toBe('admin');
    await click(overview.getByRole('button', { name: 'Hide password' }));
    await expect(value).not.toHaveText(shown);
  } finally {
    await stop();
  }
});
