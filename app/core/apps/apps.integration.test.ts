import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PortholeError, type MachineView } from '../../api';
import { runValidator } from '../../main/testing/validators';
import { docker, Harness, uniqueName } from '../testing/harness';
import { execInContainer } from '../engine/exec';
import { CHANNEL_SHARE_SCRIPT, channelShareResult } from './channel';
import Docker from 'dockerode';

const image = inject('standinImage');
const SAMPLE = join(__dirname, 'fixtures', 'apps-sample');
const NOTEPAD = '3561ec4a8629';
const PASSWORD = 'Pa55 "word", with $HOME';

/**
 * Windows programs on a real backend and engine, the stand-in image as the guest: the OEM hook in the
 * container (/oem), the list read from the shared folder (a sample written as Windows writes it), a
 * launch through a recording fake FreeRDP (a stopped machine started first), menu entries made and
 * removed with the machine.
 */
describe('Windows apps (stand-in image)', () => {
  let h: Harness;
  let root: string;
  let id = '';
  const extra: string[] = [];
  const records = (): string => join(root, 'records');

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-apps-it-'));
    await Promise.all([mkdir(join(root, 'bin')), mkdir(records()), mkdir(join(root, 'shared'))]);
    const fake = [
      '#!/bin/sh',
      'rec="$FAKE_RECORDS/$(date +%s%N)"',
      'for a in "$@"; do printf "%s\\n" "$a"; done > "$rec.argv"',
      '/bin/cat > "$rec.stdin"',
      'exit 0',
      '',
    ];
    await writeFile(join(root, 'bin', 'xfreerdp3'), fake.join('\n'));
    await chmod(join(root, 'bin', 'xfreerdp3'), 0o755);
    h = await Harness.create({
      ...process.env,
      PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}`,
      FAKE_RECORDS: records(),
      XDG_DATA_HOME: join(root, 'xdg'),
    });
  });
  afterAll(async () => {
    await h.cleanup([...(id ? [id] : []), ...extra]);
    await h.shutdown();
    await rm(root, { recursive: true, force: true });
  });

  /** The runs the fake client recorded, oldest first: argv and stdin. */
  async function runs(): Promise<Array<{ argv: string[]; stdin: string }>> {
    const { readdir } = await import('node:fs/promises');
    const names = (await readdir(records())).filter((n) => n.endsWith('.argv')).sort();
    return Promise.all(
      names.map(async (n) => ({
        argv: (await readFile(join(records(), n), 'utf8')).split('\n').filter(Boolean),
        stdin: await readFile(join(records(), n.replace(/\.argv$/, '.stdin')), 'utf8').catch(() => ''),
      })),
    );
  }

  it('places the OEM hook at /oem (read-only) with the apps script, refuses a launch while Windows installs, then launches, lists and adds to the menu', async () => {
    const shared = join(root, 'shared');
    const m = await h.call('createMachine', {
      name: uniqueName('Apps'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      password: PASSWORD,
      sharedFolders: [{ hostPath: shared, readOnly: false }],
    });
    id = m.id;

    // Before Windows wrote anything: no list yet, said plainly, waiting on Porthole's channel.
    expect(await h.call('listApps', { id })).toMatchObject({
      state: 'not-written',
      folder: join(m.storageDir, 'porthole', 'apps'),
      apps: [],
    });

    // A machine installed by an older Porthole: its script writes the list into the first shared folder (here: the sample, as Windows writes it).
    await cp(SAMPLE, join(shared, '.porthole', 'apps'), { recursive: true });
    await h.call('startMachine', { id });
    // Until the install marker comes, Windows is installing: a launch is refused, naming why, and nothing runs.
    const installing = await h.call('launchApp', { id, app: NOTEPAD }).catch((e: unknown) => e);
    expect(installing).toBeInstanceOf(PortholeError);
    expect((installing as PortholeError).message).toMatch(/^Windows is still installing on /);
    await h.waitFor(id, (v) => v.status.running, 120_000, 'running');
    const container = h.containerName(id);
    const inspected = JSON.parse(await docker('inspect', container)) as Array<{ HostConfig: { Binds: string[] } }>;
    expect(inspected[0]!.HostConfig.Binds).toContain(`${join(h.dataDir, 'oem', id)}:/oem:ro`);
    expect((await docker('exec', container, 'ls', '/oem')).split('\n').sort()).toEqual([
      'install.bat',
      'porthole-apps.ps1',
    ]);
    expect(await docker('exec', container, 'grep', '-c', 'porthole-apps.ps1" -Install', '/oem/install.bat')).toBe('1');
    expect(await docker('exec', container, 'head', '-c', '30', '/oem/porthole-apps.ps1')).toBe(
      '# Written by Porthole. Lists t',
    );

    const ready = (v: MachineView): boolean => v.status.phase === 'ready';
    await h.waitFor(id, ready, 120_000, 'ready (the install marker)');
    const list = await h.call('listApps', { id });
    expect(list.state).toBe('ok');
    expect(list.apps.map((a) => a.name)).toEqual(['Calculator', 'Notepad', 'Paint', 'Sneaky', 'Word & Co']);
    expect(list.apps.find((a) => a.id === NOTEPAD)?.icon).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(list.warnings.length).toBeGreaterThanOrEqual(4);

    const machine = await h.call('getMachine', { id });
    await mkdir(join(shared, 'Docs'));
    await writeFile(join(shared, 'Docs', 'letter.txt'), 'Dear Bob');
    expect(await h.call('launchApp', { id, app: NOTEPAD, file: join(shared, 'Docs', 'letter.txt') })).toEqual({
      launched: true,
      client: 'xfreerdp3',
    });
    const [run] = await runs();
    expect(run!.argv).toEqual([
      `/v:127.0.0.1:${machine.ports.rdp}`,
      `/u:${machine.username}`,
      '/from-stdin:force',
      '/cert:ignore',
      `/wm-class:porthole-${id}-${NOTEPAD}`,
      '/app:program:C:\\Windows\\System32\\notepad.exe,name:Notepad,cmd:"\\\\host.lan\\Data\\Docs\\letter.txt"',
    ]);
    expect(run!.argv.join(' ')).not.toContain('Pa55');
    expect(run!.stdin).toBe(`${PASSWORD}\n`);

    // A file outside the shared folder is refused before anything starts.
    await expect(h.call('launchApp', { id, app: NOTEPAD, file: join(root, 'records') })).rejects.toThrow(
      /is not in .*shared folder/,
    );

    // The app menu: a validated entry and its icon, listed as in the menu.
    const added = await h.call('setAppInMenu', { id, app: NOTEPAD, inMenu: true });
    expect(added.desktopFile).toBe(join(root, 'xdg', 'applications', `porthole-${id}-${NOTEPAD}.desktop`));
    runValidator('desktop-file-validate', [added.desktopFile], 'desktop-file-utils');
    expect(await readFile(added.desktopFile, 'utf8')).toMatch(new RegExp(`^Exec=.* app ${id} ${NOTEPAD} %f$`, 'm'));
    expect((await h.call('listApps', { id })).apps.find((a) => a.id === NOTEPAD)?.inMenu).toBe(true);
  });

  it('lists the programs of a two-click machine (no shared folder) and of one whose only shared folder is read-only, through Porthole’s channel', async () => {
    const twoClick = await h.call('createMachine', {
      name: uniqueName('Apps two-click'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    await mkdir(join(root, 'photos'));
    const readOnly = await h.call('createMachine', {
      name: uniqueName('Apps read-only'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      sharedFolders: [{ hostPath: join(root, 'photos'), readOnly: true }],
    });
    extra.push(twoClick.id, readOnly.id);
    expect(twoClick.sharedFolders).toEqual([]);
    for (const m of [twoClick, readOnly]) {
      expect(await h.call('listApps', { id: m.id })).toEqual({
        state: 'not-written',
        folder: join(m.storageDir, 'porthole', 'apps'),
        written: null,
        apps: [],
        warnings: [],
      });
    }

    await h.call('startMachine', { id: readOnly.id });
    await h.waitFor(readOnly.id, (v) => v.status.running && v.status.screenReady, 120_000, 'screen ready');
    const container = h.containerName(readOnly.id);
    // The image's Samba serves Porthole's share beside the person's: the script, run in the real container
    // on a configuration as the image writes it (the stand-in has no Samba), adds it once, writable, hidden.
    const client = new Docker();
    expect(
      channelShareResult(
        await execInContainer(client, container, ['sh', '-c', CHANNEL_SHARE_SCRIPT], { timeoutMs: 15_000 }),
      ),
    ).toBe('no-samba');
    await docker(
      'exec',
      container,
      'sh',
      '-c',
      'mkdir -p /etc/samba && printf "[global]\n    workgroup = WORKGROUP\n\n[Data]\n    path = /shared\n    read only = yes\n" > /etc/samba/smb.conf',
    );
    for (let run = 0; run < 2; run++) {
      expect(
        channelShareResult(
          await execInContainer(client, container, ['sh', '-c', CHANNEL_SHARE_SCRIPT], { timeoutMs: 15_000 }),
        ),
      ).toBe('served');
    }
    const conf = await docker('exec', container, 'cat', '/etc/samba/smb.conf');
    expect(conf.match(/\[Porthole\]/g)).toHaveLength(1);
    expect(conf).toMatch(
      /\[Porthole\]\n {4}path = \/storage\/porthole\n {4}comment = Porthole\n {4}read only = no\n {4}browseable = no\n/,
    );
    expect((await stat(join(readOnly.storageDir, 'porthole', 'apps'))).isDirectory()).toBe(true);

    // Windows writes the list into the channel (here: the sample, as Windows writes it, into the host folder the share serves).
    for (const m of [twoClick, readOnly]) {
      await cp(SAMPLE, join(m.storageDir, 'porthole', 'apps'), { recursive: true });
      const list = await h.call('listApps', { id: m.id });
      expect(list.state).toBe('ok');
      expect(list.folder).toBe(join(m.storageDir, 'porthole', 'apps'));
      expect(list.apps.map((a) => a.name)).toEqual(['Calculator', 'Notepad', 'Paint', 'Sneaky', 'Word & Co']);
      expect(list.apps.find((a) => a.id === NOTEPAD)?.icon).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    }
    await h.call('forceStopMachine', { id: readOnly.id });
    await h.waitFor(readOnly.id, (v) => !v.status.running, 60_000, 'stopped');
  });

  it('starts a stopped machine before launching (progress in its status), and drops the entries of a program Windows no longer lists', async () => {
    await h.call('stopMachine', { id });
    await h.waitFor(id, (v) => !v.status.running, 120_000, 'stopped');
    const before = (await runs()).length;
    const mark = h.mark(id);
    expect(await h.call('launchApp', { id, app: '7c1ea93a94b3' })).toEqual({ launched: true, client: 'xfreerdp3' });
    expect(h.statusesSince(id, mark).map((s) => s.phase)).toEqual(expect.arrayContaining(['booting', 'ready']));
    const after = await runs();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)!.argv.at(-1)).toBe(
      '/app:program:C:\\Windows\\explorer.exe,name:Calculator,cmd:shell:AppsFolder\\Microsoft.WindowsCalculator_8wekyb3d8bbwe!App',
    );

    // Notepad leaves the list (uninstalled in Windows): its entry leaves the menu at the next read.
    const entry = join(root, 'xdg', 'applications', `porthole-${id}-${NOTEPAD}.desktop`);
    await h.call('setAppInMenu', { id, app: '7c1ea93a94b3', inMenu: true });
    const file = join(root, 'shared', '.porthole', 'apps', 'apps.json');
    const text = (await readFile(file, 'utf8')).replaceAll('"id":  "3561ec4a8629"', '"id":  "3561ec4a862x"');
    await writeFile(file, text);
    expect((await h.call('listApps', { id })).apps.some((a) => a.id === NOTEPAD)).toBe(false);
    await expect(stat(entry)).rejects.toThrow();

    // Deleting the machine takes its remaining entries out of the menu.
    const calculator = join(root, 'xdg', 'applications', `porthole-${id}-7c1ea93a94b3.desktop`);
    expect((await stat(calculator)).isFile()).toBe(true);
    await h.call('forceStopMachine', { id });
    await h.waitFor(id, (v) => !v.status.running, 60_000, 'stopped');
    await h.call('deleteMachine', { id, deleteDisk: true });
    await expect(stat(calculator)).rejects.toThrow();
  });
});
