import type { Page } from '@playwright/test';
import { realHostClass } from '../../app/core/testing/test-host';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkedHostClass, containerOf, docker, expect, standinImage, startWebHost, test } from './fixtures';
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
  await expect(wizard.locator('label', { hasText: 'Windows 11 LTSC' })).toContainText(
    'Evaluation copy: usable for 90 days',
  );
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
  // Region and keyboard are picked by name; the machine gets the culture code.
  await wizard.getByLabel('Region').selectOption({ label: 'German (Switzerland)' });
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
  await expect(
    wizard.getByText(`This computer has ${ramMax} GB of memory: give Windows at most ${ramMax} GB.`),
  ).toBeVisible();
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

  // Software emulation needs consent, on this step, where the host needs it; the stand-in image.
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
  if (emulation) {
    // Without the consent this step does not move on, and says why here.
    await next.click();
    await expect(wizard.getByTestId('wizard-step-resources')).toBeVisible();
    await expect(wizard.getByText(/tick the box to run it in software emulation/)).toBeVisible();
    await consent.check();
  }
  await expectNothingClipped(page);
  await shot(page, 'wizard-3-options.png');
  await next.click();

  // 4. Review.
  const review = wizard.getByTestId('review');
  const create = wizard.getByRole('button', { name: 'Create and start' });
  await expect(create).toBeEnabled();
  await expect(review).toContainText(name);
  await expect(review).toContainText('Windows XP Professional');
  await expect(review).toContainText('German (Switzerland)');
  await expect(review).toContainText(emulation ? 'Software emulation' : 'Hardware (KVM)');
  await expect(review).toContainText(standinImage());
  await expectNothingClipped(page);
  await shot(page, 'wizard-4-review.png');
  await create.click();

  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);
  const env = await containerEnv(id);
  expect(env).toEqual(
    expect.arrayContaining([
      'VERSION=xp',
      'RAM_SIZE=2G',
      'CPU_CORES=1',
      'DISK_SIZE=2G',
      'USERNAME=ada',
      'PASSWORD=correct horse',
      'REGION=de-CH',
    ]),
  );
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

test('the quick wizard path: six clicks at most plus a name, with Generate for the password', async ({
  page,
  testHost,
}) => {
  // This Porthole's default image is the stand-in: no Advanced field to fill, as for a person with the real image.
  const { host, stop } = await startWebHost({ PORTHOLE_DEFAULT_IMAGE: standinImage() }, { testHost });
  try {
    const emulation = (await checkedHostClass(testHost)) !== 'kvm';
    const name = `Quick ${Math.random().toString(36).slice(2, 7)}`;
    await page.goto(host.url);
    await page.getByRole('button', { name: 'New machine' }).first().click();
    const wizard = page.getByRole('form', { name: 'New machine' });
    let clicks = 0;
    const click = async (target: ReturnType<typeof wizard.getByRole>): Promise<void> => {
      clicks++;
      await target.click();
    };
    await wizard.getByLabel('Name').fill(name);
    await click(wizard.getByRole('button', { name: 'Next' }));
    await click(wizard.getByRole('button', { name: 'Generate' }));
    await expect(wizard.getByLabel('Password', { exact: true })).toHaveValue(/^[A-Za-z0-9]{20}$/);
    await click(wizard.getByRole('button', { name: 'Next' }));
    await expect(wizard.getByTestId('wizard-step-resources')).toBeVisible();
    if (emulation) await click(wizard.getByRole('checkbox', { name: /Run Windows in software emulation/ }));
    await click(wizard.getByRole('button', { name: 'Next' }));
    // Review names the image this machine really gets.
    await expect(wizard.getByTestId('review')).toContainText(standinImage());
    await shot(page, 'wizard-quick-review.png');
    await click(wizard.getByRole('button', { name: 'Create and start' }));
    expect(clicks).toBeLessThanOrEqual(6);
    const card = page.locator('article.machine-card', { hasText: name });
    await expect(card).toBeVisible();
    host.track((await card.getAttribute('data-testid'))!.replace(/^machine-/, ''));
  } finally {
    await stop();
  }
});

test('a Windows already installed in the new machine’s folder is found: Use it starts straight into it', async ({
  page,
  webHost,
  testHost,
}) => {
  const emulation = (await checkedHostClass(testHost)) !== 'kvm';
  const name = `Kept ${Math.random().toString(36).slice(2, 7)}`;
  const slug = name.toLowerCase().replace(/\s+/g, '-');
  // What a deleted machine whose disk was kept leaves behind: the image's install marker in its folder.
  const folder = join(webHost.dataDir, 'machines', slug);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'windows.boot'), '');
  await page.goto(webHost.url);
  await page.getByRole('button', { name: 'New machine' }).first().click();
  const wizard = page.getByRole('form', { name: 'New machine' });
  await wizard.getByText('Older Windows').click();
  await wizard.getByRole('radio', { name: 'Windows XP Professional' }).check();
  await wizard.getByLabel('Name').fill(name);
  const notice = wizard.getByTestId('existing-install');
  await expect(notice).toContainText(`${folder} already holds an installed Windows`);
  await expectNothingClipped(page);
  await shot(page, 'wizard-existing-install.png');
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByTestId('wizard-step-windows')).toBeVisible();
  await notice.getByRole('button', { name: 'Use it' }).click();
  await wizard.getByRole('button', { name: 'Next' }).click();
  await expect(wizard.getByRole('button', { name: 'Generate' })).toHaveCount(0);
  await wizard.getByLabel('Password', { exact: true }).fill('the-old-one');
  await wizard.getByRole('button', { name: 'Next' }).click();
  if (emulation) await wizard.getByRole('checkbox', { name: /Run Windows in software emulation/ }).check();
  await wizard.getByText('Advanced', { exact: true }).click();
  await wizard.getByLabel('Container image').fill(standinImage());
  await wizard.getByRole('button', { name: 'Next' }).click();
  const review = wizard.getByTestId('review');
  await expect(review.getByTestId('review-existing-install')).toContainText(`Already installed in ${folder}`);
  await expect(review).not.toContainText('GB download');
  await wizard.getByRole('button', { name: 'Create and start' }).click();
  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);
  // Installed: never "Installing Windows"; the stand-in skips its preparation on a disk with windows.boot.
  if (emulation || (await realHostClass()) === 'kvm') {
    await expect(card).toHaveAttribute('data-phase', /booting|ready/, { timeout: 120_000 });
    await expect(card).not.toHaveAttribute('data-phase', 'installing');
  }
});
