import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runValidator } from './testing/validators';
import {
  autostartEntry,
  autostartFile,
  isAutostartEnabled,
  launchCommand,
  quoteExecArg,
  setAutostart,
} from './autostart';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/me' })).toBe('/x/cfg/autostart/porthole.desktop');
    expect(autostartFile({ HOME: '/home/me' })).toBe('/home/me/.config/autostart/porthole.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative', HOME: '/home/me' })).toBe(
      '/home/me/.config/autostart/porthole.desktop',
    );
  });

  it('starts Porthole hidden in the tray', () => {
    expect(autostartEntry(['/opt/Porthole/porthole'])).toContain('Exec=/opt/Porthole/porthole --hidden\n');
  });

  it('starts the AppImage, not its temporary mount', () => {
    const env = { APPIMAGE: '/home/me/Apps/Porthole-0.1.0.AppImage' };
    expect(
      launchCommand({
        execPath: '/tmp/.mount_X/porthole',
        isPackaged: true,
        appPath: '/tmp/.mount_X/resources/app.asar',
        env,
      }),
    ).toEqual(['/home/me/Apps/Porthole-0.1.0.AppImage']);
    expect(launchCommand({ execPath: '/e/electron', isPackaged: false, appPath: '/src/porthole', env: {} })).toEqual([
      '/e/electron',
      '/src/porthole',
    ]);
  });

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    expect(quoteExecArg('/opt/Porthole/porthole')).toBe('/opt/Porthole/porthole');
    expect(quoteExecArg('/home/me/My Apps/Porthole.AppImage')).toBe('"/home/me/My Apps/Porthole.AppImage"');
    expect(quoteExecArg('/a/100%')).toBe('/a/100%%');
    expect(quoteExecArg('/a/$HOME "x"')).toBe('"/a/\\\\$HOME \\\\"x\\\\""');
    expect(quoteExecArg('/a/back\\slash y')).toBe('"/a/back\\\\\\\\slash y"');
  });

  it('passes desktop-file-validate, spaces in the path included', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-autostart-'));
    const file = join(dir, 'porthole.desktop');
    await writeFile(file, autostartEntry(['/home/me/My Apps/Porthole "beta".AppImage']));
    runValidator('desktop-file-validate', [file], 'desktop-file-utils');
  });

  it('is written and removed, and read back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-autostart-'));
    const file = join(dir, 'autostart', 'porthole.desktop');
    expect(await isAutostartEnabled(file)).toBe(false);
    await setAutostart(file, true, ['/opt/Porthole/porthole']);
    expect(await readFile(file, 'utf8')).toContain('[Desktop Entry]');
    expect(await isAutostartEnabled(file)).toBe(true);
    await setAutostart(file, false, []);
    expect(await isAutostartEnabled(file)).toBe(false);
    await setAutostart(file, false, []);
  });

  it('counts an entry the desktop disabled as off', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-autostart-'));
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'porthole.desktop');
    await writeFile(file, '[Desktop Entry]\nType=Application\nName=Porthole\nExec=porthole\nHidden=true\n');
    expect(await isAutostartEnabled(file)).toBe(false);
  });
});
