import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeDiskDelete, makeStorageFolder, planDiskDelete, STORAGE_MARKER, storageContents } from './ownership';
import type { EngineHostHelpers } from './engine-host-fs';

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('storage ownership', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-own-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function imageFiles(dir: string): Promise<void> {
    await writeFile(join(dir, 'data.img'), 'disk');
    await writeFile(join(dir, 'windows.boot'), '');
    await writeFile(join(dir, 'windows.base'), 'win11x64.iso\n');
    await writeFile(join(dir, 'win11x64.iso'), 'iso');
    await mkdir(join(dir, 'tmp', 'unpack'), { recursive: true });
    await writeFile(join(dir, 'tmp', 'unpack', 'x'), 'x');
  }

  it('marks only a folder it made, with the machine id and the time', async () => {
    const dir = join(root, 'a', 'vm');
    expect(await makeStorageFolder(dir, 'vm')).toEqual({ own: true });
    const marker = JSON.parse(await readFile(join(dir, STORAGE_MARKER), 'utf8')) as Record<string, unknown>;
    expect(marker).toMatchObject({ machineId: 'vm', createdAt: expect.stringMatching(/^\d{4}-/) });
    // Nothing but the marker: no temp file of the atomic write left behind.
    expect(await readdir(dir)).toEqual([STORAGE_MARKER]);
    const existing = join(root, 'mine');
    await mkdir(existing);
    expect(await makeStorageFolder(existing, 'vm2')).toEqual({ own: false });
    expect(await readdir(existing)).toEqual([]);
  });

  it('an own folder holding only the image’s files goes whole', async () => {
    const dir = join(root, 'vm');
    await makeStorageFolder(dir, 'vm');
    await imageFiles(dir);
    const plan = await planDiskDelete(dir, 'vm');
    expect(plan).toMatchObject({
      kind: 'folder',
      keep: [],
      remove: expect.arrayContaining(['data.img', 'tmp', STORAGE_MARKER, 'win11x64.iso']),
    });
    expect(plan.apparentBytes).toBeGreaterThan(0);
    await executeDiskDelete(plan);
    expect(await exists(dir)).toBe(false);
  });

  it('an own folder where a foreign file appeared keeps the folder and the file', async () => {
    const dir = join(root, 'vm');
    await makeStorageFolder(dir, 'vm');
    await imageFiles(dir);
    await writeFile(join(dir, 'thesis.docx'), 'years of work');
    const plan = await planDiskDelete(dir, 'vm');
    expect(plan.kind).toBe('files');
    expect(plan.keep).toEqual(['thesis.docx']);
    await executeDiskDelete(plan);
    expect(await readdir(dir)).toEqual(['thesis.docx']);
  });

  it('a folder chosen by hand loses only the image’s files: never the folder, foreign files, own ISOs or symlinks', async () => {
    const dir = join(root, 'hand');
    const elsewhere = join(root, 'elsewhere');
    await mkdir(dir);
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'data.img'), 'not this machine’s');
    await imageFiles(dir);
    await writeFile(join(dir, 'my-linux.iso'), 'a person’s ISO');
    await writeFile(join(dir, 'notes.txt'), 'keep');
    await mkdir(join(dir, 'shared'));
    await symlink(join(elsewhere, 'data.img'), join(dir, 'data.qcow2'));
    await symlink(elsewhere, join(dir, 'backups'));
    // A marker naming another machine does not make the folder this one's.
    await writeFile(join(dir, STORAGE_MARKER), JSON.stringify({ machineId: 'other', createdAt: 'x' }));
    const plan = await planDiskDelete(dir, 'vm');
    expect(plan.kind).toBe('files');
    expect(plan.remove).toEqual(['data.img', 'tmp', 'win11x64.iso', 'windows.base', 'windows.boot']);
    expect(plan.keep).toEqual([STORAGE_MARKER, 'backups', 'data.qcow2', 'my-linux.iso', 'notes.txt', 'shared']);
    await executeDiskDelete(plan);
    expect((await readdir(dir)).sort()).toEqual(plan.keep);
    expect(await readFile(join(elsewhere, 'data.img'), 'utf8')).toBe('not this machine’s');
  });

  it('on a remote engine a folder of the same name here is never looked at, and nothing here is removed', async () => {
    // Someone's local disk at the path a remote machine's storage names on the engine's computer.
    const dir = join(root, 'shared-name');
    await mkdir(dir);
    await imageFiles(dir);
    const before = (await readdir(dir)).sort();
    const unreachable = async (): Promise<never> => {
      throw new Error('not asked here');
    };
    const asked: string[] = [];
    const remote: EngineHostHelpers = {
      host: 'server',
      kind: unreachable,
      makeFolder: unreachable,
      writeFiles: unreachable,
      inspectIso: unreachable,
      // The engine's computer has no such folder: it is listed there, in a helper with its parent bound.
      run: async (mounts, _script, args) => {
        asked.push(`${mounts.map((m) => `${m.source}:${m.target}`).join(',')} ${args.join(' ')}`);
        return 'folder=missing\n';
      },
    };
    const plan = await planDiskDelete(dir, 'vm', [], remote);
    expect(plan).toMatchObject({ kind: 'missing', remove: [] });
    expect(asked).toEqual([`${root}:/p shared-name`]);
    // A plan made here is not carried out there, nor here, while the engine is remote.
    const local = await planDiskDelete(dir, 'vm');
    await expect(executeDiskDelete(local, remote)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('Porthole deleted nothing') as string,
    });
    expect(asked).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(before);
  });

  it('a missing folder: nothing to remove', async () => {
    const plan = await planDiskDelete(join(root, 'gone'), 'vm');
    expect(plan).toMatchObject({ kind: 'missing', remove: [], allocatedBytes: 0 });
    await executeDiskDelete(plan);
    expect(await exists(join(root, 'gone'))).toBe(false);
  });

  it('a file that appears after the plan stays, with its folder', async () => {
    const dir = join(root, 'vm');
    await makeStorageFolder(dir, 'vm');
    await imageFiles(dir);
    const plan = await planDiskDelete(dir, 'vm');
    await writeFile(join(dir, 'late.txt'), 'late');
    await executeDiskDelete(plan);
    expect(await readdir(dir)).toEqual(['late.txt']);
  });

  it('a backups/ or tmp/ holding anything the image did not write stays whole (issue 22, item 1)', async () => {
    const dir = join(root, 'hand');
    await mkdir(join(dir, 'backups'), { recursive: true });
    await mkdir(join(dir, 'tmp'));
    await writeFile(join(dir, 'backups', 'thesis-backup.docx'), 'years of work');
    await writeFile(join(dir, 'tmp', 'draft.txt'), 'a draft');
    await writeFile(join(dir, 'data.img'), 'disk');
    const plan = await planDiskDelete(dir, 'vm');
    expect(plan).toMatchObject({ kind: 'files', remove: ['data.img'], keep: ['backups', 'tmp'] });
    await executeDiskDelete(plan);
    expect(await readFile(join(dir, 'backups', 'thesis-backup.docx'), 'utf8')).toBe('years of work');
    expect(await readFile(join(dir, 'tmp', 'draft.txt'), 'utf8')).toBe('a draft');
    // Even in a folder Porthole made: a person's file inside tmp/ keeps tmp/ and the folder.
    const own = join(root, 'own');
    await makeStorageFolder(own, 'vm');
    await mkdir(join(own, 'tmp'));
    await writeFile(join(own, 'tmp', 'notes.txt'), 'mine');
    expect(await planDiskDelete(own, 'vm')).toMatchObject({ kind: 'files', keep: ['tmp'] });
  });

  it('backups/ as the image makes it after a reinstall, and tmp/ during an install, go with the disk', async () => {
    const dir = join(root, 'vm');
    await makeStorageFolder(dir, 'vm');
    await mkdir(join(dir, 'backups', 'win11x64.2'), { recursive: true });
    for (const name of ['data.img', 'windows.rom', 'windows.vars', 'windows.base', 'win11x64.iso'])
      await writeFile(join(dir, 'backups', 'win11x64.2', name), 'x');
    await mkdir(join(dir, 'tmp', 'unpack'), { recursive: true });
    await writeFile(join(dir, 'tmp', 'unpack', 'sources.wim'), 'x');
    await writeFile(join(dir, 'tmp', 'win11x64.iso'), 'x');
    const plan = await planDiskDelete(dir, 'vm');
    expect(plan).toMatchObject({ kind: 'folder', keep: [], remove: [STORAGE_MARKER, 'backups', 'tmp'] });
    // A file loose in backups/ (not in a backup's folder), or a symlink in tmp/, is not the image's.
    await writeFile(join(dir, 'backups', 'extra.img'), 'x');
    await symlink(root, join(dir, 'tmp', 'esd'));
    expect(await planDiskDelete(dir, 'vm')).toMatchObject({ kind: 'files', keep: ['backups', 'tmp'] });
  });

  it('what the folder held when it was chosen is never in the plan, even with the image’s names', async () => {
    const dir = join(root, 'hand');
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await writeFile(join(dir, 'tmp', 'win11x64.iso'), 'a person’s ISO in their own tmp/');
    await writeFile(join(dir, 'notes.txt'), 'keep');
    await writeFile(join(dir, 'data.img'), 'an earlier install: the machine uses it as its disk');
    // tmp/ looks like the image's, but was there before: it is kept, as are the notes; the earlier disk is the machine's.
    const found = await storageContents(dir);
    expect(found).toEqual({ foreign: ['notes.txt', 'tmp'], tooMany: false });
    const plan = await planDiskDelete(dir, 'vm', found.foreign);
    expect(plan).toMatchObject({ kind: 'files', remove: ['data.img'], keep: ['notes.txt', 'tmp'] });
  });
});
