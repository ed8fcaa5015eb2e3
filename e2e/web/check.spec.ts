import { readFileSync } from 'node:fs';
import { expect, startWebHost, test } from './fixtures';
import { saveScreenshot } from './screenshots';

// The test machines are nested VMs whose CPU hides vmx/svm: /dev/kvm works, but the Windows image would
// refuse it, so the KVM check warns (software emulation) without blocking anything.
const cpuFlagsVisible = /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
const VMX_COMMAND = "grep -cwE 'vmx|svm' /proc/cpuinfo";

test('first run on a ready computer: the checklist, no failures, KVM warning, Copy, Continue to the list', async ({ page, context, webHost }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(webHost.url).origin });
  await page.goto(webHost.url);

  // No machines yet and never continued: the app opens on the checklist.
  await expect(page).toHaveURL(/#\/check$/);
  await expect(page.getByTestId('check-engine')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('check-engine')).toContainText(/Docker .* answers at unix:\/\//);
  for (const id of ['memory', 'cpu', 'disk', 'tun']) await expect(page.getByTestId(`check-${id}`)).toBeVisible();
  await expect(page.locator('[data-status="fail"]')).toHaveCount(0);
  await expect(page.getByTestId('host-banner')).toHaveCount(0);
  await expect(page.getByTestId('engine-banner')).toHaveCount(0);
  const kvm = page.getByTestId('check-kvm');
  await expect(kvm).toHaveAttribute('data-status', cpuFlagsVisible ? 'ok' : 'warn');
  if (!cpuFlagsVisible) {
    await expect(page.getByRole('heading', { name: 'This computer can run Windows' })).toBeVisible();
    await expect(kvm).toContainText('software emulation (KVM=N)');
    await expect(kvm.locator('.fix-comment').first()).toHaveText('# on the VM host:');
  }
  await expect(page.getByRole('button', { name: 'Continue' })).toBeEnabled();
  await saveScreenshot(page, 'check-ready.png');

  if (!cpuFlagsVisible) {
    const copy = kvm.getByRole('button', { name: `Copy: ${VMX_COMMAND}` });
    await copy.click();
    await expect(copy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(VMX_COMMAND);
  }

  const again = page.getByRole('button', { name: 'Check again' });
  await again.click();
  await expect(again).toBeEnabled();
  await expect(page.locator('[data-status="fail"]')).toHaveCount(0);

  // Warnings never block: Continue goes to the list, and the next start opens there.
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('heading', { name: 'No Windows machine yet' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'No Windows machine yet' })).toBeVisible();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByTestId('host-banner')).toHaveCount(0);
});

test('engine down (DOCKER_HOST points nowhere): opens on the checklist with the fix; the list shows the banner', async ({ page }) => {
  const { host, stop } = await startWebHost({ DOCKER_HOST: 'unix:///nonexistent.sock' });
  try {
    await page.goto(host.url);
    await expect(page).toHaveURL(/#\/check$/);
    await expect(page.getByRole('heading', { name: 'Windows can’t run on this computer yet' })).toBeVisible();

    const engine = page.getByTestId('check-engine');
    await expect(engine).toHaveAttribute('data-status', 'fail');
    await expect(engine).toContainText('DOCKER_HOST is unix:///nonexistent.sock, but no engine listens there');
    await expect(engine).toContainText('not running, or not installed');
    await expect(engine.locator('.check-fix')).toContainText('The engine is not running: start it.');
    await expect(engine.getByRole('button', { name: /^Copy: .*systemctl .*docker/ })).toBeVisible();
    await expect(engine.getByRole('button', { name: 'Copy: unset DOCKER_HOST' })).toBeVisible();
    await expect(engine.locator('.fix-comment')).toHaveText(['# or use the engine that answers:']);
    // Problems come first; a failure offers no way past it but fixing it.
    await expect(page.locator('.checks > li').first()).toHaveAttribute('data-testid', 'check-engine');
    await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0);
    // The checklist says it all: no second "engine not answering" banner on top.
    await expect(page.getByTestId('engine-banner')).toHaveCount(0);
    await saveScreenshot(page, 'check-engine-down.png');

    await page.getByRole('link', { name: 'Porthole' }).click();
    await expect(page).toHaveURL(/#\/$/);
    const banner = page.getByTestId('host-banner');
    await expect(banner).toContainText('Container engine: DOCKER_HOST is unix:///nonexistent.sock');
    await expect(page.getByTestId('engine-banner')).toHaveCount(0);
    await banner.getByRole('button', { name: 'See what to do' }).click();
    await expect(page).toHaveURL(/#\/check$/);
    await expect(page.getByTestId('check-engine')).toHaveAttribute('data-status', 'fail');
  } finally {
    await stop();
  }
});
