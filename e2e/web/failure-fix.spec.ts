import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { realHostClass } from '../../app/core/testing/test-host';
import { expect, standinImage, test } from './fixtures';

const exec = promisify(execFile);

// The failure this button fixes, as the host gives it: on a nested host the image's own KVM test refuses
// (exit 88: the CPU hides vmx/svm); where there is no /dev/kvm the engine refuses the container at start
// (app/core/lifecycle/start-refusals.ts). Where KVM works there is nothing to fix: the test checks that it boots.
const KVM_FAILURE: Record<'nested' | 'none', string> = {
  nested: 'The machine could not use KVM hardware acceleration.',
  none: 'This computer has no /dev/kvm, so the machine cannot use KVM hardware acceleration.',
};
test('a machine with KVM on: where KVM works it boots; elsewhere the failure’s button switches it to software emulation, starts it, and the screen opens', async ({
  page,
  webHost,
}) => {
  const cls = await realHostClass();
  const name = `Fix ${Math.random().toString(36).slice(2, 7)}`;
  // A machine with KVM on, made as a user of the CLI would on the same configuration; the app picks it up.
  const { stdout } = await exec(
    process.execPath,
    [
      resolve('out/node/cli.js'),
      'create',
      '--name',
      name,
      '--image',
      standinImage(),
      '--ram',
      '2',
      '--cpus',
      '1',
      '--json',
    ],
    {
      env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir },
    },
  );
  const id = (JSON.parse(stdout) as { id: string }).id;
  webHost.track(id);
  await page.goto(webHost.url);
  const card = page.getByTestId(`machine-${id}`);
  await card.getByRole('button', { name: 'Start' }).click();
  if (cls === 'kvm') {
    // Where KVM works there is nothing to fix: the machine boots with KVM, and no failure or fix is offered.
    await expect(card).toHaveAttribute('data-phase', /booting|installing|ready/, { timeout: 120_000 });
    await expect(card.getByTestId('failure')).toHaveCount(0);
    await expect(card.getByRole('button', { name: /software emulation/ })).toHaveCount(0);
    await expect(card).not.toContainText('software emulation');
    return;
  }
  await expect(card).toHaveAttribute('data-phase', 'failed', { timeout: 120_000 });
  await expect(card.getByTestId('failure')).toContainText(KVM_FAILURE[cls]);

  // One button whose label is the consent: one click agrees and starts. No Start beside it (it would fail again),
  // and the image's raw line stays in the log, one link away.
  const fix = card.getByRole('button', { name: `Run in software emulation (about 10× slower) and start ${name}` });
  await expect(card.getByRole('button', { name: /^Start / })).toHaveCount(0);
  await expect(card.getByRole('checkbox')).toHaveCount(0);
  await fix.click();
  await expect(card).toHaveAttribute('data-phase', /booting|installing|ready/, { timeout: 120_000 });
  await expect(card).toContainText('software emulation');
  await card.getByRole('button', { name: 'Show screen' }).click();
  await expect(page.getByTestId('screen-canvas')).toBeVisible({ timeout: 60_000 });
});
