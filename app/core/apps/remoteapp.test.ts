import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { PortholeError } from '../../api';
import { APPS_FOLDER, type MachineView } from '../../api';
import { openRemoteApp, remoteAppArgs, windowsPathOf, type RemoteAppTarget } from './remoteapp';
import { AppsService } from './service';

const SECRET = 'S3cr3t, "quoted" $HOME';
let dir: string;
let bin: string;
let records: string;
let shared: string;

function machine(extra: Partial<MachineSettings> = {}): MachineSettings {
  return {
    id: 'office',
    name: 'Office PC',
    image: 'dockurr/windows:6.05',
    version: '11',
    language: 'English',
    username: 'Alice',
    password: SECRET,
    ramGiB: 4,
    cpuCores: 2,
    diskGiB: 64,
    diskFormat: 'raw',
    sharedFolders: [{ hostPath: shared, readOnly: false }],
    customIso: null,
    screen: { width: 1280, height: 720 },
    storageDir: '/srv/porthole/office',
    ports: { web: 18006, rdp: 13389 },
    autoStart: false,
    kvm: true,
    ...extra,
  };
}

const notepad: RemoteAppTarget = {
  appId: '3561ec4a8629',
  name: 'Notepad',
  target: 'C:\\Windows\\System32\\notepad.exe',
  args: '',
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-remoteapp-'));
  bin = join(dir, 'bin');
  records = join(dir, 'records');
  shared = join(dir, 'shared');
  await Promise.all([mkdir(bin), mkdir(records), mkdir(shared), mkdir(join(dir, 'work'))]);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A recording fake FreeRDP (as the RDP tests use): argv one per line, all of stdin; `--version` answers `version`. */
async function fakeClient(name: string, version = '3.5.1', tail = 'exit 0'): Promise<void> {
  const script = [
    '#!/bin/sh',
    `if [ "$1" = --version ]; then echo "This is FreeRDP version ${version} (n/a)"; exit 0; fi`,
    `rec="$FAKE_RECORDS/${name}"`,
    'for a in "$@"; do printf "%s\\n" "$a"; done > "$rec.argv"',
    '/bin/cat > "$rec.stdin"',
    tail,
    '',
  ].join('\n');
  await writeFile(join(bin, name), script);
  await chmod(join(bin, name), 0o755);
}

const options = () => ({ env: { PATH: bin, FAKE_RECORDS: records }, tmpDir: join(dir, 'work'), watchMs: 300 });

async function record(name: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    try {
      return await readFile(join(records, name), 'utf8');
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return readFile(join(records, name), 'utf8');
}

describe('openRemoteApp through a recording fake FreeRDP', () => {
  it('starts xfreerdp3 with /app:program:…, its own WM_CLASS, and the password on stdin only', async () => {
    await fakeClient('xfreerdp3');
    expect(await openRemoteApp(machine(), notepad, options())).toEqual({ launched: true, client: 'xfreerdp3' });
    const argv = (await record('xfreerdp3.argv')).split('\n').filter(Boolean);
    expect(argv).toEqual([
      '/v:127.0.0.1:13389',
      '/u:Alice',
      '/from-stdin:force',
      '/cert:ignore',
      '/wm-class:porthole-office-3561ec4a8629',
      '/app:program:C:\\Windows\\System32\\notepad.exe,name:Notepad',
    ]);
    expect(argv.join('\n')).not.toContain('S3cr3t');
    expect(await record('xfreerdp3.stdin')).toBe(`${SECRET}\n`);
  });

  it('on an ssh engine, goes to the forwarded local port it is given (the one Remote Desktop and the screen use), not the published one', async () => {
    await fakeClient('xfreerdp3');
    const forwarded = {
      host: '127.0.0.1',
      port: 40123,
      note: 'Reached through ssh: port 40123 here is forwarded to 127.0.0.1:13389 on box while Porthole runs.',
    };
    await openRemoteApp(machine(), notepad, { ...options(), address: forwarded });
    const argv = (await record('xfreerdp3.argv')).split('\n').filter(Boolean);
    expect(argv[0]).toBe('/v:127.0.0.1:40123');
    expect(argv).not.toContain('/v:127.0.0.1:13389');
  });

  it('the apps service launches through the address the backend gives for the RDP port (an ssh engine’s forward)', async () => {
    await fakeClient('xfreerdp3');
    await cp(join(__dirname, 'fixtures', 'apps-sample'), join(shared, APPS_FOLDER), { recursive: true });
    const asked: number[] = [];
    const view = {
      id: 'office',
      name: 'Office PC',
      ports: { web: 18006, rdp: 13389 },
      status: { phase: 'ready', running: true, screenReady: true },
    } as unknown as MachineView;
    const service = new AppsService({
      env: { ...options().env, HOME: dir, XDG_DATA_HOME: join(dir, 'data') },
      cliCommand: ['porthole'],
      get: () => view,
      settings: async () => machine(),
      start: async () => undefined,
      installed: () => true,
      watch: () => () => undefined,
      address: async (port) => (asked.push(port), { host: '127.0.0.1', port: 40999, note: 'forwarded' }),
    });
    expect(await service.launch('office', notepad.appId)).toMatchObject({ launched: true });
    expect(asked).toEqual([13389]);
    expect((await record('xfreerdp3.argv')).split('\n')[0]).toBe('/v:127.0.0.1:40999');
  });

  it('uses FreeRDP 2 syntax (/app:, /app-name:, /app-cmd:) when xfreerdp says it is 2.x', async () => {
    await fakeClient('xfreerdp', '2.11.7');
    const calc = {
      appId: '7c1ea93a94b3',
      name: 'Calculator',
      target: 'C:\\Windows\\explorer.exe',
      args: 'shell:AppsFolder\\Microsoft.WindowsCalculator_8wekyb3d8bbwe!App',
    };
    await openRemoteApp(machine(), calc, options());
    const argv = (await record('xfreerdp.argv')).split('\n').filter(Boolean);
    expect(argv.slice(4)).toEqual([
      '/wm-class:porthole-office-7c1ea93a94b3',
      '/app:C:\\Windows\\explorer.exe',
      '/app-name:Calculator',
      '/app-cmd:shell:AppsFolder\\Microsoft.WindowsCalculator_8wekyb3d8bbwe!App',
    ]);
    expect(await record('xfreerdp.stdin')).toBe(`${SECRET}\n`);
  });

  it('opens a file of the shared folder by its \\\\host.lan\\Data path', async () => {
    await fakeClient('xfreerdp3');
    await mkdir(join(shared, 'Letters'));
    await writeFile(join(shared, 'Letters', 'to Bob.txt'), 'hi');
    const file = await windowsPathOf(machine(), join(shared, 'Letters', 'to Bob.txt'));
    expect(file).toBe('\\\\host.lan\\Data\\Letters\\to Bob.txt');
    await openRemoteApp(machine(), { ...notepad, file }, options());
    const argv = (await record('xfreerdp3.argv')).split('\n').filter(Boolean);
    expect(argv.at(-1)).toBe(
      '/app:program:C:\\Windows\\System32\\notepad.exe,name:Notepad,cmd:"\\\\host.lan\\Data\\Letters\\to Bob.txt"',
    );
  });

  it('says how to install FreeRDP when only Remmina is there (it cannot start a RemoteApp logged on)', async () => {
    await fakeClient('remmina');
    const root = join(dir, 'root');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc', 'os-release'), 'ID=debian\nVERSION_ID=13\n');
    const result = await openRemoteApp(machine(), notepad, { ...options(), root, uid: 1000 });
    expect(result.launched).toBe(false);
    expect(result.fix?.text).toMatch(/^Windows programs open through FreeRDP\./);
    expect(result.fix?.commands.join(' ')).toContain('freerdp3-x11');
  });

  it('keeps the password out of the error when the client fails at once saying it', async () => {
    // It prints what it read on stdin (the password) with its error, as a careless client might.
    await fakeClient(
      'xfreerdp3',
      '3.5.1',
      'printf "ERROR: logon failed for %s\\n" "$(/bin/cat "$rec.stdin")" >&2; exit 131',
    );
    const error = await openRemoteApp(machine(), notepad, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortholeError);
    expect((error as PortholeError).message).toContain('quit with exit code 131');
    expect((error as PortholeError).message).toContain('[password hidden]');
    expect(
      JSON.stringify(error) + String((error as Error).message) + String((error as PortholeError).remedy),
    ).not.toContain('S3cr3t');
  });
});

describe('the RemoteApp command line', () => {
  it('refuses for FreeRDP 3 a comma its /app: option cannot carry, and says what to do', () => {
    expect(() => remoteAppArgs(machine(), { ...notepad, file: '\\\\host.lan\\Data\\a,b.txt' }, 3)).toThrow(
      /hold a comma/,
    );
    expect(remoteAppArgs(machine(), { ...notepad, file: '\\\\host.lan\\Data\\a,b.txt' }, 2).at(-1)).toBe(
      '/app-cmd:"\\\\host.lan\\Data\\a,b.txt"',
    );
  });

  it('keeps a comma or a line break out of the name', () => {
    expect(remoteAppArgs(machine(), { ...notepad, name: 'Word, Excel\nand more' }, 3).at(-1)).toBe(
      '/app:program:C:\\Windows\\System32\\notepad.exe,name:Word Excel and more',
    );
  });
});

describe('windowsPathOf', () => {
  it('refuses a file outside the shared folder, through a symlink too, and a machine without one', async () => {
    await writeFile(join(dir, 'outside.txt'), 'x');
    await symlink(join(dir, 'outside.txt'), join(shared, 'link.txt'));
    await expect(windowsPathOf(machine(), join(dir, 'outside.txt'))).rejects.toThrow(
      /is not in Office PC's shared folder/,
    );
    await expect(windowsPathOf(machine(), join(shared, 'link.txt'))).rejects.toThrow(
      /is not in Office PC's shared folder/,
    );
    await expect(windowsPathOf(machine(), join(shared, 'missing.txt'))).rejects.toThrow(/does not exist/);
    await expect(windowsPathOf(machine({ sharedFolders: [] }), join(shared, 'x'))).rejects.toThrow(
      /has no shared folder/,
    );
  });
});
