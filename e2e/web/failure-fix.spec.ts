import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { realHostClass } from '../../app/core/testing/test-host';
import { expect, standinImage, test } from './fixtures';

const exec = promisify(execFile);

// A KVM refusal (exit 88) comes only from the image's own KVM test on a nested host (the CPU hides vmx/svm).
// Where KVM works the real stand-in boots instead, and where the engine has no /dev/kvm the start is refused
// before any container: neither has the failure this button fixes.
test('the KVM failure’s button switches the machine to software emulation, starts it, and the screen opens', async ({ page, webHost }) => {
  const cls = await realHostClass();
  test.skip(cls !== 'nested', `exit 88 needs a nested host (the image's KVM test refuses it); this host is "${cls}"`);
  const name = `Fix ${Math.random().toString(36).slice(2, 7)}`;
  // A machine with KVM on, made as a user of the CLI would on the same configuration; the app picks it up.
  const { stdout } = await exec(process.execPath, [resolve('out/node/cli.js'), 'create', '--name', name, '--image', standinImage(), '--ram', '2', '--cpus', '1', '--json'], {
    env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir },
  });
  const id = (JSON.parse(stdout) as { id: string }).id;
  webHost.track(id);
  await page.goto(webHost.url);
  const card = page.getByTestId(`machine-${id}`);
  await card.getByRole('button', { name: 'Start' }).click();
  await expect(card).toHaveAttribute('data-phase', 'failed', { timeout: 120_000 });
  await expect(card.getByTestId('failure')).toContainText('The machine could not use KVM hardware acceleration.');

  // The same consent as the wizard's, before anything changes.
  const fix = card.getByRole('button', { name: 'Use software emulation and start' });
  await expect(fix).toBeDisabled();
  await card.getByLabel('Run Windows in software emulation (no KVM, about 10× slower)').check();
  await fix.click();
  await expect(card).toHaveAttribute('data-phase', /booting|installing|ready/, { timeout: 120_000 });
  await expect(card).toContainText('software emulation');
  await card.getByRole('button', { name: 'Show screen' }).click();
  await expect(page.getByTestId('screen-canvas')).toBeVisible({ timeout: 60_000 });
});
