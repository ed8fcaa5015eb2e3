import { expect, type Locator, type Page } from '@playwright/test';
import { realHostClass } from '../../app/core/testing/test-host';
import { standinImage } from '../web/fixtures';

export interface WizardChoices {
  name: string;
  /** A Windows from the "Older Windows" group, e.g. /Windows XP Professional/ (small disk minimums). */
  olderWindows?: RegExp;
  /** Install from this ISO instead of a Windows version. */
  iso?: string;
  password?: string;
  ramGiB?: number;
  diskGiB?: number;
}

/**
 * Creates a machine through every step of the real wizard (stand-in image) and returns its id. The wizard starts
 * it. Software emulation is consented to where the wizard asks for it (no KVM for machines here, or a nested CPU
 * hiding vmx/svm), as a user would; on a KVM host it asks nothing and the machine uses KVM. The web host must be one
 * whose checks see this machine (the default), since the machine really runs.
 */
export async function createMachineViaWizard(page: Page, choices: WizardChoices): Promise<string> {
  await page.getByRole('button', { name: 'New machine' }).first().click();
  const wizard = page.getByRole('form', { name: 'New machine' });
  const next = wizard.getByRole('button', { name: 'Next', exact: true });

  // 1. Windows (or my own ISO), and the name.
  if (choices.iso) {
    await wizard.getByRole('radio', { name: /Install from my own ISO/ }).check();
    await wizard.getByLabel('ISO file').fill(choices.iso);
    await expect(wizard.getByTestId('iso-ok')).toBeVisible();
  } else if (choices.olderWindows) {
    await wizard.getByText('Older Windows').click();
    await wizard.getByRole('radio', { name: choices.olderWindows }).check();
  }
  await wizard.getByRole('textbox', { name: 'Name', exact: true }).fill(choices.name);
  await next.click();

  // 2. Language and account.
  await wizard.getByLabel('Password', { exact: true }).fill(choices.password ?? 'porthole-e2e');
  await next.click();

  // 3. Resources and sharing: software emulation where this host needs it, the stand-in image.
  if (choices.ramGiB !== undefined)
    await wizard.getByRole('spinbutton', { name: 'Memory in GB' }).fill(String(choices.ramGiB));
  if (choices.diskGiB !== undefined)
    await wizard.getByRole('spinbutton', { name: 'Disk in GB' }).fill(String(choices.diskGiB));
  const acceleration = wizard.locator('.acceleration');
  await expect(acceleration).not.toContainText('Checking for KVM');
  const consent = wizard.getByLabel(/Run Windows in software emulation/);
  await expect(consent).toHaveCount((await realHostClass()) === 'kvm' ? 0 : 1);
  if ((await consent.count()) > 0) await consent.check();
  await wizard.getByText('Advanced', { exact: true }).click();
  await wizard.getByLabel('Container image').fill(standinImage());
  await next.click();

  // 4. Review.
  await wizard.getByRole('button', { name: 'Create and start' }).click();
  const card = page.locator('article.machine-card', { hasText: choices.name });
  await expect(card).toBeVisible();
  return (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
}

/**
 * Right after the wizard's "Create and start": the card shows the machine starting, never a Start button for a
 * machine already starting (a second click would race the first). Read once, not waited for: a Start button that
 * shows for a moment and goes is the fault this looks for.
 */
export async function expectStartingCard(card: Locator): Promise<void> {
  await expect(card).toBeVisible();
  expect(
    await card.getByRole('button', { name: /^Start\b/ }).count(),
    `the card right after Create and start: ${await card.innerText()}`,
  ).toBe(0);
}
