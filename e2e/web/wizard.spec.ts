import type { Page } from '@playwright/test';
import { realHostClass } from '../../app/core/testing/test-host';
import { checkedHostClass, containerOf, docker, expect, standinImage, test } from './fixtures';
import { saveScreenshot } from './screenshots';

// The wizard must work in a small window without clipping. Its checks see the class PORTHOLE_TEST_HOST forces,
// else this machine's: that decides whether it asks for software emulation.
test.use({ viewport: { width: 1024, height: 700 }, testHost: true });

async function expectNothingClipped(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
  await expect(page.getByRole('form', { name: 'New machine' }).locator('.wizard-actions')).toBeInViewport({ ratio: 1 });
}

/** Each step from the top of the page, as a person first sees it. */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

async function containerEnv(id: string): Promise<string[]> {
  return JSON.parse(await docker('inspect', '--format', '{{json .Config.Env}}', await containerOf(id))) as string[];
}

test('the wizard creates a machine through every step, and the machine starts', async ({ page, webHost, testHost }) => {
  // Where machines cannot use KVM (none) or the image would refuse it (nested), the wizard asks for software emulation.
  const emulation = (await checkedHostClass(testHost)) !== 'kvm';
  const name = `Wizard ${Math.random().toString(36).slice(2, 7)}`;
  await page.goto(webHost.url);
  await page.getByRole('button', { name: 'New machine' }).first().click();
  const wizard = page.getByRole('form', { name: 'New machine' });
  const next = wizard.getByRole('button', { name: 'Next' });

  // 1. Windows: friendly names, edition notes, sizes; the name follows the version until typed.
  await expect(wizard.getByTestId('wizard-step-windows')).toBeVisible();
  await expect(wizard.getByRole('radio', { name: /Windows 11 Pro/ })).toBeChecked();
  await expect(wizard.locator('label', { hasText: 'Windows 11 LTSC' })).toContainText('Evaluation copy: usable for 90 days');
  await expect(wizard.locator('label', { hasText: 'Windows 11 LTSC' })).toContainText('4.7 GB');
  await expect(wizard.getByLabel('Name')).toHaveValue('Windows 11 Pro');
  // One's own ISO: checked by the backend as it is typed.
  await wizard.getByRole('radio', { name: /Install from my own ISO/ }).check();
  await wizard.getByLabel('ISO file').fill(`${webHost.dataDir}/nothing.iso`);
  await expect(wizard.getByText(/does not exist: it may have been moved, renamed or deleted/)).toBeVisible();
  await wizard.getByLabel('ISO file').fill(process.env.PORTHOLE_TEST_ISO!);
  await expect(wizard.getByTestId('iso-ok')).toContainText('ISO 9660 image');
  await expect(wizard.getByLabel('Name')).toHaveValue('test-ipxe');
  await wizard.getByTestId('iso-ok').scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'wizard-1-own-iso.png');
  await wizard.getByText('Older Windows').click();
  // Windows XP: the smallest disk, so the stand-in's disk file stays small.
  await wizard.getByRole('radio', { name: /Windows XP Professional/ }).check();
  await expect(wizard.getByLabel('Name')).toHaveValue('Windows XP Professional');
  await wizard.getByLabel('Name').fill('');
  await expect(wizard.getByText('Give the machine a name.')).toBeVisible();
  await wizard.getByLabel('Name').fill(name);
  await expectNothingClipped(page);
  await shot(page, 'wizard-1-windows.png');
  await next.click();

  // 2. Language and account: Windows' rules shown while typing; Next waits for a password.
  await expect(wizard.getByTestId('wizard-step-account')).toBeVisible();
  await expect(wizard.getByLabel('Language', { exact: true })).toHaveValue(/^[a-z]{2}-/);
  const user = wizard.getByLabel('User name');
  await user.fill('ada:lovelace');
  await expect(wizard.getByText(/cannot contain “:”/)).toBeVisible();
  await user.fill('ada');
  await expect(wizard.getByText(/cannot contain/)).toHaveCount(0);
  await wizard.getByLabel('Region').fill('de-ch-x');
  await expect(wizard.getByText(/is not a region Windows knows/)).toBeVisible();
  await wizard.getByLabel('Region').fill('de-CH');
  await next.click();
  await expect(wizard.getByText(/Choose a password/)).toBeVisible();
  await expect(wizard.getByTestId('wizard-step-account')).toBeVisible();
  await wizard.getByLabel('Password', { exact: true }).fill('correct horse');
  await expectNothingClipped(page);
  await shot(page, 'wizard-2-account.png');
  await next.click();

  // 3. Resources: sliders and exact fields, limited by the host and the version.
  await expect(wizard.getByTestId('wizard-step-resources')).toBeVisible();
  const ram = wizard.getByRole('slider', { name: 'Memory' });
  await expect(ram).toHaveAttribute('min', '2');
  const ramMax = Number(await ram.getAttribute('max'));
  expect(ramMax).toBeGreaterThanOrEqual(2);
  await wizard.getByRole('spinbutton', { name: 'Memory in GB' }).fill(String(ramMax + 1));
  await expect(wizard.getByText(`This computer has ${ramMax} GB of memory: give Windows at most ${ramMax} GB.`)).toBeVisible();
  await wizard.getByRole('spinbutton', { name: 'Memory in GB' }).fill('2');
  await expect(ram).toHaveValue('2');
  await wizard.getByRole('spinbutton', { name: 'Number of processor cores' }).fill('1');
  await wizard.getByRole('spinbutton', { name: 'Disk in GB' }).fill('1');
  await expect(wizard.getByText('Windows XP Professional needs a disk of at least 2 GB.')).toBeVisible();
  await wizard.getByRole('spinbutton', { name: 'Disk in GB' }).fill('2');
  await expect(wizard.getByText(/needs a disk of at least/)).toHaveCount(0);
  await expect(wizard.getByTestId('free-space')).toHaveText(/GB free there/);
  const location = wizard.getByLabel('Storage location');
  await location.fill('relative/path');
  await expect(wizard.getByText(/must be a full path starting with \//)).toBeVisible();
  await location.fill(`${webHost.dataDir}/elsewhere`);
  await expect(wizard.getByText(/does not exist yet: Porthole creates it/)).toBeVisible();
  await wizard.getByRole('button', { name: 'Default' }).click();
  await expectNothingClipped(page);
  await shot(page, 'wizard-3-resources.png');
  await next.click();

  // 4. Sharing and options: software emulation needs consent where the host needs it; the stand-in image.
  await expect(wizard.getByTestId('wizard-step-options')).toBeVisible();
  const consent = wizard.getByLabel(/Run Windows in software emulation/);
  if (emulation) {
    await expect(wizard.getByTestId('emulation-notice')).toContainText('about ten times slower');
    await expect(consent).not.toBeChecked();
  } else {
    await expect(wizard.getByText('KVM works on this computer: Windows runs at full speed.')).toBeVisible();
    await expect(wizard.getByTestId('emulation-notice')).toHaveCount(0);
    await expect(consent).toHaveCount(0);
  }
  await wizard.getByText('Advanced', { exact: true }).click();
  await wizard.getByLabel('Container image').fill(standinImage());
  await expect(wizard.getByText(/another image may behave differently/)).toBeVisible();
  await expectNothingClipped(page);
  await shot(page, 'wizard-4-options.png');
  await next.click();

  // 5. Review: without the consent it needs, Create is disabled and says why.
  const review = wizard.getByTestId('review');
  const create = wizard.getByRole('button', { name: 'Create and start' });
  if (emulation) {
    await expect(create).toBeDisabled();
    await expect(wizard.getByTestId('create-blocked')).toContainText('tick the box to run it in software emulation');
    await wizard.getByRole('button', { name: 'Change sharing and options' }).click();
    await consent.check();
    await next.click();
  }
  await expect(create).toBeEnabled();
  await expect(review).toContainText(name);
  await expect(review).toContainText('Windows XP Professional');
  await expect(review).toContainText('de-CH');
  await expect(review).toContainText(emulation ? 'Software emulation' : 'Hardware (KVM)');
  await expect(review).toContainText(standinImage());
  await expectNothingClipped(page);
  await shot(page, 'wizard-5-review.png');
  await create.click();

  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);
  const env = await containerEnv(id);
  expect(env).toEqual(expect.arrayContaining(['VERSION=xp', 'RAM_SIZE=2G', 'CPU_CORES=1', 'DISK_SIZE=2G', 'USERNAME=ada', 'PASSWORD=correct horse', 'REGION=de-CH']));
  expect(env.includes('KVM=N')).toBe(emulation);
  expect(await docker('inspect', '--format', '{{.Config.Image}}', await containerOf(id))).toBe(standinImage());

  // The machine really runs on this machine: in software emulation anywhere, with KVM only where this machine has
  // it. A forced kvm class on a host without it shows what a user would see there: the image's refusal, explained.
  const real = await realHostClass();
  if (emulation || real === 'kvm') {
    await expect(card).toHaveAttribute('data-phase', /preparing|booting|installing|ready/);
    await expect(card).toHaveAttribute('data-phase', /booting|installing|ready/, { timeout: 120_000 });
  } else {
    // nested: the image's own KVM test refuses (exit 88); none: the engine has no /dev/kvm to give it, so it never runs.
    if (real === 'nested') {
      await expect(card).toHaveAttribute('data-phase', 'failed', { timeout: 120_000 });
      await expect(card.getByTestId('failure')).toContainText('The machine could not use KVM hardware acceleration.');
    } else {
      await expect(card).toHaveAttribute('data-phase', /failed|stopped/, { timeout: 120_000 });
    }
  }
});
