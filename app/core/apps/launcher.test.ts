// What an app-menu launcher runs, for each way Porthole can be started: the installed executable
// (deb/rpm), the AppImage's own file, Electron from a build folder, and the Node CLI of the test bed.
import { describe, expect, it } from 'vitest';
import { desktopEntry } from './desktop-entry';
import { howStarted, portholeCommand, type HowStarted } from './launcher';
import { defaultCliCommand } from './service';

const APP = { machineId: 'office', machineName: 'Office PC', appId: '3561ec4a8629', name: 'Notepad', iconPng: null };
const execLine = (how: HowStarted): string => /^Exec=(.*)$/m.exec(desktopEntry(APP, portholeCommand(how), null))![1]!;

describe('the launcher command', () => {
  it('a deb/rpm install runs the installed executable with the app verb', () => {
    const how = howStarted({
      execPath: '/opt/Porthole/porthole',
      env: {},
      electron: { packaged: true, appPath: '/opt/Porthole/resources/app.asar' },
      cliScript: '',
    });
    expect(how).toEqual({ kind: 'packaged', executable: '/opt/Porthole/porthole' });
    expect(execLine(how)).toBe('/opt/Porthole/porthole app office 3561ec4a8629 %f');
    // Electron runs as porthole.bin behind the launcher (build/after-pack.mjs): the entry names the launcher.
    const behind = howStarted({
      execPath: '/opt/Porthole/porthole.bin',
      env: {},
      electron: { packaged: true, appPath: '' },
      cliScript: '',
    });
    expect(execLine(behind)).toBe('/opt/Porthole/porthole app office 3561ec4a8629 %f');
  });

  it('an AppImage runs its own file, not the mount it runs from this time', () => {
    const how = howStarted({
      execPath: '/tmp/.mount_PorthXYZ/porthole',
      env: { APPIMAGE: '/home/me/My Apps/Porthole-0.1.0.AppImage' },
      electron: { packaged: true, appPath: '/tmp/.mount_PorthXYZ/resources/app.asar' },
      cliScript: '',
    });
    expect(execLine(how)).toBe('"/home/me/My Apps/Porthole-0.1.0.AppImage" app office 3561ec4a8629 %f');
  });

  it('ignores a relative $APPIMAGE and one inherited by an unpackaged or Node Porthole', () => {
    const packaged = howStarted({
      execPath: '/opt/Porthole/porthole',
      env: { APPIMAGE: 'Porthole.AppImage' },
      electron: { packaged: true, appPath: '' },
      cliScript: '',
    });
    expect(packaged.kind).toBe('packaged');
    const dev = howStarted({
      execPath: '/src/node_modules/electron/dist/electron',
      env: { APPIMAGE: '/x.AppImage' },
      electron: { packaged: false, appPath: '/src' },
      cliScript: '',
    });
    expect(execLine(dev)).toBe('/src/node_modules/electron/dist/electron /src app office 3561ec4a8629 %f');
    const node = howStarted({
      execPath: '/usr/bin/node',
      env: { APPIMAGE: '/x.AppImage' },
      electron: null,
      cliScript: '/src/out/node/cli.js',
    });
    expect(execLine(node)).toBe('/usr/bin/node /src/out/node/cli.js app office 3561ec4a8629 %f');
  });

  it('never goes through ELECTRON_RUN_AS_NODE (the released app has that fuse off)', () => {
    const cases: HowStarted[] = [
      { kind: 'node', node: '/usr/bin/node', cliScript: '/src/out/node/cli.js' },
      { kind: 'electron-dev', electron: '/e/electron', appPath: '/src' },
      { kind: 'packaged', executable: '/opt/Porthole/porthole' },
      { kind: 'appimage', appImage: '/home/me/Porthole.AppImage' },
    ];
    for (const how of cases) expect(execLine(how)).not.toMatch(/ELECTRON_RUN_AS_NODE|^env /);
  });

  it('under Node, by default, is this Node and the CLI of the build folder', () => {
    const command = defaultCliCommand();
    expect(command[0]).toBe(process.execPath);
    expect(command[1]).toMatch(/cli\.js$/);
    expect(command).toHaveLength(2);
  });
});
