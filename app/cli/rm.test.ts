import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere, throwawayCliConfig } from '../core/testing/cli';

/** Issue 22, item 1: `porthole rm --delete-disk` says what it would delete and asks first; without a terminal and --yes it deletes nothing. */
describe('porthole rm --delete-disk', () => {
  throwawayCliConfig('porthole-cli-rm-');

  it('prints the plan and refuses without --yes (no terminal to ask on): nothing is deleted, the machine stays', async () => {
    const created = await runCliHere('create', '--json', '--name', 'Thesis box');
    expect(created.code).toBe(0);
    const { id, storageDir } = JSON.parse(created.out) as { id: string; storageDir: string };
    // The image's disk, and a person's files in folders whose names the image also uses.
    await writeFile(join(storageDir, 'data.img'), 'disk');
    await mkdir(join(storageDir, 'backups'));
    await writeFile(join(storageDir, 'backups', 'thesis-backup.docx'), 'years of work');
    await mkdir(join(storageDir, 'tmp'));
    await writeFile(join(storageDir, 'tmp', 'draft.txt'), 'a draft');
    const before = (await readdir(storageDir)).sort();

    const asked = await runCliHere('rm', id, '--delete-disk');
    expect(asked.code).toBe(1);
    const lines = asked.err.split('\n');
    expect(lines[0]).toBe(`Removing ${id} with its disk:`);
    expect(lines[1]).toMatch(
      /^Deletes the Windows disk files in (.+): \.porthole-storage, data\.img \(.+ on disk\)\.$/,
    );
    expect(lines[1]).toContain(storageDir);
    expect(lines.slice(2)).toEqual([
      "Kept: the folder and backups, tmp (not the machine's).",
      'Run it again with --yes to delete them. Nothing was changed.',
      '',
    ]);
    expect((await readdir(storageDir)).sort()).toEqual(before);
    expect(await readFile(join(storageDir, 'backups', 'thesis-backup.docx'), 'utf8')).toBe('years of work');
    const list = JSON.parse((await runCliHere('machines', '--json')).out) as Array<{ id: string }>;
    expect(list.map((m) => m.id)).toEqual([id]);

    // --json says so in a form a script reads, with the plan.
    const json = await runCliHere('rm', id, '--delete-disk', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      error: { code: 'CONFIRMATION_NEEDED' },
      plan: { kind: 'files', remove: ['.porthole-storage', 'data.img'], keep: ['backups', 'tmp'] },
    });

    // With --yes it goes ahead to the backend (here: no engine, so the delete is refused there, before anything goes).
    const yes = await runCliHere('rm', id, '--delete-disk', '--yes');
    expect(yes.code).toBe(1);
    expect(yes.err).not.toContain('Run it again with --yes');
    expect((await readdir(storageDir)).sort()).toEqual(before);
  });
});
