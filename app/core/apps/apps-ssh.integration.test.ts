import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { TestSshd } from '../testing/test-sshd';
import { shThere, helperContainers } from '../testing/engine-there';

const image = inject('standinImage');
const SHARED = 'unix:///var/run/docker.sock';
const SAMPLE = join(__dirname, 'fixtures', 'apps-sample');
const NOTEPAD = '3561ec4a8629';

/**
 * The Windows programs of a machine on an ssh engine: the apps folder Windows writes is in the storage
 * folder on the engine's computer (this one, behind the test's own sshd in front of the shared engine),
 * read there in one short-lived helper container per list. Once the machine exists, its data folder
 * stands for "there": every call of this process's fs module on a path under it fails (failure
 * injection), so this computer's folder of the same name is never read.
 */
const remote = vi.hoisted(() => ({ root: '/nonexistent-until-set', touched: [] as string[] }));
// The shared folder there is outside the data folder (the path rules keep it out): guarded the same way.
const remoteShared = vi.hoisted(() => ({ root: '/nonexistent-until-set', touched: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { guardedFsPromises } = await import('../testing/guarded-fs');
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return guardedFsPromises(guardedFsPromises(real, remote), remoteShared);
});

describe('Windows apps of a machine on an ssh engine (the list on the engine’s computer)', { timeout: 30_000 }, () => {
  let sshd: TestSshd;
  let h: Harness;
  let xdg: string;
  let machine: MachineView;
  let shared: string;
  const started = Date.now();

  beforeAll(async () => {
    sshd = await TestSshd.start(SHARED);
    xdg = await mkdtemp(join(tmpdir(), 'porthole-rapps-xdg-'));
    h = await Harness.create({ ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: image, XDG_DATA_HOME: xdg });
    await h.waitForEngine(true, 20_000);
    // A shared folder there, where the script of a machine an older Porthole installed writes its list.
    shared = join(h.dataDir, '..', 'shared');
    await shThere('mkdir -p "$1"', shared);
    machine = await h.call('createMachine', {
      name: uniqueName('Ssh apps'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      sharedFolders: [{ hostPath: shared, readOnly: false }],
    });
    remote.root = h.dataDir;
    remoteShared.root = shared;
  }, 30_000);

  afterAll(async () => {
    remote.root = '/nonexistent-until-set';
    remoteShared.root = '/nonexistent-until-set';
    await h?.cleanup(machine ? [machine.id] : []).catch(() => undefined);
    await sshd?.dispose();
    await rm(xdg, { recursive: true, force: true });
    console.info(`ssh apps: ${Date.now() - started} ms in all`);
  }, 30_000);

  it('lists the programs and icons written there (the channel, else the older shared folder), reading nothing here', async () => {
    const channel = join(machine.storageDir, 'porthole', 'apps');
    let at = Date.now();
    expect(await h.call('listApps', { id: machine.id })).toEqual({
      state: 'not-written',
      folder: `${channel} on 127.0.0.1`,
      written: null,
      apps: [],
      warnings: [],
    });
    console.info(`list over ssh, nothing written: ${Date.now() - at} ms`);

    // An older Porthole's script wrote the sample into the shared folder there.
    await shThere('mkdir -p "$1/.porthole" && cp -r "$2" "$1/.porthole/apps"', shared, SAMPLE);
    let list = await h.call('listApps', { id: machine.id });
    expect(list).toMatchObject({ state: 'ok', folder: `${shared}/.porthole/apps on 127.0.0.1` });
    expect(list.apps.map((a) => a.name)).toEqual(['Calculator', 'Notepad', 'Paint', 'Sneaky', 'Word & Co']);

    // Windows writes the sample into Porthole's channel there, with a hostile icon linked out of the folder.
    await shThere(
      'mkdir -p "$1" && cp -r "$2/." "$1/" && ln -sf /etc/shadow "$1/icons/27d6905c11cf.png"',
      channel,
      SAMPLE,
    );
    at = Date.now();
    list = await h.call('listApps', { id: machine.id });
    console.info(`list over ssh, the sample: ${Date.now() - at} ms`);
    expect(list).toMatchObject({
      state: 'ok',
      folder: `${channel} on 127.0.0.1`,
      written: '2026-11-28T21:14:03.5120000Z',
    });
    expect(list.apps.map((a) => a.name)).toEqual(['Calculator', 'Notepad', 'Paint', 'Sneaky', 'Word & Co']);
    const notepad = await readFile(join(SAMPLE, 'icons', `${NOTEPAD}.png`));
    expect(list.apps.find((a) => a.id === NOTEPAD)?.icon).toBe(`data:image/png;base64,${notepad.toString('base64')}`);
    expect(list.apps.filter((a) => a.icon).map((a) => a.name)).toEqual(['Notepad']);
    expect(list.warnings.join('\n')).toMatch(/icons\/27d6905c11cf\.png is a symbolic link/);
    expect(list.warnings.join('\n')).not.toMatch(/root:/);

    // The app menu finds the program in that list (a launch does too): its entry carries the icon read there.
    const added = await h.call('setAppInMenu', { id: machine.id, app: NOTEPAD, inMenu: true });
    expect(added.inMenu).toBe(true);
    expect(await readdir(join(xdg, 'applications'))).toContain(added.desktopFile.split('/').pop());
    await expect(h.call('setAppInMenu', { id: machine.id, app: 'ffffffffffff', inMenu: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    expect([...remote.touched, ...remoteShared.touched]).toEqual([]);
    expect(await helperContainers()).toBe('');
  });
});
