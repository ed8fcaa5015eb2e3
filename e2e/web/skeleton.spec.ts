import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canvasSample, docker, expect, standinImage, test } from './fixtures';
import { saveScreenshot } from './screenshots';

test('Start in the UI -> real engine -> real QEMU -> the VM framebuffer in the screen view -> Stop keeps the disk', async ({ page, webHost }) => {
  const name = `Skeleton ${Math.random().toString(36).slice(2, 7)}`;
  await page.goto(webHost.url);
  await page.getByRole('button', { name: 'New machine' }).first().click();
  const form = page.getByRole('form', { name: 'New machine' });
  await form.getByLabel('Name').fill(name);
  await form.getByText('Advanced').click();
  await form.getByLabel('Container image').fill(standinImage());
  await form.getByLabel(/software emulation/).check();
  await form.getByRole('button', { name: 'Create' }).click();

  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);

  await card.getByRole('button', { name: 'Start' }).click();
  // The image's own preparation message, live from its /status socket.
  await expect(card.getByTestId('message')).toHaveText(/\.\.\.$/);
  await expect(card).toHaveAttribute('data-phase', 'preparing');

  await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled();
  await card.getByRole('button', { name: 'Show screen' }).click();
  const screen = page.getByTestId('screen');
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 120_000 });

  // A real framebuffer: not blank, and it changes as the VM boots.
  await expect.poll(async () => (await canvasSample(page)).lit, { timeout: 60_000 }).toBeGreaterThan(500);
  const first = await canvasSample(page);
  expect(first.width).toBeGreaterThanOrEqual(640);
  await expect.poll(async () => (await canvasSample(page)).hash, { timeout: 90_000 }).not.toBe(first.hash);
  await saveScreenshot(page, 'screen.png');

  await page.goto(webHost.url.replace(/\?.*$/, '') + '#/');
  await expect(card).toBeVisible();
  await saveScreenshot(page, 'main-window.png');

  await card.getByRole('button', { name: 'Stop' }).click();
  await expect(card).toHaveAttribute('data-phase', 'stopped', { timeout: 120_000 });

  const state = JSON.parse(await docker('inspect', '--format', '{{json .State}}', `porthole-${id}`)) as { Running: boolean };
  expect(state.Running).toBe(false);
  const logs = await docker('logs', `porthole-${id}`);
  expect(logs).toContain('Received SIGTERM signal, sending ACPI shutdown signal');
  const disk = await stat(join(webHost.dataDir, 'machines', id, 'data.img'));
  expect(disk.isFile()).toBe(true);
});
