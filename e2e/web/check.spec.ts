import { checkedHostClass, expect, startWebHost, test } from './fixtures';
import { saveScreenshot } from './screenshots';

const VMX_COMMAND = "grep -cwE 'vmx|svm' /proc/cpuinfo";

// The checks see the class PORTHOLE_TEST_HOST forces, else this machine's.
test.use({ testHost: true });

/**
 * The first run, on whatever this host is (PORTHOLE_TEST_HOST forces the class the checks see):
 * - kvm: KVM ok. With nothing else to read, the checklist says so and moves on to the list by itself (no Continue).
 * - nested: /dev/kvm works but the CPU hides vmx/svm: KVM warns (software emulation), which never blocks: Continue.
 * - none: no usable /dev/kvm: KVM fails, which blocks: no Continue; the list shows the failure in a banner.
 */
test('first run: the checklist says what this computer can do, and moves on only when nothing fails', async ({
  page,
  context,
  webHost,
  testHost,
}) => {
  const cls = await checkedHostClass(testHost);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(webHost.url).origin });
  await page.goto(webHost.url);

  // No machines yet and never continued: the app opens on the checklist.
  await expect(page).toHaveURL(/#\/check$/);
  await expect(page.getByTestId('check-engine')).toHaveAttribute('data-status', 'ok');
  await expect(page.getByTestId('check-engine')).toContainText(/Docker .* answers at unix:\/\//);
  for (const id of ['memory', 'cpu', 'disk', 'tun']) await expect(page.getByTestId(`check-${id}`)).toBeVisible();
  const kvm = page.getByTestId('check-kvm');
  await expect(kvm).toHaveAttribute('data-status', { kvm: 'ok', nested: 'warn', none: 'fail' }[cls]);
  await expect(page.getByTestId('engine-banner')).toHaveCount(0);
  const continueButton = page.getByRole('button', { name: 'Continue' });

  if (cls === 'none') {
    await expect(page.getByRole('heading', { name: 'Windows can’t run on this computer yet' })).toBeVisible();
    await expect(kvm).toContainText('/dev/kvm');
    await expect(kvm.locator('.check-fix')).toContainText('software emulation (KVM=N');
    // Problems come first; a failure offers no way past it but fixing it.
    await expect(page.locator('.checks > li').first()).toHaveAttribute('data-testid', 'check-kvm');
    await expect(continueButton).toHaveCount(0);
    await saveScreenshot(page, 'check-no-kvm.png');
    await page.getByRole('link', { name: 'Porthole' }).click();
    await expect(page).toHaveURL(/#\/$/);
    await expect(page.getByTestId('host-banner')).toContainText('KVM acceleration: /dev/kvm');
    // It stays the first thing shown while it fails.
    await page.reload();
    await expect(page).toHaveURL(/#\/check$/);
    return;
  }

  await expect(page.locator('[data-status="fail"]')).toHaveCount(0);
  await expect(page.getByTestId('host-banner')).toHaveCount(0);
  const warnings = await page.locator('.checks > li[data-status="warn"]').count();
  if (cls === 'nested') {
    await expect(page.getByRole('heading', { name: 'This computer can run Windows' })).toBeVisible();
    await expect(kvm).toContainText('software emulation (KVM=N)');
    await expect(kvm.locator('.fix-comment').first()).toHaveText('# on the VM host:');
    await expect(continueButton).toBeEnabled();
    await saveScreenshot(page, 'check-ready.png');
    const copy = kvm.getByRole('button', { name: `Copy: ${VMX_COMMAND}` });
    await copy.click();
    await expect(copy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(VMX_COMMAND);
  }

  if (cls === 'kvm' && warnings === 0) {
    // Everything passes: nothing to read, so no Continue; the checklist says so and opens the list by itself.
    await expect(page.getByRole('heading', { name: 'This computer is ready to run Windows' })).toBeVisible();
    await expect(page.getByTestId('checklist-summary')).toHaveText(
      'Everything Porthole needs is in place. Opening your machines…',
    );
    await expect(continueButton).toHaveCount(0);
    await expect(page).toHaveURL(/#\/$/);
  } else {
    // Warnings never block: Continue goes to the list after Check again.
    const again = page.getByRole('button', { name: 'Check again' });
    await again.click();
    await expect(again).toBeEnabled();
    await expect(page.locator('[data-status="fail"]')).toHaveCount(0);
    await continueButton.click();
    await expect(page).toHaveURL(/#\/$/);
  }

  // Either way the next start opens on the list.
  await expect(page.getByRole('heading', { name: 'No Windows machine yet' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'No Windows machine yet' })).toBeVisible();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByTestId('host-banner')).toHaveCount(0);
});

test('engine down (DOCKER_HOST points nowhere): opens on the checklist with the fix; the list shows the banner', async ({
  page,
  testHost,
}) => {
  // Without KVM (none) the KVM check fails too: two problems instead of one.
  const noKvm = (await checkedHostClass(testHost)) === 'none';
  const { host, stop } = await startWebHost({ DOCKER_HOST: 'unix:///nonexistent.sock' }, { testHost });
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
    const failing = noKvm ? ['check-kvm', 'check-engine'] : ['check-engine'];
    for (const [n, id] of failing.entries())
      await expect(page.locator('.checks > li').nth(n)).toHaveAttribute('data-testid', id);
    await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0);
    // The checklist says it all: no second "engine not answering" banner on top.
    await expect(page.getByTestId('engine-banner')).toHaveCount(0);
    await saveScreenshot(page, 'check-engine-down.png');

    await page.getByRole('link', { name: 'Porthole' }).click();
    await expect(page).toHaveURL(/#\/$/);
    const banner = page.getByTestId('host-banner');
    await expect(banner).toContainText(
      noKvm
        ? '2 checks fail: KVM acceleration, Container engine.'
        : 'Container engine: DOCKER_HOST is unix:///nonexistent.sock',
    );
    await expect(page.getByTestId('engine-banner')).toHaveCount(0);
    await banner.getByRole('button', { name: 'See what to do' }).click();
    await expect(page).toHaveURL(/#\/check$/);
    await expect(page.getByTestId('check-engine')).toHaveAttribute('data-status', 'fail');
  } finally {
    await stop();
  }
});
