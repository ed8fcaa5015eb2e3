import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { canvasSample, containerOf, docker, tileMenu } from '../web/fixtures';
import { createMachineViaWizard } from './create-machine';
import { saveScreenshot } from '../web/screenshots';

/**
 * The walking skeleton, driven through the real UI: create a machine (stand-in image) and start it, see the
 * image's preparation message, then the VM's real framebuffer; Stop; the container stopped with the
 * ACPI shutdown line in its log, and data.img still there. Shared by the web host and Electron tests.
 */
export async function skeletonFlow(
  page: Page,
  opts: { dataDir: string; track: (id: string) => void; home: () => Promise<void>; screenshots?: boolean },
): Promise<void> {
  const name = `Skeleton ${Math.random().toString(36).slice(2, 7)}`;
  const id = await createMachineViaWizard(page, { name });
  opts.track(id);
  const card = page.getByTestId(`machine-${id}`);
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
  if (opts.screenshots) await saveScreenshot(page, 'screen.png');

  await opts.home();
  await expect(card).toBeVisible();
  if (opts.screenshots) await saveScreenshot(page, 'main-window.png');

  await tileMenu(card, 'Shut down');
  await expect(card).toHaveAttribute('data-phase', 'stopped', { timeout: 120_000 });

  const state = JSON.parse(await docker('inspect', '--format', '{{json .State}}', await containerOf(id))) as {
    Running: boolean;
  };
  expect(state.Running).toBe(false);
  const logs = await docker('logs', await containerOf(id));
  expect(logs).toContain('Received SIGTERM signal, sending ACPI shutdown signal');
  const disk = await stat(join(opts.dataDir, 'machines', id, 'data.img'));
  expect(disk.isFile()).toBe(true);
}
