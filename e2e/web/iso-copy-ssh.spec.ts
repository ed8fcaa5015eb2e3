import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { TestSshd } from '../../app/core/testing/test-sshd';
import { expect, startWebHost, test } from './fixtures';
import { shellIso } from './screen-ocr';
import { saveScreenshot } from './screenshots';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** axe on what the page shows now: no violation of impact serious or critical. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect.soft(bad, `axe on ${where}`).toEqual([]);
}

/**
 * DOCKER_HOST=ssh://…: the wizard's ISO field is a path on the engine's computer, and an ISO on this computer is
 * copied there from the field (in a browser, its path typed): the copy's status is spoken, the field gets the path
 * there, and the engine's computer checks it. Here the engine's computer is this one behind the test's sshd, so
 * the copy is compared with the original byte for byte.
 */
test('Over an ssh engine, an ISO on this computer is copied to the engine’s computer from the wizard', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const sshd = await TestSshd.start('unix:///var/run/docker.sock');
  const { host: webHost, stop } = await startWebHost(sshd.env());
  try {
    await page.goto(webHost.url);
    await page.getByRole('button', { name: 'New machine' }).first().click();
    const wizard = page.getByRole('form', { name: 'New machine' });
    await wizard.getByRole('radio', { name: /Install from my own ISO/ }).check();
    const field = wizard.getByLabel(/^ISO file on /);
    await expect(field).toBeVisible();

    await wizard.getByRole('button', { name: 'Copy an ISO from this computer…' }).click();
    const local = shellIso();
    await wizard.getByLabel(/Path of the ISO on this computer/).fill(local);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await expectAccessible(page, `the ISO copy's path question (${theme})`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await wizard.getByRole('button', { name: /^Copy to / }).click();

    const status = wizard.getByRole('status').filter({ hasText: /Copied to|already had this ISO/ });
    await expect(status).toBeVisible({ timeout: 90_000 });
    const there = /: (\/\S+)/.exec((await status.textContent()) ?? '')?.[1];
    expect(there, `the status names the path there: ${await status.textContent()}`).toBeTruthy();
    await expect(field).toHaveValue(there!);
    await expect(wizard.getByTestId('iso-ok')).toBeVisible({ timeout: 30_000 });
    // The engine's computer is this one here: the copy is the ISO, byte for byte.
    expect((await stat(there!)).size).toBe((await stat(local)).size);
    expect(await sha256(there!)).toBe(await sha256(local));

    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const size of [
        { width: 1280, height: 800 },
        { width: 800, height: 600 },
      ]) {
        await page.setViewportSize(size);
        await wizard.getByTestId('iso-copy').scrollIntoViewIfNeeded();
        await saveScreenshot(page, `iso-copied-ssh-${size.width}-${theme}.png`);
      }
      await expectAccessible(page, `the copied ISO in the wizard (${theme})`);
    }
  } finally {
    await stop();
    await sshd.dispose();
  }
});
