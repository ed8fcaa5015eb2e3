import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend';

/** Issue 23 item 1: a folder holding an installed Windows (a kept disk) is never taken for a fresh install. */
describe('creating a machine on a folder that holds an installed Windows (real backend, real files)', () => {
  let backend: Backend;
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-existing-'));
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      env: {
        ...process.env,
        DOCKER_HOST: 'unix:///nonexistent.sock',
        PORTHOLE_DEFAULT_IMAGE: 'registry.example/windows:mirror',
      },
      watch: false,
    });
  });
  afterAll(async () => {
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  async function keptDisk(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'windows.boot'), '');
    await writeFile(join(dir, 'data.img'), '');
    await truncate(join(dir, 'data.img'), 64 * 1024 ** 3);
  }
  async function recordOf(id: string): Promise<{ installed: boolean }> {
    const file = JSON.parse(await readFile(join(root, 'config', 'machines.json'), 'utf8')) as {
      machines: Array<{ settings: { id: string }; installed: boolean }>;
    };
    return file.machines.find((r) => r.settings.id === id)!;
  }

  it('refuses a machine named like the deleted one whose disk was kept, saying what to do; nothing is created', async () => {
    await keptDisk(join(root, 'data', 'machines', 'windows-11-pro'));
    const refused = await backend.invoke('createMachine', { name: 'Windows 11 Pro', password: 'new-one' });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringContaining('already holds an installed Windows') as unknown as string,
      },
    });
    expect(refused.ok ? '' : refused.error.remedy).toMatch(/Use it.*another name or another folder/);
    expect(await backend.invoke('listMachines', {})).toMatchObject({ ok: true, value: [] });
  });

  it('refuses a chosen folder with an install too', async () => {
    const dir = join(root, 'elsewhere', 'win');
    await keptDisk(dir);
    expect(await backend.invoke('createMachine', { name: 'Other', storageDir: dir })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('with existingInstall "use", records the machine as installed: it starts straight into that Windows', async () => {
    const created = await backend.invoke('createMachine', { name: 'Windows 11 Pro', existingInstall: 'use' });
    expect(created.ok).toBe(true);
    const id = created.ok ? (created.value as { id: string }).id : '';
    expect(id).toBe('windows-11-pro');
    expect((await recordOf(id)).installed).toBe(true);
    expect(await backend.invoke('getMachine', { id })).toMatchObject({ ok: true, value: { installed: true } });
  });

  it('"use" of a kept disk larger than asked: the machine says the disk’s real size (the image never shrinks one), and warns', async () => {
    const dir = join(root, 'kept-large', 'win');
    await keptDisk(dir);
    await truncate(join(dir, 'data.img'), 100 * 1024 ** 3);
    const created = await backend.invoke('createMachine', {
      name: 'Large kept',
      storageDir: dir,
      diskGiB: 64,
      existingInstall: 'use',
    });
    expect(created).toMatchObject({ ok: true, value: { diskGiB: 100 } });
    const warnings = created.ok ? ((created.value as { warnings?: string[] }).warnings ?? []) : [];
    expect(warnings).toContain(
      `The disk already in ${dir} is 100 GB, larger than the 64 GB asked: the machine keeps it at 100 GB (a disk is never made smaller).`,
    );
    // A size at or above the disk's stands as asked, with no word.
    const other = join(root, 'kept-small', 'win');
    await keptDisk(other);
    const bigger = await backend.invoke('createMachine', {
      name: 'Small kept',
      storageDir: other,
      diskGiB: 80,
      existingInstall: 'use',
    });
    expect(bigger).toMatchObject({ ok: true, value: { diskGiB: 80 } });
    expect(bigger.ok ? (bigger.value as { warnings?: string[] }).warnings : ['?']).toBeUndefined();
  });

  it('a fresh folder is a fresh install, as before', async () => {
    const created = await backend.invoke('createMachine', { name: 'Fresh' });
    const id = created.ok ? (created.value as { id: string }).id : '';
    expect((await recordOf(id)).installed).toBe(false);
  });

  it('creationDefaults tells the wizard about the install in a folder, and the image a new machine gets', async () => {
    const dir = join(root, 'elsewhere', 'win');
    expect(await backend.invoke('creationDefaults', { storageDir: dir })).toMatchObject({
      ok: true,
      value: { existingInstall: { diskGiB: 64 }, image: 'registry.example/windows:mirror' },
    });
    const empty = await backend.invoke('creationDefaults', { storageDir: join(root, 'elsewhere') });
    expect(empty.ok && (empty.value as { existingInstall?: unknown }).existingInstall).toBeUndefined();
  });
});
