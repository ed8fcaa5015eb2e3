import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { containerOf, docker, expect, test, tileMenu, type WebHostProcess } from './fixtures';
import { createMachineViaWizard } from '../flows/create-machine';
import { saveScreenshot } from './screenshots';

test.use({ viewport: { width: 1024, height: 700 } });

function testIso(): string {
  const iso = process.env.PORTHOLE_TEST_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_ISO is not set: the Playwright global setup makes the test ISO.');
  return iso;
}

/** A machine through the wizard (Windows XP, software emulation, the stand-in image). */
async function createMachine(page: Page, webHost: WebHostProcess, name: string): Promise<string> {
  await page.goto(webHost.url);
  const id = await createMachineViaWizard(page, {
    name,
    olderWindows: /Windows XP Professional/,
    diskGiB: 2,
    password: 'admin',
  });
  webHost.track(id);
  return id;
}

/**
 * Drops what a file manager would put in the drop's DataTransfer: a `text/uri-list`. The web host
 * gets no path from a dropped File, so this is how a path reaches it here.
 */
async function dropUris(page: Page, uris: string[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const data = new DataTransfer();
    data.setData('text/uri-list', list.join('\r\n'));
    return data;
  }, uris);
  const zone = page.getByTestId('drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await zone.dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
}

async function container(
  id: string,
): Promise<{ Id: string; Env: string[]; Mounts: Array<{ Source: string; Destination: string }> }> {
  const out = await docker(
    'inspect',
    '--format',
    '{{json .Id}}|{{json .Config.Env}}|{{json .Mounts}}',
    await containerOf(id),
  );
  const [cid, env, mounts] = out.split('|');
  return {
    Id: JSON.parse(cid!) as string,
    Env: JSON.parse(env!) as string[],
    Mounts: JSON.parse(mounts!) as Array<{ Source: string; Destination: string }>,
  };
}

test('dropping an ISO on a machine boots it from the ISO; anything else is refused and changes nothing', async ({
  page,
  webHost,
}) => {
  const name = `Drop ${Math.random().toString(36).slice(2, 7)}`;
  const id = await createMachine(page, webHost, name);
  const card = page.locator('article.machine-card', { hasText: name });
  // Wait for the (simulated) installation to finish: its COM1 marker arriving after the drop would
  // mark the new ISO's installation done too (a race in the backend, reported), and the ISO would be left out.
  await expect(card).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });
  await tileMenu(card, 'Settings');
  const settings = page.getByRole('region', { name: `Settings of ${name}` });
  await expect(settings).toBeVisible();
  const untouched = await container(id);

  // A text file named fake.iso (over 10 MB, so its content is what gets it refused).
  const files = join(webHost.dataDir, '..', 'drops');
  await mkdir(join(files, 'a folder.iso'), { recursive: true });
  const fake = join(files, 'fake.iso');
  await writeFile(fake, 'This is plain text, not an ISO image.\n'.repeat(300_000));
  const dialog = page.getByTestId('drop-dialog');

  await dropUris(page, [pathToFileURL(fake).href]);
  await expect(dialog.getByTestId('drop-error')).toContainText(
    `${fake} is not an ISO image (no ISO 9660 or UDF signature), whatever its name says.`,
  );
  await expect(dialog).toContainText('Nothing was changed.');
  await saveScreenshot(page, 'drop-refused.png');
  await dialog.getByRole('button', { name: 'OK' }).click();

  const refusals: Array<[string[], RegExp]> = [
    [[pathToFileURL(join(files, 'a folder.iso')).href], /is a folder, not an ISO file/],
    [[pathToFileURL(fake).href, pathToFileURL(testIso()).href], /You dropped 2 files. Drop one ISO file at a time./],
    [[pathToFileURL(join(files, 'gone.iso')).href], /does not exist: it may have been moved, renamed or deleted/],
    [['https://example.org/Win11.iso'], /is a web address, not a file on this computer/],
  ];
  for (const [uris, message] of refusals) {
    await dropUris(page, uris);
    await expect(dialog.getByTestId('drop-error')).toContainText(message);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(dialog).toHaveCount(0);
  }
  // Nothing changed: the same container, with the same environment and no ISO.
  const after = await container(id);
  expect(after.Id).toBe(untouched.Id);
  expect(after.Env).toEqual(untouched.Env);
  expect(after.Mounts.map((m) => m.Destination)).not.toContain('/custom.iso');

  // The test ISO: Porthole says what will happen, then restarts the machine from it.
  await dropUris(page, [pathToFileURL(testIso()).href]);
  await expect(dialog).toContainText(`Boot “${name}” from this ISO?`);
  await expect(dialog).toContainText(testIso());
  await expect(dialog).toContainText('the machine simply boots it');
  await saveScreenshot(page, 'drop-confirm.png');
  await dialog.getByRole('button', { name: 'Restart from this ISO' }).click();
  await expect(dialog).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByRole('status').filter({ hasText: `“${name}” is starting from` })).toBeVisible();

  const booted = await container(id);
  expect(booted.Id).not.toBe(untouched.Id);
  expect(booted.Mounts).toEqual(
    expect.arrayContaining([expect.objectContaining({ Source: testIso(), Destination: '/custom.iso' })]),
  );
  await expect
    .poll(
      async () =>
        containerOf(id)
          .then((c) => docker('logs', c))
          .catch(() => ''),
      { timeout: 60_000 },
    )
    .toContain('Booting Windows (legacy)');
  await expect(settings).toContainText(`Custom ISO ${testIso()}`);
});
