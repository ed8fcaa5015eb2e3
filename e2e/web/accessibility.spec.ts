// Every route and dialog, in light and dark, checked by axe-core: no violation of impact serious or critical.
// One machine (the test ISO's boot text on its screen) walks through all of them; the same walk writes the
// README's screenshots (docs/screenshots with PORTHOLE_SCREENSHOTS=1), so the README shows today's app.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createMachineViaWizard } from '../flows/create-machine';
import { shellIso } from './screen-ocr';
import { saveScreenshot } from './screenshots';

type Theme = 'light' | 'dark';
const THEMES: Theme[] = ['light', 'dark'];

/** axe on what the page shows now: the serious and critical violations, each with where it is. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1, 3).join(' ')}`).join('\n')}`,
    );
  expect.soft(bad, `axe on ${where}`).toEqual([]);
}

/** The focus ring of the focused control: its width, and its contrast with what is around it (the panel behind it). */
async function focusRing(page: Page): Promise<{ width: number; contrast: number }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map(Number);
    const lum = (c: number[]): number => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    // The first ancestor with a background of its own: what the ring (outside the control) is drawn on.
    let behind: HTMLElement | null = el.parentElement;
    while (behind && getComputedStyle(behind).backgroundColor.replace(/\s/g, '') === 'rgba(0,0,0,0)')
      behind = behind.parentElement;
    const ring = lum(rgb(style.outlineColor));
    const back = lum(rgb(behind ? getComputedStyle(behind).backgroundColor : 'rgb(255,255,255)'));
    const contrast = (Math.max(ring, back) + 0.05) / (Math.min(ring, back) + 0.05);
    return { width: style.outlineStyle === 'none' ? 0 : Number.parseFloat(style.outlineWidth), contrast };
  });
}

async function openMenu(button: Locator): Promise<Locator> {
  await button.click();
  const menu = button.page().getByRole('menu');
  await expect(menu).toBeVisible();
  return menu;
}

