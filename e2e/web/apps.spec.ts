import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../app/core/backend';
import { realHostClass } from '../../app/core/testing/test-host';
import { expect, standinImage, startWebHost, test, tileMenu } from './fixtures';
import { saveScreenshot } from './screenshots';

const SAMPLE = join('app', 'core', 'apps', 'fixtures', 'apps-sample');
const PASSWORD = 'e2e "apps" pass, $HOME';

/**
 * The app page end to end: a machine whose shared folder holds a program list written as Windows writes it
 * (the sample), shown with icons and search in Chromium through the web host, one program opened through a
 * recording fake FreeRDP on this computer (what the web host's backend spawns), and added to the app menu.
 */
test('lists the programs Windows wrote in the shared folder and opens one through FreeRDP RemoteApp', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const root = await mkdtemp(join(tmpdir(), 'porthole-e2e-apps-'));
  const [bin, records, shared, xdg] = ['bin', 'records', 'shared', 'xdg'].map((d) => join(root, d)) as [
    string,
    string,
    string,
    string,
  ];
  await Promise.all([bin, records, shared].map((d) => mkdir(d)));
  const fake = [
    '#!/bin/sh',
    'for a in "$@"; do printf "%s\\n" "$a"; done > "$FAKE_RECORDS/argv"',
    '/bin/cat > "$FAKE_RECORDS/stdin"',
    'exit 0',
    '',
  ];
  await writeFile(join(bin, 'xfreerdp3'), fake.join('\n'));
  await chmod(join(bin, 'xfreerdp3'), 0o755);
  await cp(SAMPLE, join(shared, '.porthole', 'apps'), { recursive: true });

  const { host, stop } = await startWebHost({
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    FAKE_RECORDS: records,
    XDG_DATA_HOME: xdg,
  });
  try {
    // The machine is made by another Porthole process on the same configuration (as the CLI would), with a shared folder.
    const other = await createBackend({
      configDir: host.configDir,
      dataDir: host.dataDir,
      env: process.env,
      watch: false,
    });
    const made = await other.invoke('createMachine', {
      name: `Apps ${Math.random().toString(36).slice(2, 7)}`,
      image: standinImage(),
      kvm: (await realHostClass()) === 'kvm',
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      password: PASSWORD,
      sharedFolders: [{ hostPath: shared, readOnly: false }],
    });
    await other.dispose();
    if (!made.ok) throw new Error(made.error.message);
    const id = (made.value as { id: string }).id;
    host.track(id);

    await page.goto(host.url);
    const card = page.getByTestId(`machine-${id}`);
    await card.getByRole('button', { name: /^Start / }).click();
    await expect(card).toHaveAttribute('data-phase', 'ready', { timeout: 180_000 });

    await tileMenu(card, 'Apps');
    const apps = page.getByTestId('apps-page');
    await expect(apps.getByRole('heading', { level: 3 })).toHaveText([
      'Calculator',
      'Notepad',
      'Paint',
      'Sneaky',
      'Word & Co',
    ]);
    // Notepad's icon is the PNG Windows saved; the others have none.
    await expect(page.getByTestId('app-3561ec4a8629').locator('img')).toHaveAttribute(
      'src',
      /^data:image\/png;base64,/,
    );
    await expect(apps.getByText(/entries of the list were left out or shown without an icon/)).toBeVisible();

    await apps.getByRole('searchbox', { name: 'Search programs' }).fill('note');
    await expect(apps.getByRole('heading', { level: 3 })).toHaveText(['Notepad']);
    await page.getByTestId('app-3561ec4a8629').getByRole('button', { name: 'Add to app menu' }).click();
    await expect(apps.getByText('In the app menu')).toBeVisible();
    expect(await readdir(join(xdg, 'applications'))).toEqual([`porthole-${id}-3561ec4a8629.desktop`]);
    await apps.getByRole('searchbox', { name: 'Search programs' }).fill('');
    await saveScreenshot(page, 'windows-apps.png');

    await page.getByTestId('app-3561ec4a8629').getByRole('button', { name: 'Open' }).click();
    await expect(page.getByTestId('apps-status')).toHaveText('Notepad opened in xfreerdp3 on this computer.');
    const argv = (await readFile(join(records, 'argv'), 'utf8')).split('\n').filter(Boolean);
    expect(argv).toContain(`/wm-class:porthole-${id}-3561ec4a8629`);
    expect(argv.at(-1)).toBe('/app:program:C:\\Windows\\System32\\notepad.exe,name:Notepad');
    expect(argv.join('\n')).not.toContain('e2e "apps"');
    expect(await readFile(join(records, 'stdin'), 'utf8')).toBe(`${PASSWORD}\n`);

    // The app menu entry's own command (what the desktop runs) opens the program too, through the CLI.
    await rm(join(records, 'argv'));
    const entry = await readFile(join(xdg, 'applications', `porthole-${id}-3561ec4a8629.desktop`), 'utf8');
    const exec = /^Exec=(.*) %f$/m.exec(entry)?.[1] ?? '';
    expect(exec).toMatch(new RegExp(`/out/node/cli\\.js app ${id} 3561ec4a8629$`));
    const [program, ...args] = exec.split(' ');
    const cli = spawnSync(program!, args, {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        FAKE_RECORDS: records,
        XDG_DATA_HOME: xdg,
        PORTHOLE_CONFIG_DIR: host.configDir,
        PORTHOLE_DATA_DIR: host.dataDir,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.stdout).toContain(`Opened Notepad from ${id} in xfreerdp3`);
    expect(cli.status).toBe(0);
    expect((await readFile(join(records, 'argv'), 'utf8')).split('\n').filter(Boolean).at(-1)).toBe(
      '/app:program:C:\\Windows\\System32\\notepad.exe,name:Notepad',
    );
  } finally {
    await stop();
    await rm(root, { recursive: true, force: true });
  }
});
