import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { chooseFromMenu, docker, expect, standinImage, test, tileMenu, type WebHostProcess } from './fixtures';
import { saveScreenshot } from './screenshots';

const exec = promisify(execFile);
/** The stand-in under dockur's own image name: what a compose file people already have names. */
const DOCKUR = 'dockurr/windows:porthole-standin';

/** What the web host's configuration holds, read through the CLI on the same configuration. */
async function machinesOf(webHost: WebHostProcess): Promise<{ id: string; name: string; storageDir?: string }[]> {
  const { stdout } = await exec(process.execPath, [resolve('out/node/cli.js'), 'machines', '--json'], {
    env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir },
  });
  return JSON.parse(stdout) as { id: string; name: string }[];
}

/** "Import a dockur compose file…" in the top bar's menu: the browser's file chooser, answered with an upload. */
async function upload(page: Page, file: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    chooseFromMenu(page.getByTestId('main-menu'), 'Import a dockur compose file…'),
  ]);
  await chooser.setFiles(file);
}

test('import a compose file by upload: a bad file is refused with a clear message and changes nothing; a good one makes the machine', async ({
  page,
  webHost,
}) => {
  test.setTimeout(180_000);
  const suffix = Math.random().toString(36).slice(2, 7);
  const root = join(webHost.dataDir, '..', 'compose');
  await mkdir(root, { recursive: true });
  await docker('tag', standinImage(), DOCKUR);
  await page.goto(webHost.url);
  // A newcomer first sees what this computer can do: one click on to the (empty) list.
  const empty = page.getByRole('button', { name: /^Install Windows 11/ });
  const onward = page.getByRole('button', { name: 'Continue', exact: true });
  await expect(empty.or(onward)).toBeVisible({ timeout: 30_000 });
  if (await onward.isVisible()) await onward.click();
  await expect(empty).toBeVisible();
  const before = await machinesOf(webHost);

  // Not YAML at all.
  const broken = join(root, 'broken.yml');
  await writeFile(broken, 'services:\n  windows: [image: dockurr/windows\n');
  await upload(page, broken);
  let dialog = page.getByRole('dialog', { name: 'broken.yml was not imported' });
  await expect(dialog.getByRole('alert')).toContainText('This is not a valid compose file');
  await expect(dialog.getByRole('alert')).toContainText('Check the file in a text editor.');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();

  // dockur's README file as it is: its ./windows folder means nothing for a file uploaded to the web host.
  const relative = join(root, 'relative.yml');
  await writeFile(
    relative,
    [
      'services:',
      '  windows:',
      `    image: ${DOCKUR}`,
      `    container_name: rel-${suffix}`,
      '    volumes:',
      '      - ./windows:/storage',
      '',
    ].join('\n'),
  );
  await upload(page, relative);
  dialog = page.getByRole('dialog', { name: 'relative.yml was not imported' });
  await expect(dialog.getByRole('alert')).toContainText('./windows');
  await saveScreenshot(page, 'compose-import-refused.png');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Nothing changed: no machine, no folder made for one.
  expect(await machinesOf(webHost)).toEqual(before);
  await expect(page.locator('.machine-card')).toHaveCount(before.length);
  expect(await readdir(root)).toEqual(['broken.yml', 'relative.yml']);

  // A good file: absolute storage folder, dockur's settings.
  const name = `Imported ${suffix}`;
  const storage = join(root, 'windows');
  const good = join(root, 'compose.yml');
  await writeFile(
    good,
    [
      'services:',
      '  windows:',
      `    image: ${DOCKUR}`,
      `    container_name: ${name.replace(' ', '-')}`,
      '    environment:',
      '      VERSION: "11"',
      '      RAM_SIZE: "2G"',
      '      CPU_CORES: "1"',
      '    volumes:',
      `      - ${storage}:/storage`,
      '',
    ].join('\n'),
  );
  await upload(page, good);
  dialog = page.getByRole('dialog', { name: 'Imported compose.yml' });
  await expect(dialog).toContainText(`Imported ${name.replace(' ', '-')}.`);
  await saveScreenshot(page, 'compose-import-done.png');
  await dialog.getByRole('button', { name: 'Close' }).click();
  const after = await machinesOf(webHost);
  expect(after).toHaveLength(before.length + 1);
  const made = after.find((m) => !before.some((b) => b.id === m.id))!;
  webHost.track(made.id);
  expect(made.name).toBe(name.replace(' ', '-'));
  const card = page.getByTestId(`machine-${made.id}`);
  await expect(card).toBeVisible();
  await expect(card.locator('h2')).toHaveText(made.name);

  // Its page knows where its Windows lives, and exports it back as a compose file (a download here).
  await tileMenu(card, 'Details and logs');
  await expect(page.getByTestId('machine-page')).toContainText(storage);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    chooseFromMenu(page.locator('.machine-page-header').getByTestId('machine-menu'), 'Export as compose file…'),
  ]);
  expect(download.suggestedFilename()).toBe(`${made.name}.compose.yml`);
});
