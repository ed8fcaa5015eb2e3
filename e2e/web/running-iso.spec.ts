import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, standinImage, test } from './fixtures';
import { saveScreenshot } from './screenshots';

const exec = promisify(execFile);

// The test ISO is iPXE, not Windows setup media (the wizard says so too): the card, the screen and the CLI
// must say "Running from ISO", never "Installing Windows". Software emulation: the same on any host.
test('a machine booting an ISO that is not Windows setup says "Running from ISO" on its card and its screen', async ({
  page,
  webHost,
}) => {
  const iso = process.env.PORTHOLE_TEST_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_ISO is not set: the Playwright global setup makes the test ISO.');
  const name = `Live ${Math.random().toString(36).slice(2, 7)}`;
  const cli = (args: string[]) =>
    exec(process.execPath, [resolve('out/node/cli.js'), ...args], {
      env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir },
    });
  const { stdout } = await cli([
    'create',
    '--name',
    name,
    '--image',
    standinImage(),
    '--ram',
    '2',
    '--cpus',
    '1',
    '--no-kvm',
    '--iso',
    iso,
    '--json',
  ]);
  const id = (JSON.parse(stdout) as { id: string }).id;
  webHost.track(id);

  await page.goto(webHost.url);
  const card = page.getByTestId(`machine-${id}`);
  await card.getByRole('button', { name: 'Start' }).click();
  await expect(card).toHaveAttribute('data-phase', 'running-iso', { timeout: 120_000 });
  await expect(card.getByTestId('phase')).toHaveText('Running from ISO');
  await expect(card).not.toContainText('Installing');
  await saveScreenshot(page, 'running-iso-card.png');

  const { stdout: listed } = await cli(['machines']);
  expect(listed).toMatch(new RegExp(`^${id}\\s.*\\srunning from ISO\\s`, 'm'));

  await card.getByRole('button', { name: 'Show screen' }).click();
  await expect(page.getByText('Running from ISO').first()).toBeVisible();
});
