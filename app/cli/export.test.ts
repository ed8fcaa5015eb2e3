import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromCompose } from '../core/machine/compose-import';
import { run } from './main';

/** `porthole export -o`, in process, on temp dirs; no engine is needed for creating and exporting. */
describe('porthole export -o FILE', () => {
  let root: string;
  let id: string;
  const saved = { ...process.env };

  const porthole = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = '';
    let err = '';
    const code = await run(
      args,
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  };
  const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-export-'));
    Object.assign(process.env, {
      PORTHOLE_CONFIG_DIR: join(root, 'config'),
      PORTHOLE_DATA_DIR: join(root, 'data'),
      DOCKER_HOST: 'unix:///nonexistent.sock',
    });
    const created = await porthole('create', '--json', '--name', 'Export me');
    expect(created.code).toBe(0);
    id = (JSON.parse(created.out) as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    await rm(root, { recursive: true, force: true });
  });

  it('writes the compose file 0600, whatever the umask, and it imports back', async () => {
    const file = join(root, 'compose.yml');
    const umask = process.umask(0);
    try {
      const result = await porthole('export', id, '-o', file);
      expect(result).toMatchObject({ code: 0, err: '' });
      expect(result.out).toContain('readable by you only');
    } finally {
      process.umask(umask);
    }
    expect(await mode(file)).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(fromCompose(text).drafts[0]).toMatchObject({ name: 'Export me' });
    // No temporary file is left beside it.
    expect((await readdir(root)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('leaves an existing file alone without --force, and replaces it 0600 with it', async () => {
    const file = join(root, 'existing.yml');
    await writeFile(file, 'mine\n', { mode: 0o644 });
    const refused = await porthole('export', id, '--output', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /already exists; it was left as it is\.\nChoose another file, or add --force to replace it\./,
    );
    expect(await readFile(file, 'utf8')).toBe('mine\n');
    expect(await mode(file)).toBe(0o644);

    const forced = await porthole('export', id, '-o', file, '--force');
    expect(forced.code).toBe(0);
    expect(await readFile(file, 'utf8')).toMatch(/PASSWORD: "/);
    expect(await mode(file)).toBe(0o600);
  });

  it('says what is wrong with the place, writing nothing', async () => {
    const missing = await porthole('export', id, '-o', join(root, 'no', 'such', 'compose.yml'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/The folder .*no\/such does not exist\./);
    const folder = await porthole('export', id, '-o', root, '--force');
    expect(folder.code).toBe(1);
    expect(folder.err).toMatch(/is a folder/);
    const empty = await porthole('export', id, '-o', '');
    expect(empty.code).toBe(2);
  });

  it('still prints to standard output without -o', async () => {
    const printed = await porthole('export', id);
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(/^# Machine “Export me”/);
  });
});
