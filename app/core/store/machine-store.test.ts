import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { MachineStore } from './machine-store';

const settings = (id: string): MachineSettings => sampleMachine({ id, storageDir: `/tmp/${id}` });

describe('MachineStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-store-'));
  });

  it('round-trips records through disk, privately (0600)', async () => {
    const a = new MachineStore(dir);
    await a.load();
    await a.put({ settings: settings('one'), installed: false });
    await a.update('one', (r) => ({ ...r, installed: true }));
    const b = new MachineStore(dir);
    await b.load();
    expect(b.require('one')).toEqual({ settings: settings('one'), installed: true });
    expect((await stat(a.path)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('migrates a version-0 file', async () => {
    await writeFile(join(dir, 'machines.json'), JSON.stringify({ machines: [{ settings: settings('old'), installed: false }] }));
    const s = new MachineStore(dir);
    await s.load();
    expect(s.list().map((r) => r.settings.id)).toEqual(['old']);
  });

  it('keeps an unreadable file aside instead of overwriting it', async () => {
    await writeFile(join(dir, 'machines.json'), '{ not json');
    const s = new MachineStore(dir);
    await s.load();
    expect(s.list()).toEqual([]);
    const aside = (await readdir(dir)).find((f) => f.startsWith('machines.json.unreadable-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(dir, aside!), 'utf8')).toBe('{ not json');
  });

  it('refuses an invalid record and changes nothing', async () => {
    const s = new MachineStore(dir);
    await s.load();
    await expect(s.put({ settings: { ...settings('bad'), ramGiB: 0 }, installed: false })).rejects.toThrow();
    expect(s.get('bad')).toBeUndefined();
  });

  it('says which machine is missing', () => {
    const s = new MachineStore(dir);
    expect(() => s.require('nope')).toThrow(/no machine "nope"/);
  });
});
