import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runValidator } from '../../main/testing/validators';
import { addToMenu, dataHome, desktopEntry, menuEntries, pngSize, removeFromMenu, type MenuApp } from './desktop-entry';

const SAMPLE_ICON = join(__dirname, 'fixtures', 'apps-sample', 'icons', '3561ec4a8629.png');
let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-menu-'));
  env = { HOME: join(dir, 'home'), XDG_DATA_HOME: join(dir, 'data') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const app = async (extra: Partial<MenuApp> = {}): Promise<MenuApp> => ({
  machineId: 'office',
  machineName: 'Office PC',
  appId: '3561ec4a8629',
  name: 'Notepad',
  iconPng: await readFile(SAMPLE_ICON),
  ...extra,
});
const CLI = ['/usr/bin/node', '/opt/My Apps/porthole/out/node/cli.js'];

describe('app menu entries', () => {
  it('live in $XDG_DATA_HOME, else ~/.local/share', () => {
    expect(dataHome({ XDG_DATA_HOME: '/x/data', HOME: '/home/me' })).toBe('/x/data');
    expect(dataHome({ XDG_DATA_HOME: 'relative', HOME: '/home/me' })).toBe('/home/me/.local/share');
  });

  it('are written with the icon in hicolor by its size, start `porthole app MACHINE APP %f`, and pass desktop-file-validate', async () => {
    const file = await addToMenu(env, await app(), CLI);
    expect(file).toBe(join(dir, 'data', 'applications', 'porthole-office-3561ec4a8629.desktop'));
    const text = await readFile(file, 'utf8');
    const icon = join(dir, 'data', 'icons', 'hicolor', '32x32', 'apps', 'porthole-office-3561ec4a8629.png');
    expect(text).toContain('Exec=/usr/bin/node "/opt/My Apps/porthole/out/node/cli.js" app office 3561ec4a8629 %f\n');
    expect(text).toContain(`Icon=${icon}\n`);
    expect(text).toContain('StartupWMClass=porthole-office-3561ec4a8629\n');
    expect((await stat(icon)).size).toBeGreaterThan(0);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    runValidator('desktop-file-validate', [file], 'desktop-file-utils');
  });

  it('stay valid for names Windows allows and the spec escapes (backslash, line breaks, %, quotes, leading space)', async () => {
    const odd = await app({ name: ' C:\\ "Tools" 100%\nnew line\ttab', machineName: 'Büro; "PC"', iconPng: null });
    const file = await addToMenu(env, odd, ['/home/me/$weird `dir`/porthole']);
    runValidator('desktop-file-validate', [file], 'desktop-file-utils');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('Name=\\sC:\\\\ "Tools" 100%\\nnew line\\ttab\n');
    expect(text).not.toContain('Icon=');
    expect(text).toContain('Exec="/home/me/\\\\$weird \\\\`dir\\\\`/porthole" app office');
  });

  it('are removed per program, or all of a machine, never another machine whose id starts the same', async () => {
    await addToMenu(env, await app(), CLI);
    await addToMenu(env, await app({ appId: '7c1ea93a94b3', name: 'Calculator', iconPng: null }), CLI);
    await addToMenu(env, await app({ machineId: 'office-2', machineName: 'Office 2' }), CLI);
    // A file of the person's own with a Porthole-like name is not Porthole's entry.
    await writeFile(join(dir, 'data', 'applications', 'porthole-office-mine.desktop'), '[Desktop Entry]\nName=Mine\n');
    expect((await menuEntries(env)).map((e) => `${e.machineId}/${e.appId}`).sort()).toEqual([
      'office-2/3561ec4a8629',
      'office/3561ec4a8629',
      'office/7c1ea93a94b3',
    ]);

    await removeFromMenu(env, 'office', (id) => id === '7c1ea93a94b3');
    expect((await menuEntries(env)).map((e) => `${e.machineId}/${e.appId}`).sort()).toEqual([
      'office-2/3561ec4a8629',
      'office/3561ec4a8629',
    ]);

    await removeFromMenu(env, 'office');
    expect(await readdir(join(dir, 'data', 'applications'))).toEqual(
      ['porthole-office-2-3561ec4a8629.desktop', 'porthole-office-mine.desktop'].sort(),
    );
    expect(await readdir(join(dir, 'data', 'icons', 'hicolor', '32x32', 'apps'))).toEqual([
      'porthole-office-2-3561ec4a8629.png',
    ]);
  });

  it('leave an icon path that is not Porthole’s own alone when removed', async () => {
    const apps = join(dir, 'data', 'applications');
    await mkdir(apps, { recursive: true });
    const precious = join(dir, 'precious.png');
    await writeFile(precious, 'keep');
    await writeFile(join(apps, 'porthole-office-3561ec4a8629.desktop'), desktopEntry(await app(), CLI, precious));
    await removeFromMenu(env, 'office');
    expect(await readFile(precious, 'utf8')).toBe('keep');
  });

  it('read a PNG size from its header', async () => {
    expect(pngSize(await readFile(SAMPLE_ICON))).toEqual({ width: 32, height: 32 });
    expect(pngSize(Buffer.from('not a png'))).toBeNull();
  });
});
