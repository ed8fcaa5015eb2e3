import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSharedAllowed, assertStorageAllowed, resolveHostPath, type PathPolicy } from './paths';

/** Real temp folders and real symlinks: the policy is about what a path leads to, not how it reads. */
describe('path policy', () => {
  let root: string;
  let policy: PathPolicy;
  let home: string;
  let other: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-paths-'));
    home = join(root, 'home');
    other = join(root, 'data', 'machines', 'other');
    await mkdir(join(home, 'vms'), { recursive: true });
    await mkdir(other, { recursive: true });
    await mkdir(join(root, 'config'), { recursive: true });
    await symlink('/', join(home, 'to-root'));
    await symlink(other, join(home, 'to-other'));
    await symlink('/etc', join(home, 'linked-etc'));
    await symlink(join(home, 'vms'), join(root, 'vms-link'));
    policy = {
      home,
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      machineId: 'mine',
      others: [{ id: 'other', name: 'Other', storageDir: other }],
    };
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const refusedStorage = (path: string, reason: RegExp) =>
    expect(assertStorageAllowed(path, policy)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(reason),
      remedy: expect.any(String),
    });
  const refusedShared = (path: string, reason: RegExp) =>
    expect(assertSharedAllowed(path, join(home, 'vms', 'mine'), policy)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(reason),
    });

  it('resolves a folder not made yet through its nearest existing ancestor, symlinks included', async () => {
    expect(await resolveHostPath(join(home, 'linked-etc', 'new', 'deeper'))).toBe('/etc/new/deeper');
    expect(await resolveHostPath(join(home, 'vms', 'a', '..', 'b'))).toBe(join(home, 'vms', 'b'));
  });

  it('allows a folder of its own: in the home folder, in /tmp, the machine’s own folder in the data root', async () => {
    await expect(assertStorageAllowed(join(home, 'vms', 'mine'), policy)).resolves.toBe(join(home, 'vms', 'mine'));
    await expect(assertStorageAllowed(join(root, 'vms-link', 'mine'), policy)).resolves.toBe(join(home, 'vms', 'mine'));
    await expect(assertStorageAllowed(join(root, 'data', 'machines', 'mine'), policy)).resolves.toBeTruthy();
    await expect(
      assertSharedAllowed(join(home, 'vms'), join(root, 'data', 'machines', 'mine'), policy),
    ).resolves.toBeTruthy();
  });

  it('refuses a symlink to /, with the path and where it leads in the message', async () => {
    await refusedStorage(join(home, 'to-root'), /to-root \(it leads to \/\).*whole computer/);
    await refusedShared(join(home, 'to-root'), /whole computer/);
  });

  it('refuses a path through a symlinked parent into a system folder', async () => {
    await refusedStorage(join(home, 'linked-etc', 'vm'), /inside the system folder \/etc/);
    await refusedShared(join(home, 'linked-etc'), /system folder/);
  });

  it('refuses system folders and what is inside the critical ones, but not inside /tmp, /mnt or removable media', async () => {
    for (const path of [
      '/',
      '/etc',
      '/etc/porthole',
      '/usr/local/vms',
      '/proc/self',
      '/var/lib/docker/volumes/x',
      '/var/lib/containers/storage',
      '/boot/efi',
      '/run/user/1000',
      '/home',
      '/mnt',
      '/tmp',
      '/var',
    ]) {
      await refusedShared(path, /system folder|whole computer/);
    }
    await expect(assertSharedAllowed('/mnt/disk/share', join(home, 'vms', 'mine'), policy)).resolves.toBe(
      '/mnt/disk/share',
    );
    await expect(assertSharedAllowed('/run/media/ann/USB/share', join(home, 'vms', 'mine'), policy)).resolves.toBe(
      '/run/media/ann/USB/share',
    );
  });

  it('refuses /root unless it is the home folder, where the home rules apply', async () => {
    await refusedShared('/root/vms', /administrator/);
    await expect(assertStorageAllowed('/root/vms/mine', { ...policy, home: '/root' })).resolves.toBe('/root/vms/mine');
    await expect(assertStorageAllowed('/root', { ...policy, home: '/root' })).rejects.toThrow(/your home folder/);
  });

  it('refuses the home folder itself and what holds it', async () => {
    await refusedStorage(home, /your home folder/);
    await refusedShared(`${home}/`, /your home folder/);
    await refusedStorage(root, /holds your home folder/);
  });

  it('refuses Porthole’s settings and data roots, what holds them, and inside the data root all but machines/<id>', async () => {
    await refusedStorage(join(root, 'config'), /settings folder/);
    await refusedStorage(join(root, 'config', 'vm'), /settings folder/);
    await refusedStorage(join(root, 'data'), /holds the folder where Porthole keeps/);
    await refusedStorage(join(root, 'data', 'machines'), /machine “Other”|Porthole keeps/);
    await refusedStorage(join(root, 'data', 'oem', 'mine'), /inside the folder where Porthole keeps/);
    await refusedShared(join(root, 'data', 'machines', 'mine'), /inside the folder where Porthole keeps/);
  });

  it('refuses another machine’s storage: equal, inside, around, and through a symlink', async () => {
    await refusedStorage(join(home, 'to-other'), /leads to .*machine “Other”/);
    await refusedShared(join(home, 'to-other', 'sub'), /machine “Other”/);
    const outside = { ...policy, others: [{ id: 'other', name: 'Other', storageDir: join(home, 'vms', 'x', 'disk') }] };
    await expect(assertStorageAllowed(join(home, 'vms', 'x'), outside)).rejects.toThrow(/machine “Other”/);
  });

  it('refuses as shared folder the machine’s own storage, either way round', async () => {
    const storage = join(home, 'vms', 'mine');
    await expect(assertSharedAllowed(storage, storage, policy)).rejects.toThrow(/own storage folder/);
    await expect(assertSharedAllowed(join(storage, 'shared'), storage, policy)).rejects.toThrow(/own storage folder/);
    await expect(assertSharedAllowed(join(home, 'vms'), storage, policy)).rejects.toThrow(/own storage folder/);
  });

  describe('on a remote engine (paths are the engine computer’s)', () => {
    const remote = (): PathPolicy => ({ ...policy, engineHost: 'box' });

    it('never resolves a path on this computer: a symlink here says nothing about the folder there', async () => {
      // Here ~/to-root leads to /; on the engine's computer the same path is just a folder of that name.
      expect(await resolveHostPath(join(home, 'to-root'), 'box')).toBe(join(home, 'to-root'));
      expect(await resolveHostPath('/srv/vms/../porthole//win', 'box')).toBe('/srv/porthole/win');
      await expect(assertStorageAllowed('/srv/porthole/win', remote())).resolves.toBe('/srv/porthole/win');
      // Here ~/to-other/x leads into another machine's storage and is refused; there it is its own folder.
      await expect(assertStorageAllowed(join(home, 'to-other', 'x'), policy)).rejects.toMatchObject({
        message: expect.stringMatching(/machine “Other”/),
      });
      await expect(
        assertStorageAllowed(join(home, 'to-other', 'x'), { ...remote(), home: '/home/someone' }),
      ).resolves.toBe(join(home, 'to-other', 'x'));
    });

    it('still refuses system folders and other machines’ storage by the path as written, naming that computer', async () => {
      await expect(assertStorageAllowed('/etc', remote())).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(
          /^Porthole will not use \/etc on box \(the engine's computer\) as the storage folder: /,
        ),
      });
      await expect(assertStorageAllowed(join(other, 'inner'), remote())).rejects.toMatchObject({
        message: expect.stringMatching(/storage folder of the machine “Other”/),
      });
      await expect(assertSharedAllowed('/', '/srv/porthole/win', remote())).rejects.toMatchObject({
        message: expect.stringMatching(/on box/),
      });
    });
  });
});
