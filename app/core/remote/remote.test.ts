import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { PortholeError } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { openRemoteDesktop, type RemoteDesktopOptions } from './index';
import { clientSays, redact } from './launch';

const SECRET = 'Tr0ub4dor&3 "quoted" $HOME';

const machine: MachineSettings = sampleMachine({
  id: 'win-test',
  name: 'Office PC',
  username: 'Alice',
  password: SECRET,
  storageDir: '/srv/porthole/win-test',
  ports: { web: 18006, rdp: 13389 },
});

let dir: string;
let bin: string;
let records: string;
let work: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-remote-test-'));
  bin = join(dir, 'bin');
  records = join(dir, 'records');
  work = join(dir, 'work');
  await Promise.all([mkdir(bin), mkdir(records), mkdir(work)]);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A fake client: records its argv (one argument a line) and everything on its stdin, then runs
 * `tail` (shell). Recording waits for stdin's end, so a client whose stdin is never closed hangs the test.
 */
async function fakeClient(name: string, tailScript = 'exit 0'): Promise<void> {
  const script = [
    '#!/bin/sh',
    `rec="$FAKE_RECORDS/${name}"`,
    'for a in "$@"; do printf "%s\\n" "$a"; done > "$rec.argv"',
    '/bin/cat > "$rec.stdin"',
    // A Remmina profile is read while the client runs, as Remmina does.
    'if [ "$1" = "-c" ]; then /bin/cat "$2" > "$rec.profile"; /bin/ls -l "$2" > "$rec.mode"; fi',
    tailScript,
    '',
  ].join('\n');
  const path = join(bin, name);
  await writeFile(path, script);
  await chmod(path, 0o755);
}

function options(extra: Partial<RemoteDesktopOptions> = {}): RemoteDesktopOptions {
  return {
    env: { PATH: bin, FAKE_RECORDS: records },
    tmpDir: work,
    watchMs: 300,
    profileLifetimeMs: 200,
    ...extra,
  };
}

const read = (name: string): Promise<string> => readFile(join(records, name), 'utf8');

