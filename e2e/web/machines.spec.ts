import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { docker, expect, test, tileMenu } from './fixtures';
import { createMachineViaWizard } from '../flows/create-machine';

/**
 * Records every phase each machine card shows, in order, from inside the page: a MutationObserver on
 * the cards' data-phase attribute (installed before the app loads, so nothing is missed).
 */
async function recordPhases(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: Array<[string, string]> = [];
    (window as unknown as { phaseLog: Array<[string, string]> }).phaseLog = log;
    const record = (el: Element): void => {
      const id = el.getAttribute('data-testid');
      const phase = el.getAttribute('data-phase');
      if (!id?.startsWith('machine-') || !phase) return;
      const last = [...log].reverse().find(([card]) => card === id);
      if (last?.[1] !== phase) log.push([id, phase]);
    };
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        if (m.type === 'attributes' && m.target instanceof Element) record(m.target);
        for (const node of m.addedNodes) {
          if (!(node instanceof Element)) continue;
          if (node.matches('[data-phase]')) record(node);
          node.querySelectorAll('[data-phase]').forEach(record);
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase'] });
  });
}

async function phasesOf(page: Page, id: string): Promise<string[]> {
  const log = await page.evaluate(() => (window as unknown as { phaseLog: Array<[string, string]> }).phaseLog);
  return log.filter(([card]) => card === `machine-${id}`).map(([, phase]) => phase);
}

test('two machines through the UI: both start and install side by side, one stops (N/100) and is deleted keeping its disk', async ({
  page,
  webHost,
}) => {
  await recordPhases(page);
  await page.goto(webHost.url);
  const suffix = Math.random().toString(36).slice(2, 7);
  const names = [`Side A ${suffix}`, `Side B ${suffix}`];

  // The wizard creates and starts each machine.
  const ids: string[] = [];
  for (const name of names) {
    const id = await createMachineViaWizard(page, { name, ramGiB: 2 });
    webHost.track(id);
    ids.push(id);
  }
  const [a, b] = ids.map((id) => page.getByTestId(`machine-${id}`)) as [Locator, Locator];

  // Both run at once, each through its own phases, to "Running" (the install marker came over COM1).
  await expect(a).toHaveAttribute('data-phase', 'ready', { timeout: 180_000 });
  await expect(b).toHaveAttribute('data-phase', 'ready', { timeout: 180_000 });
  for (const card of [a, b]) {
    await expect(card.getByTestId('phase')).toHaveText('Running');
    await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled();
  }
  const phasesB = await phasesOf(page, ids[1]!);
  expect(phasesB).toEqual(expect.arrayContaining(['installing', 'ready']));
  expect(phasesB.indexOf('installing')).toBeLessThan(phasesB.indexOf('ready'));

  // Stop A: the card counts the graceful shutdown out of 100, then says Stopped; B keeps running.
  await tileMenu(a, 'Shut down');
  await expect(a.getByText(/Shutting down \(\d+\/100\)/)).toBeVisible({ timeout: 30_000 });
  await expect(a).toHaveAttribute('data-phase', 'stopped', { timeout: 60_000 });
  await expect(a.getByTestId('phase')).toHaveText('Stopped');
  const phasesA = await phasesOf(page, ids[0]!);
  expect(phasesA.slice(-2)).toEqual(['stopping', 'stopped']);
  await expect(b).toHaveAttribute('data-phase', 'ready');

  // Delete A from its tile's menu, keeping the disk (the dialog's default choice).
  await tileMenu(a, 'Delete…');
  const dialog = page.getByTestId('delete-dialog');
  await expect(dialog.getByRole('radio', { name: /Keep the disk/ })).toBeChecked();
  await expect(dialog).toContainText(join(webHost.dataDir, 'machines', ids[0]!));
  await dialog.getByRole('button', { name: 'Delete machine, keep disk' }).click();
  await expect(page.getByTestId(`machine-${ids[0]}`)).toHaveCount(0);
  await expect(b).toHaveAttribute('data-phase', 'ready');

  expect(await docker('ps', '-aq', '--filter', `label=io.porthole.machine=${ids[0]}`)).toBe('');
  const disk = await stat(join(webHost.dataDir, 'machines', ids[0]!, 'data.img'));
  expect(disk.isFile()).toBe(true);

  await tileMenu(b, 'Shut down');
  await expect(b).toHaveAttribute('data-phase', 'stopped', { timeout: 60_000 });
});
