import { sampleMachine } from '../../api/testing/sample-machine';
import { mkdir, mkdtemp, open, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { assertMountsUsable } from './mounts';

let dir: string;
let m: MachineSettings;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-mounts-'));
  await mkdir(join(dir, 'storage'));
  await mkdir(join(dir, 'docs'));
  await writeFile(join(dir, 'a-file'), 'x');
  const iso = join(dir, 'win.iso');
  await writeFile(iso, '');
  await truncate(iso, 11_000_000);
  const handle = await open(iso, 'r+');
  await handle.write(new Uint8Array([1, 67, 68, 48, 48, 49, 1]), 0, 7, 16 * 2048); // type 1, "CD001", version 1
  await handle.close();
  m = sampleMachine({
    sharedFolders: [{ hostPath: join(dir, 'docs'), readOnly: false }],
    customIso: iso,
    storageDir: join(dir, 'storage'),
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('assertMountsUsable', () => {
  it('accepts existing folders and a usable ISO', async () => {
    await expect(assertMountsUsable(m)).resolves.toBeUndefined();
  });

  it('refuses a missing storage folder or shared folder, and a file in their place', async () => {
    await expect(assertMountsUsable({ ...m, storageDir: join(dir, 'gone') })).rejects.toThrow(
      /storage folder .*gone does not exist/,
    );
    const missing = { ...m, sharedFolders: [{ hostPath: join(dir, 'nope'), readOnly: true }] };
    await expect(assertMountsUsable(missing)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/shared folder .*nope does not exist/),
    });
    const file = { ...m, sharedFolders: [{ hostPath: join(dir, 'a-file'), readOnly: true }] };
    await expect(assertMountsUsable(file)).rejects.toThrow(/is a file, not a folder/);
  });

  it('checks the custom ISO only until Windows is installed', async () => {
    const gone = { ...m, customIso: join(dir, 'deleted.iso') };
    await expect(assertMountsUsable(gone)).rejects.toMatchObject({ code: 'ISO_INVALID' });
    await expect(assertMountsUsable(gone, { installed: true })).resolves.toBeUndefined();
  });

  it('applies the path policy when given: a shared folder turned into a symlink to / is refused at start', async () => {
    const policy = {
      home: join(dir, 'home'),
      configDir: join(dir, 'config'),
      dataDir: join(dir, 'data'),
      machineId: m.id,
      others: [],
    };
    await expect(assertMountsUsable(m, { policy })).resolves.toBeUndefined();
    const link = join(dir, 'docs-link');
    await symlink(join(dir, 'docs'), link);
    const linked = { ...m, sharedFolders: [{ hostPath: link, readOnly: false }] };
    await expect(assertMountsUsable(linked, { policy })).resolves.toBeUndefined();
    await unlink(link);
    await symlink('/', link);
    await expect(assertMountsUsable(linked, { policy })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/docs-link \(it leads to \/\).*whole computer/),
    });
  });
});
