import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownEngineFolders, sensitiveFolders } from './guarded-folders';
import { assertSharedAllowed, assertStorageAllowed, sharedFolderWarnings, type PathPolicy } from './paths';

/** Issue 22, items 2 and 11: the engine's own folders and the folders a guest could plant code in, on real temp folders. */
describe('guarded folders in the path policy', () => {
  let root: string;
  let home: string;
  let policy: PathPolicy;
  const env = (): NodeJS.ProcessEnv => ({ HOME: home, XDG_RUNTIME_DIR: join(root, 'run-user') });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-guarded-'));
    home = join(root, 'home');
    for (const dir of [
      '.ssh',
      '.config/autostart',
      '.local/bin',
      '.local/share/applications',
      '.local/share/docker',
      'work',
    ])
      await mkdir(join(home, dir), { recursive: true });
    await mkdir(join(root, 'srv', 'docker-data', 'tmp'), { recursive: true });
    await symlink(join(home, '.ssh'), join(home, 'work', 'keys'));
    policy = {
      home,
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      machineId: 'mine',
      others: [],
      // What the engine reported (a --data-root elsewhere), with the known defaults.
      engineFolders: async () => [...knownEngineFolders(env(), home), join(root, 'srv', 'docker-data')],
      sensitiveFolders: sensitiveFolders(env(), home),
    };
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('refuses the engine’s reported data root, around it, and the rootless defaults, as storage and as shares', async () => {
    const storage = (path: string) => assertStorageAllowed(path, policy);
    await expect(storage(join(root, 'srv', 'docker-data'))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/container engine’s own folder/),
    });
    await expect(storage(join(root, 'srv', 'docker-data', 'tmp'))).rejects.toThrow(/container engine’s own folder/);
    await expect(storage(join(root, 'srv'))).rejects.toThrow(/container engine’s own folder/);
    await expect(storage(join(home, '.local', 'share', 'docker'))).rejects.toThrow(/container engine’s own folder/);
    await expect(storage(join(home, '.local', 'share', 'containers', 'storage'))).rejects.toThrow(
      /container engine’s own folder/,
    );
    await expect(storage(join(root, 'run-user', 'docker'))).rejects.toThrow(/container engine’s own folder/);
    await expect(
      assertSharedAllowed(join(root, 'srv', 'docker-data'), join(home, 'work', 'vm'), policy, true),
    ).rejects.toThrow(/container engine’s own folder/);
    // A folder beside them stays allowed.
    await expect(storage(join(root, 'srv', 'vms'))).resolves.toBe(join(root, 'srv', 'vms'));
  });

  it('refuses read-write shares of ~/.ssh, ~/.config, ~/.local/bin, the app menu (and through a symlink); read-only is allowed with a warning', async () => {
    const storage = join(home, 'work', 'vm');
    for (const path of [
      join(home, '.ssh'),
      join(home, '.config'),
      join(home, '.config', 'autostart'),
      join(home, '.local', 'bin'),
      join(home, '.local', 'share', 'applications'),
      join(home, 'work', 'keys'),
    ]) {
      await expect(assertSharedAllowed(path, storage, policy, false)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/read-write shared folder.*could put a file there/),
        remedy: expect.stringMatching(/read-only/),
      });
      await expect(assertSharedAllowed(path, storage, policy, true)).resolves.toBeTruthy();
    }
    // ~/.local holds ~/.local/bin, and here the rootless engine's folder too: refused even read-only.
    await expect(assertSharedAllowed(join(home, '.local'), storage, policy, true)).rejects.toThrow(
      /container engine’s own folder/,
    );
    await expect(
      assertSharedAllowed(join(home, 'work'), storage.replace('work', 'elsewhere'), policy, false),
    ).resolves.toBe(join(home, 'work'));
    const warnings = await sharedFolderWarnings(
      [
        { hostPath: join(home, 'work', 'keys'), readOnly: true },
        { hostPath: join(home, 'work'), readOnly: false },
      ],
      policy,
    );
    expect(warnings).toEqual([
      expect.stringMatching(/Windows can read the shared folder .*work\/keys: .*\.ssh, which holds your ssh keys/),
    ]);
  });
});
