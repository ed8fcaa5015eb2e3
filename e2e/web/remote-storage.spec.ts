import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestSshd } from '../../app/core/testing/test-sshd';
import { createMachineViaWizard } from '../flows/create-machine';
import { containerOf, docker, expect, startWebHost, test } from './fixtures';
import { saveScreenshot } from './screenshots';

const run = promisify(execFile);

function shellIso(): string {
  const iso = process.env.PORTHOLE_TEST_SHELL_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_SHELL_ISO is not set: the Playwright global setup makes the test ISOs.');
  return iso;
}

/**
 * DOCKER_HOST=ssh://…: the wizard asks for the ISO as a path on the engine's computer (no chooser, no
 * drop) and has it checked there (a short-lived container on the engine), and the machine's storage
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
