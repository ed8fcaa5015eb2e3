import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { containerOf, docker, expect, test, tileMenu, type WebHostProcess } from './fixtures';
import { createMachineViaWizard } from '../flows/create-machine';
import { saveScreenshot } from './screenshots';

test.use({ viewport: { width: 1024, height: 700 } });

/** A machine through the wizard: Windows XP (a 2 GB disk keeps the checksum quick), software emulation, the stand-in image. */
async function createMachine(page: Page, webHost: WebHostProcess, name: string): Promise<string> {
  await page.goto(webHost.url);
  const id = await createMachineViaWizard(page, {
    name,
    olderWindows: /Windows XP Professional/,
    diskGiB: 2,
    ramGiB: 2,
    password: 'admin',
  });
  webHost.track(id);
  return id;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function inspect(id: string): Promise<{ Id: string; Env: string[]; Running: boolean }> {
  const out = await docker(
    'inspect',
    '--format',
    '{{json .Id}} {{json .Config.Env}} {{json .State.Running}}',
    await containerOf(id),
  );
  const [cid, env, running] = out.split(' ');
  return {
    Id: JSON.parse(cid!) as string,
    Env: JSON.parse(env!) as string[],
    Running: JSON.parse(running!) as boolean,
  };
}

/** `docker exec` that reports failure instead of throwing. */
async function exec(id: string, ...command: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: await docker('exec', await containerOf(id), ...command) };
  } catch (e) {
    return { ok: false, out: e instanceof Error ? e.message : String(e) };
  }
}