/** Waits until the fake client has written a record (the launch returns before a detached client ends). */
async function record(name: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    try {
      return await read(name);
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return read(name);
}

async function fakeRoot(osRelease: string): Promise<string> {
  const root = join(dir, 'root');
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc', 'os-release'), osRelease);
  return root;
}

describe('openRemoteDesktop with FreeRDP', () => {
  it.each(['xfreerdp3', 'xfreerdp'])(
    'starts %s at the RDP port with the user on argv and the password only on stdin',
    async (name) => {
      await fakeClient(name);
      const result = await openRemoteDesktop(machine, options());
      expect(result).toEqual({ launched: true, client: name });

      const argv = (await record(`${name}.argv`)).split('\n').filter(Boolean);
      expect(argv).toEqual([
        '/v:127.0.0.1:13389',
        '/u:Alice',
        '/from-stdin:force',
        '/cert:ignore',
        '/t:Office PC',
        '/dynamic-resolution',
      ]);
      expect(argv.join('\n')).not.toContain('Tr0ub4dor');
      expect(argv.some((a) => a.startsWith('/p:'))).toBe(false);
      // The whole password, then a line end, then EOF: FreeRDP reads one line.
      expect(await record(`${name}.stdin`)).toBe(`${SECRET}\n`);
    },
  );

  it('an ssh engine: the client gets the forwarded local port, and the result says where it leads', async () => {
    await fakeClient('xfreerdp3');
    const note = 'Reached through ssh: port 40111 here is forwarded to 127.0.0.1:13389 on box while Porthole runs.';
    const result = await openRemoteDesktop(machine, {
      ...options(),
      address: { host: '127.0.0.1', port: 40111, note },
    });
    expect(result).toEqual({ launched: true, client: 'xfreerdp3', address: '127.0.0.1:40111', note });
    expect((await record('xfreerdp3.argv')).split('\n')[0]).toBe('/v:127.0.0.1:40111');
  });

  it('prefers xfreerdp3 to xfreerdp and FreeRDP to Remmina', async () => {
    await Promise.all([fakeClient('xfreerdp'), fakeClient('xfreerdp3'), fakeClient('remmina')]);
    expect((await openRemoteDesktop(machine, options())).client).toBe('xfreerdp3');
  });

  it('runs the FreeRDP Flatpak when `flatpak info com.freerdp.FreeRDP` succeeds', async () => {
    await fakeClient('flatpak', '[ "$1" = info ] && [ "$2" != com.freerdp.FreeRDP ] && exit 1; exit 0');
    const result = await openRemoteDesktop(machine, options());
    expect(result).toEqual({ launched: true, client: 'com.freerdp.FreeRDP (Flatpak)' });
    // The last run is the launch (the detection ran `flatpak info` first and was recorded over).
    const argv = (await record('flatpak.argv')).split('\n').filter(Boolean);
    expect(argv.slice(0, 3)).toEqual(['run', 'com.freerdp.FreeRDP', '/v:127.0.0.1:13389']);
    expect(argv.join('\n')).not.toContain('Tr0ub4dor');
    expect(await record('flatpak.stdin')).toBe(`${SECRET}\n`);
  });

  it('does not use flatpak when the FreeRDP app is not installed', async () => {
    await fakeClient('flatpak', 'exit 1');
    const root = await fakeRoot('ID=fedora\nNAME="Fedora Linux"\nVERSION_ID=41\n');
    const result = await openRemoteDesktop(machine, options({ root, uid: 1000 }));
    expect(result.launched).toBe(false);
  });

  it('passes its environment (DISPLAY and friends) to the client', async () => {
    await fakeClient('xfreerdp3', 'printf "%s" "$DISPLAY" > "$FAKE_RECORDS/display"');
    await openRemoteDesktop(machine, options({ env: { PATH: bin, FAKE_RECORDS: records, DISPLAY: ':7' } }));
    expect(await record('display')).toBe(':7');
  });

  it('leaves no file behind in its working directory', async () => {
    await fakeClient('xfreerdp3');
    await openRemoteDesktop(machine, options());
    expect(await readdir(work)).toEqual([]);
  });
});

describe('openRemoteDesktop with Remmina', () => {
  it('an ssh engine: the profile names the forwarded local port', async () => {
    await fakeClient('remmina');
    await openRemoteDesktop(machine, { ...options(), address: { host: '127.0.0.1', port: 40112 } });
    const profile = await record('remmina.profile');
    expect(profile.match(/^server=.*$/gm)).toEqual(['server=127.0.0.1:40112']);
  });

  it('writes a 0600 profile without the password, starts `remmina -c` on it and removes it', async () => {
    await fakeClient('remmina');
    const result = await openRemoteDesktop(machine, options());
    expect(result).toEqual({ launched: true, client: 'remmina' });

    const argv = (await record('remmina.argv')).split('\n').filter(Boolean);
    expect(argv[0]).toBe('-c');
    expect(argv[1]).toMatch(/\.remmina$/);
    expect(argv.join('\n')).not.toContain('Tr0ub4dor');
    const profile = await record('remmina.profile');
    expect(profile).toContain('protocol=RDP');
    expect(profile).toContain('server=127.0.0.1:13389');
    expect(profile).toContain('username=Alice');
    expect(profile).not.toContain('Tr0ub4dor');
    expect(profile).not.toMatch(/^password=/m);
    expect(await record('remmina.mode')).toMatch(/^-rw-------/);
    expect(await record('remmina.stdin')).toBe('');
    await expect(stat(argv[1]!)).rejects.toThrow();
    expect(await readdir(work)).toEqual([]);
  });

  it('keeps the profile while Remmina runs, then removes it after the profile lifetime', async () => {
    await fakeClient('remmina', '/bin/sleep 2');
    await openRemoteDesktop(machine, options({ watchMs: 100, profileLifetimeMs: 300 }));
    const argv = (await record('remmina.argv')).split('\n').filter(Boolean);
    expect((await stat(argv[1]!)).isFile()).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(await readdir(work)).toEqual([]);
  });

  it('keeps a profile value on one line', async () => {
    await fakeClient('remmina');
    await openRemoteDesktop({ ...machine, name: 'Evil\nserver=10.0.0.1:3389', username: 'DOM\\bob' }, options());
    const profile = await record('remmina.profile');
    expect(profile.match(/^server=/gm)).toHaveLength(1);
    expect(profile).toContain('server=127.0.0.1:13389');
    expect(profile).toContain('username=DOM\\\\bob');
  });
});

describe('openRemoteDesktop errors', () => {
  it('never puts the password in the error when the client fails at once, even if the client printed it', async () => {
    await fakeClient('xfreerdp3', 'printf "connect failed for %s\\n" "$(/bin/cat "$rec.stdin")" >&2; exit 131');
    const error = await openRemoteDesktop(machine, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortholeError);
    const { message, remedy } = error as PortholeError;
    expect(message).toContain('xfreerdp3 quit with exit code 131');
    expect(message).toContain('connect failed for [password hidden]');
    expect(`${message} ${remedy ?? ''}`).not.toContain('Tr0ub4dor');
    expect(JSON.stringify(error)).not.toContain('Tr0ub4dor');
    expect((error as Error).stack ?? '').not.toContain('Tr0ub4dor');
  });

  it('reports a client that cannot be executed without the password', async () => {
    // Found on PATH (executable bit set) but not runnable: spawn fails with ENOEXEC/EACCES.
    await writeFile(join(bin, 'xfreerdp3'), '\u0000\u0001not a program');
    await chmod(join(bin, 'xfreerdp3'), 0o755);
    const error = await openRemoteDesktop(machine, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortholeError);
    expect((error as Error).message).toMatch(/xfreerdp3/);
    expect(`${(error as Error).message}${(error as Error).stack ?? ''}`).not.toContain('Tr0ub4dor');
  });

  it('keeps what FreeRDP said without its log prefixes and prompt', () => {
    const log = [
      'Password: [06:36:33:377] [32308:32309] [ERROR][com.freerdp.core.transport] - BIO_should_retry returned a system error 32: Broken pipe',
      '[06:36:33:377] [32308:32309] [ERROR][com.freerdp.core] - transport_write:freerdp_set_last_error_ex ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]',
      '[06:36:33:384] [32308:32309] [ERROR][com.freerdp.core.transport] - BIO_should_retry returned a system error 32: Broken pipe',
      '[06:36:33:384] [32308:32309] [ERROR][com.freerdp.core] - freerdp_post_connect failed',
      '',
    ].join('\n');
    expect(clientSays(log)).toBe(
      'BIO_should_retry returned a system error 32: Broken pipe; transport_write:freerdp_set_last_error_ex ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]; freerdp_post_connect failed',
    );
  });

  it('redacts every occurrence', () => {
    expect(redact('a SECRET b SECRET', 'SECRET')).toBe('a [password hidden] b [password hidden]');
    expect(redact('nothing to hide', '')).toBe('nothing to hide');
  });
});

describe('openRemoteDesktop without a client', () => {
  const flatpak = 'flatpak install flathub com.freerdp.FreeRDP';

  it.each([
    [
      'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
      ['sudo apt install freerdp2-x11', flatpak],
    ],
    [
      'ID=debian\nVERSION_ID="13"\nPRETTY_NAME="Debian GNU/Linux 13 (trixie)"\n',
      ['sudo apt install freerdp3-x11', flatpak],
    ],
    ['ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\nNAME="Ubuntu"\n', ['sudo apt install freerdp3-x11', flatpak]],
    ['ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nNAME="Ubuntu"\n', ['sudo apt install freerdp2-x11', flatpak]],
    [
      'ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="22"\nNAME="Linux Mint"\n',
      ['sudo apt install freerdp3-x11', 'sudo apt install freerdp2-x11', flatpak],
    ],
    ['ID=fedora\nVERSION_ID=41\nNAME="Fedora Linux"\n', ['sudo dnf install freerdp', flatpak]],
    ['ID=arch\nNAME="Arch Linux"\n', ['sudo pacman -S freerdp', flatpak]],
    [
      'ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nNAME="openSUSE Tumbleweed"\n',
      ['sudo zypper install freerdp', flatpak],
    ],
    ['ID=nixos\nNAME=NixOS\n', [flatpak]],
  ])('gives the install commands for %j', async (osRelease, commands) => {
    const root = await fakeRoot(osRelease);
    const result = await openRemoteDesktop(machine, options({ root, uid: 1000 }));
    expect(result.launched).toBe(false);
    expect(result.client).toBeNull();
    expect(result.fix?.commands).toEqual(commands);
    expect(result.fix?.text).toMatch(/No Remote Desktop client is installed/);
  });

  it('drops sudo for root', async () => {
    const root = await fakeRoot('ID=fedora\nNAME="Fedora Linux"\n');
    const result = await openRemoteDesktop(machine, options({ root, uid: 0 }));
    expect(result.fix?.commands[0]).toBe('dnf install freerdp');
  });

  it('does not search relative PATH entries', async () => {
    await fakeClient('xfreerdp3');
    const root = await fakeRoot('ID=arch\nNAME="Arch Linux"\n');
    const result = await openRemoteDesktop(
      machine,
      options({ root, uid: 1000, env: { PATH: `:.:bin`, FAKE_RECORDS: records } }),
    );
    expect(result.launched).toBe(false);
  });
});
