import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { TestSshd } from '../../app/core/testing/test-sshd';
import { createMachineViaWizard } from '../flows/create-machine';
import { containerOf, docker, expect, startWebHost, test } from './fixtures';
import { shellIso } from './screen-ocr';
import { saveScreenshot } from './screenshots';

const run = promisify(execFile);

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
 * An ISO on this computer copied there from the ISO field (in a browser, its path typed): the copy's status is
 * spoken, the field gets the path there, and the engine's computer checks it. The engine's computer is this one,
 * so the copy is compared with the original byte for byte. Looked at in light and dark, at 1280 and 800 wide.
 */
async function copyIsoThere(page: Page, wizard: Locator): Promise<void> {
  const field = wizard.getByLabel(/^ISO file on /);
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
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/**
 * DOCKER_HOST=ssh://…: the wizard asks for the ISO as a path on the engine's computer (no chooser; an ISO here
 * is copied there first) and has it checked there (a short-lived container on the engine), and the machine's storage
 * folder is made there. The engine's computer is this one (the test's sshd in front of the shared
 * engine), so the folder is read back here with stat.
 */
test('Over an ssh engine, the wizard takes the ISO as a path on the engine’s computer and the machine’s folder is made there', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const sshd = await TestSshd.start('unix:///var/run/docker.sock');
  const { host: webHost, stop } = await startWebHost(sshd.env());
  try {
    await page.goto(webHost.url);
    await page.getByRole('button', { name: 'New machine' }).first().click();
    const wizard = page.getByRole('form', { name: 'New machine' });
    await wizard.getByRole('radio', { name: /Install from my own ISO/ }).check();
    await expect(wizard.getByTestId('iso-remote')).toContainText(
      'on 127.0.0.1, the computer the engine runs machines on',
    );
    await expect(wizard.getByRole('button', { name: 'Choose…' })).toHaveCount(0);
    await wizard.getByTestId('iso-remote').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'wizard-remote-iso.png');
    await wizard.getByLabel('ISO file on 127.0.0.1').fill(shellIso());
    await expect(wizard.getByTestId('iso-ok')).toBeVisible({ timeout: 60_000 });
    await wizard.getByLabel('ISO file on 127.0.0.1').fill('');
    await copyIsoThere(page, wizard);
    await wizard.getByRole('button', { name: 'Cancel' }).click();

    const name = `Remote storage ${Math.random().toString(36).slice(2, 7)}`;
    const id = await createMachineViaWizard(page, { name, iso: shellIso() });
    webHost.track(id);
    const card = page.locator('article.machine-card', { hasText: name });
    await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled({ timeout: 150_000 });
    const container = await containerOf(id);
    const storage = JSON.parse(await docker('inspect', '--format', '{{json .Mounts}}', container)) as Array<{
      Source: string;
      Destination: string;
    }>;
    const storageDir = storage.find((m) => m.Destination === '/storage')!.Source;
    // Made by the engine's helper (root there), with Porthole's marker for this machine.
    const { stdout } = await run('cat', [`${storageDir}/.porthole-storage`]);
    expect(JSON.parse(stdout)).toMatchObject({ machineId: id });
  } finally {
    await stop();
    await sshd.dispose();
  }
});