test('changing a machine: memory applied on a running machine keeps the disk; shared folders; delete with the disk', async ({
  page,
  webHost,
}) => {
  const name = `Settings ${Math.random().toString(36).slice(2, 7)}`;
  const id = await createMachine(page, webHost, name);
  const card = page.locator('article.machine-card', { hasText: name });
  await tileMenu(card, 'Settings');

  const settings = page.getByRole('region', { name: `Settings of ${name}` });
  const phase = settings.getByTestId('settings-phase');
  await expect(phase).toHaveAttribute('data-phase', /booting|installing|ready/, { timeout: 120_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, 'settings.png');

  // A known pattern in the data disk, written while the machine is stopped.
  await settings.getByRole('button', { name: 'Shut down' }).click();
  await expect(phase).toHaveAttribute('data-phase', 'stopped', { timeout: 120_000 });
  const disk = join(webHost.dataDir, 'machines', id, 'data.img');
  const pattern = Buffer.alloc(64 * 1024, 'porthole-disk-pattern ');
  const handle = await open(disk, 'r+');
  await handle.write(pattern, 0, pattern.length, 1024 * 1024);
  await handle.close();
  const before = await sha256(disk);

  await settings.getByRole('button', { name: 'Start' }).click();
  await expect(phase).toHaveAttribute('data-phase', /booting|installing|ready/, { timeout: 120_000 });
  const started = await inspect(id);
  expect(started.Env).toContain('RAM_SIZE=2G');

  // The disk never shrinks: the control starts at the current size and says why.
  const resources = settings.getByTestId('settings-resources');
  await expect(resources.getByRole('slider', { name: 'Disk' })).toHaveAttribute('min', '2');
  await resources.getByRole('spinbutton', { name: 'Disk in GB' }).fill('1');
  await expect(resources.getByText('The disk cannot shrink: it is 2 GB, so choose 2 GB or more.')).toBeVisible();
  await expect(settings.getByTestId('settings-bar').getByRole('button', { name: 'Apply' })).toBeDisabled();
  await resources.getByRole('spinbutton', { name: 'Disk in GB' }).fill('2');

  // Move the memory slider: the change says when it applies; Apply asks, then restarts the machine.
  const ram = resources.getByRole('slider', { name: 'Memory' });
  await ram.focus();
  await ram.press('ArrowRight');
  await expect(ram).toHaveValue('3');
  await expect(resources.getByText('Changed · applies after a restart')).toBeVisible();
  await expect(settings.getByTestId('applies-when')).toContainText('Porthole shuts Windows down gracefully');
  await saveScreenshot(page, 'settings-change.png');
  await settings.getByTestId('settings-bar').getByRole('button', { name: 'Apply' }).click();
  const dialog = page.getByTestId('apply-dialog');
  await expect(dialog).toContainText('Memory: 2 GB → 3 GB');
  await saveScreenshot(page, 'settings-apply.png');
  await dialog.getByRole('button', { name: 'Restart and apply' }).click();
  await expect(settings.getByTestId('settings-bar')).toContainText('Applied: the machine runs with the new settings.', {
    timeout: 120_000,
  });
  const applied = await inspect(id);
  expect(applied.Id).not.toBe(started.Id);
  expect(applied.Env).toContain('RAM_SIZE=3G');
  expect(applied.Running).toBe(true);

  await settings.getByRole('button', { name: 'Shut down' }).click();
  await expect(phase).toHaveAttribute('data-phase', 'stopped', { timeout: 120_000 });
  expect(await sha256(disk)).toBe(before);

  // Shared folders: one writable, one read-only; on a stopped machine the change waits for the next start.
  const shared = join(webHost.dataDir, '..', 'shared');
  const writable = join(shared, 'writable');
  const readOnly = join(shared, 'read-only');
  await mkdir(writable, { recursive: true });
  await mkdir(readOnly, { recursive: true });
  await writeFile(join(writable, 'hello.txt'), 'hello from the host\n');
  await writeFile(join(readOnly, 'notes.txt'), 'read me, do not change me\n');

  await settings.getByRole('button', { name: 'Add a shared folder' }).click();
  await settings.getByLabel('Shared folder 1', { exact: true }).fill(writable);
  await settings.getByLabel('Shared folder 1 is read-only').uncheck();
  await expect(settings.getByTestId('shared-folder-1')).toContainText('\\\\host.lan\\Data (drive Z:)');
  await settings.getByRole('button', { name: 'Add a shared folder' }).click();
  await settings.getByLabel('Shared folder 2', { exact: true }).fill(join(shared, 'missing'));
  await expect(
    settings
      .getByRole('group', { name: 'Shared folders' })
      .getByText(/missing does not exist on this computer. Create it first/),
  ).toBeVisible();
  await settings.getByLabel('Shared folder 2', { exact: true }).fill(readOnly);
  await expect(settings.getByLabel('Shared folder 2 is read-only')).toBeChecked();
  await expect(settings.getByText(/Programs inside Windows can read every file in a shared folder/)).toBeVisible();
  await expect(settings.getByTestId('applies-when')).toContainText(
    'The machine is stopped: this applies at its next start',
  );
  await saveScreenshot(page, 'settings-shared-folders.png');
  await settings.getByTestId('settings-bar').getByRole('button', { name: 'Apply' }).click();
  await expect(settings.getByTestId('settings-bar')).toContainText(
    'Saved: the changes apply at the machine’s next start.',
  );

  await settings.getByRole('button', { name: 'Start' }).click();
  await expect(phase).toHaveAttribute('data-phase', /preparing|booting|installing|ready/, { timeout: 120_000 });
  await expect.poll(async () => (await inspect(id)).Running, { timeout: 60_000 }).toBe(true);
  expect((await exec(id, 'cat', '/shared/hello.txt')).out).toBe('hello from the host');
  expect((await exec(id, 'cat', '/shared2/notes.txt')).out).toBe('read me, do not change me');
  expect((await exec(id, 'touch', '/shared/from-windows.txt')).ok).toBe(true);
  expect((await stat(join(writable, 'from-windows.txt'))).isFile()).toBe(true);
  const denied = await exec(id, 'touch', '/shared2/from-windows.txt');
  expect(denied.ok).toBe(false);
  expect(denied.out).toMatch(/Read-only file system/);
  expect(await readFile(join(readOnly, 'notes.txt'), 'utf8')).toBe('read me, do not change me\n');

  // Delete, disk included: the second confirmation names the folder and its size.
  await settings.getByRole('button', { name: 'Delete machine…' }).click();
  const remove = page.getByTestId('delete-dialog');
  await remove.getByLabel(/Delete the disk too/).check();
  await remove.getByRole('button', { name: 'Continue…' }).click();
  await expect(remove).toContainText(join(webHost.dataDir, 'machines', id));
  await expect(remove.getByTestId('delete-size')).toHaveText(/\d+(\.\d)? (KB|MB|GB)/);
  await saveScreenshot(page, 'settings-delete.png');
  await remove.getByRole('button', { name: 'Delete machine and disk' }).click();
  // Back on the list once the machine and its folder are gone.
  await expect(page).toHaveURL(/#\/$/, { timeout: 120_000 });
  await expect(page.locator('article.machine-card', { hasText: name })).toHaveCount(0);
  await expect(stat(join(webHost.dataDir, 'machines', id))).rejects.toThrow(/ENOENT/);
  expect(await docker('ps', '-aq', '--filter', `label=io.porthole.machine=${id}`)).toBe('');
});
