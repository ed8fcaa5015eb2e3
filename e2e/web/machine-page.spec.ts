import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chooseFromMenu, docker, expect, standinImage, test, tileMenu } from './fixtures';
import { saveScreenshot } from './screenshots';

const exec = promisify(execFile);
/** The stand-in under the name people's own dockur containers carry: what adoption looks for. */
const DOCKUR = 'dockurr/windows:porthole-standin';

test('the machine page: adopt a hand-made container, follow the log live, search it, export compose', async ({
  page,
  webHost,
}) => {
  test.setTimeout(300_000);
  const suffix = Math.random().toString(36).slice(2, 7);
  // A machine the app knows (made with the CLI on the same configuration), software emulation.
  const { stdout } = await exec(
    process.execPath,
    [
      resolve('out/node/cli.js'),
      'create',
      '--name',
      `Page ${suffix}`,
      '--image',
      standinImage(),
      '--ram',
      '2',
      '--cpus',
      '1',
      '--no-kvm',
      '--json',
    ],
    { env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir } },
  );
  const id = (JSON.parse(stdout) as { id: string }).id;
  webHost.track(id);

  // A container someone made by hand from dockur's image, never started.
  const handMade = `handmade-${suffix}`;
  const storage = join(webHost.dataDir, '..', 'handmade');
  await mkdir(storage, { recursive: true });
  await docker('tag', standinImage(), DOCKUR);
  await docker('create', '--name', handMade, '-e', 'KVM=N', '-v', `${storage}:/storage`, DOCKUR);
  try {
    await page.goto(webHost.url);
    const banner = page.getByTestId('adoption-banner');
    await expect(banner).toContainText(/Found \d+ Windows containers? Porthole did not create/);
    await expect(banner).toContainText('it stays as it is until the next start here replaces it');
    await banner.getByRole('button', { name: `Adopt ${handMade}` }).click();
    await expect(page.getByTestId('adoption-result')).toContainText(`Adopted ${handMade} as`);
    await expect(page.locator('.machine-card h2', { hasText: handMade })).toBeVisible();

    // The tile leads to the machine's page; start it from the page's header, then read the log live.
    const card = page.getByTestId(`machine-${id}`);
    await tileMenu(card, 'Details and logs');
    await expect(page.getByTestId('machine-page')).toBeVisible();
    await expect(page.getByRole('tab', { selected: true })).toHaveText('Overview');
    await page
      .locator('.machine-page-header')
      .getByRole('button', { name: /^Start / })
      .click();
    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect(page).toHaveURL(new RegExp(`#/machines/${id}/logs$`));
    const view = page.getByTestId('log-view');
    // The stand-in's ❯ lines arrive while the page is open (the container started after it opened).
    await expect(view.locator('[data-kind="image"]', { hasText: 'Booting Windows' })).toBeVisible({ timeout: 120_000 });
    await expect(view.locator('[data-kind="phase"]').first()).toBeVisible({ timeout: 60_000 });
    await expect(view.locator('[data-kind="image"]', { hasText: 'Windows started successfully' })).toBeVisible({
      timeout: 120_000,
    });
    await saveScreenshot(page, 'machine-logs.png');

    // Search keeps the matching lines only.
    await page.getByLabel('Search the log').fill('booting windows');
    await expect(page.getByTestId('log-count')).toContainText('matching of');
    const shown = await view.locator('.log-line').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    for (const line of shown) expect(line.toLowerCase()).toMatch(/booting.*windows|windows.*booting/);

    // Export as compose, from the page header's menu: a download in the web host.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      chooseFromMenu(page.locator('.machine-page-header').getByTestId('machine-menu'), 'Export as compose file…'),
    ]);
    expect(download.suggestedFilename()).toBe(`Page-${suffix}.compose.yml`);
    const yaml = await readFile((await download.path())!, 'utf8');
    expect(yaml).toContain('services:');
    expect(yaml).toContain(standinImage());
    await expect(page.getByRole('status').filter({ hasText: 'It holds the Windows password' })).toBeVisible();
  } finally {
    await docker('rm', '-f', handMade).catch(() => undefined);
  }
});