test('every route and dialog passes axe-core (serious, critical) in light and dark; the README screenshots come from this walk', async ({
  page,
  webHost,
}) => {
  test.setTimeout(600_000);
  const started = Date.now();
  const name = `Access ${Math.random().toString(36).slice(2, 7)}`;
  await page.goto(webHost.url);
  const id = await createMachineViaWizard(page, { name, iso: shellIso() });
  webHost.track(id);
  const tile = page.getByTestId(`machine-${id}`);
  // The live picture fills the tile's top; a click on it opens the screen.
  await expect(tile.getByTestId('thumbnail')).toBeVisible({ timeout: 180_000 });
  // Controls of the tile: the picture, one primary action and the menu, each carrying the machine's name.
  await expect(tile.getByRole('button', { name: `Show screen ${name}` })).toBeVisible();
  expect(await tile.getByRole('button').count()).toBeLessThanOrEqual(3);
  await tile.getByRole('button', { name: `Open the screen of ${name}` }).click();
  await expect(page).toHaveURL(new RegExp(`#/screen/${id}$`));
  await expect(page.getByTestId('screen')).toHaveAttribute('data-screen-state', 'connected', { timeout: 60_000 });
  await page.goto(`${webHost.url}#/`);
  // Enter on the focused picture opens it too.
  await tile.getByRole('button', { name: `Open the screen of ${name}` }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/screen/${id}$`));
  await page.goto(`${webHost.url}#/`);

  // The top bar holds on one line at 800 px: the brand, New machine and the menu, all at one height.
  await page.setViewportSize({ width: 800, height: 600 });
  const bar = page.locator('header.topbar');
  expect((await bar.boundingBox())!.height).toBeLessThan(60);
  await page.setViewportSize({ width: 1280, height: 800 });
  // Old links lead to the machine's one home.
  await page.goto(`${webHost.url}#/machine/${id}`);
  await expect(page).toHaveURL(new RegExp(`#/machines/${id}/settings$`));
  await page.goto(`${webHost.url}#/apps/${id}`);
  await expect(page).toHaveURL(new RegExp(`#/machines/${id}/apps$`));

  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    const check = (where: string): Promise<void> => expectAccessible(page, `${where} (${theme})`);

    // The list, with its menus open.
    await page.goto(`${webHost.url}#/`);
    await expect(tile.getByTestId('thumbnail')).toBeVisible();
    await check('the list');
    // The focus ring, reached by the keyboard: at least 2 px, 3:1 against what is around it, on the blue button too.
    for (const control of [
      page.getByRole('button', { name: 'New machine' }),
      tile.getByRole('button', { name: `Show screen ${name}` }),
      tile.getByRole('button', { name: `More for ${name}` }),
    ]) {
      await control.focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await focusRing(page);
      expect.soft(ring.width, `focus ring width (${theme})`).toBeGreaterThanOrEqual(2);
      expect.soft(ring.contrast, `focus ring contrast (${theme})`).toBeGreaterThanOrEqual(3);
    }
    await openMenu(tile.getByRole('button', { name: `More for ${name}` }));
    await check('a tile’s menu');
    await page.keyboard.press('Escape');
    await openMenu(page.getByTestId('main-menu'));
    await check('the main menu');
    await page.keyboard.press('Escape');

    // The import dialog: a file that is not a compose file, refused.
    const broken = join(webHost.dataDir, `broken-${theme}.yml`);
    await writeFile(broken, 'services:\n  windows: [image\n');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      (await openMenu(page.getByTestId('main-menu')))
        .getByRole('menuitem', { name: 'Import a dockur compose file…' })
        .click(),
    ]);
    await chooser.setFiles(broken);
    const refused = page.getByRole('dialog', { name: `broken-${theme}.yml was not imported` });
    await expect(refused).toBeVisible();
    await check('the import dialog');
    await refused.getByRole('button', { name: 'Close' }).click();

    // The delete dialog, opened from the tile's menu, then cancelled.
    await (
      await openMenu(tile.getByRole('button', { name: `More for ${name}` }))
    )
      .getByRole('menuitem', { name: 'Delete…' })
      .click();
    const deleting = page.getByRole('dialog');
    await expect(deleting).toBeVisible();
    await check('the delete dialog');
    await deleting.getByRole('button', { name: 'Cancel' }).click();
    await expect(deleting).toBeHidden();

    // The checklist and Porthole's log.
    await page.goto(`${webHost.url}#/check`);
    await expect(page.getByRole('button', { name: /Check again/ })).toBeVisible({ timeout: 30_000 });
    await check('the checklist');
    await page.goto(`${webHost.url}#/app-log`);
    await expect(page.getByTestId('app-log-lines')).toBeVisible();
    await check('Porthole’s log');

    // Each wizard step.
    await page.goto(`${webHost.url}#/new`);
    const wizard = page.getByRole('form', { name: 'New machine' });
    await expect(wizard).toBeVisible();
    // Step by step as far as the defaults go (a step whose field needs an answer here, e.g. the consent to software
    // emulation on a host without KVM, holds the walk on it: that step is checked showing its error).
    for (let step = 1; step <= 5; step += 1) {
      await check(`the wizard, step ${step}`);
      const next = wizard.getByRole('button', { name: 'Next', exact: true });
      if (step < 5 && (await next.isVisible())) await next.click();
    }

    // Each tab of the machine's page.
    for (const tab of ['overview', 'logs', 'graphs', 'snapshots', 'apps', 'settings']) {
      await page.goto(`${webHost.url}#/machines/${id}/${tab}`);
      await expect(page.getByRole('tab', { name: new RegExp(`^${tab}$`, 'i'), selected: true })).toBeVisible();
      await page.waitForTimeout(300);
      await check(`the machine page, ${tab}`);
    }

    // The screen.
    await page.goto(`${webHost.url}#/screen/${id}`);
    await expect(page.getByTestId('screen')).toHaveAttribute('data-screen-state', 'connected', { timeout: 60_000 });
    await check('the screen');
  }

  // --- The README's pictures: the list, the screen and the machine page at 1280×800, 800×600 and in dark. -----
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of [
      { width: 1280, height: 800 },
      { width: 800, height: 600 },
    ]) {
      if (theme === 'dark' && size.width === 800) continue;
      await page.setViewportSize(size);
      const tag = `${theme === 'dark' ? '-dark' : ''}${size.width === 800 ? '-800' : ''}`;
      await page.goto(`${webHost.url}#/`);
      await expect(tile.getByTestId('thumbnail')).toBeVisible();
      await page.waitForTimeout(1500);
      await page.mouse.move(0, 0);
      await saveScreenshot(page, `main-window${tag}.png`);
      await page.goto(`${webHost.url}#/machines/${id}/overview`);
      await expect(page.getByTestId('machine-page').getByTestId('thumbnail')).toBeVisible();
      await page.waitForTimeout(1500);
      await saveScreenshot(page, `machine-page${tag}.png`);
      await page.goto(`${webHost.url}#/screen/${id}`);
      await expect(page.getByTestId('screen')).toHaveAttribute('data-screen-state', 'connected', { timeout: 60_000 });
      await page.waitForTimeout(1500);
      await saveScreenshot(page, `screen${tag}.png`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });

  // --- Stopped: the tile keeps the last frame, dimmed; the snapshot restore dialog. -----------------------------
  await page.goto(`${webHost.url}#/`);
  await (
    await openMenu(tile.getByRole('button', { name: `More for ${name}` }))
  )
    .getByRole('menuitem', { name: 'Shut down' })
    .click();
  await expect(tile).toHaveAttribute('data-phase', 'stopped', { timeout: 120_000 });
  await expect(tile.getByTestId('last-frame')).toBeVisible({ timeout: 10_000 });
  await expect(tile.getByRole('button', { name: `Start ${name}` })).toBeVisible();
  await saveScreenshot(page, 'machine-stopped.png', tile);
  await page.goto(`${webHost.url}#/machines/${id}/snapshots`);
  const panel = page.getByTestId('snapshots-panel');
  await panel.getByRole('textbox', { name: 'Snapshot name' }).fill('Clean');
  await panel.getByRole('button', { name: 'Take snapshot' }).click();
  const row = panel.getByTestId('snapshot-row').filter({ hasText: 'Clean' });
  await expect(row).toBeVisible({ timeout: 120_000 });
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(`${webHost.url}#/`);
    await expect(tile.getByTestId('last-frame')).toBeVisible();
    await expectAccessible(page, `the list with a stopped machine (${theme})`);
    await page.goto(`${webHost.url}#/machines/${id}/snapshots`);
    await row.getByRole('button', { name: 'Restore Clean' }).click();
    const confirm = page.getByTestId('snapshot-confirm');
    await expect(confirm).toBeVisible();
    await expectAccessible(page, `the snapshot restore dialog (${theme})`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
  }
  console.log(`accessibility walk: ${Math.round((Date.now() - started) / 1000)} s`);
});
