import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MachineSettings } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { MachineStore, STORE_VERSION, type ExternalChange } from './machine-store';

const settings = (id: string, name = id): MachineSettings => sampleMachine({ id, name, storageDir: `/tmp/${id}` });
const record = (id: string) => ({ settings: settings(id), installed: false });
const ids = (s: MachineStore) =>
  s
    .list()
    .map((r) => r.settings.id)
    .sort();

describe('MachineStore', () => {
  let dir: string;
  let warnings: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-store-'));
    warnings = [];
    vi.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => void warnings.push(String(w)));
  });
  afterEach(() => vi.restoreAllMocks());

  const file = (name = 'machines.json') => join(dir, name);
  const fresh = async () => {
    const s = new MachineStore(dir);
    await s.load();
    return s;
  };

  it('round-trips records through disk, privately (0600), with a last-good copy', async () => {
    const a = await fresh();
    await a.put({ settings: settings('one'), installed: false });
    await a.update('one', (r) => ({ ...r, installed: true }));
    const b = await fresh();
    expect(b.require('one')).toEqual({ settings: settings('one'), installed: true });
    expect((await stat(a.path)).mode & 0o777).toBe(0o600);
    expect((await stat(a.backupPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(a.backupPath, 'utf8')).toBe(await readFile(a.path, 'utf8'));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([]);
  });

  it('never lets two machines share a name by the names rule (“Café” in NFC and NFD, any case), whoever writes', async () => {
    const s = await fresh();
    await s.put({ settings: settings('one', 'Caf\u00e9'), installed: false });
    await expect(s.put({ settings: settings('two', 'Cafe\u0301'), installed: false })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(s.put({ settings: settings('two', 'CAFÉ'), installed: false })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(ids(await fresh())).toEqual(['one']);
  });

  it('reads names an older Porthole stored (NEL, bidi, NFD, duplicates) repaired, never setting the file aside', async () => {
    const stored = [
      settings('one', 'Old\u0085networks:'),
      settings('two', 'Cafe\u0301'),
      settings('three', 'caf\u00e9'),
      settings('four', '\u202e\u200b'),
    ];
    await writeFile(
      file(),
      JSON.stringify({ version: STORE_VERSION, machines: stored.map((s) => ({ settings: s, installed: false })) }),
    );
    const s = await fresh();
    expect(warnings).toEqual([]);
    expect(s.list().map((r) => r.settings.name)).toEqual(['Old networks:', 'Caf\u00e9', 'caf\u00e9', 'Windows']);
    // The pair that was already there stays writable: a change to one of them that keeps its name is fine.
    await s.update('two', (r) => ({ ...r, installed: true }));
    expect(s.require('two').installed).toBe(true);
  });

  it('migrates a version-0 file', async () => {
    await writeFile(file(), JSON.stringify({ machines: [{ settings: settings('old'), installed: false }] }));
    const s = await fresh();
    expect(ids(s)).toEqual(['old']);
  });

  it('never loses a record another instance wrote since it loaded (re-reads before every write)', async () => {
    const app = await fresh();
    const cli = await fresh();
    await cli.put(record('from-cli'));
    await app.put(record('from-app'));
    await app.update('from-app', (r) => ({ ...r, installed: true }));
    expect(ids(await fresh())).toEqual(['from-app', 'from-cli']);
    // The change is applied to the record on disk, not to a stale copy.
    await cli.update('from-app', (r) => ({ ...r, settings: { ...r.settings, ramGiB: 8 } }));
    expect((await fresh()).require('from-app')).toMatchObject({ installed: true, settings: { ramGiB: 8 } });
  });

  it('keeps every one of many racing writes from many instances', async () => {
    const stores = await Promise.all(Array.from({ length: 8 }, () => fresh()));
    await Promise.all(stores.flatMap((s, i) => [s.put(record(`m-${i}-a`)), s.put(record(`m-${i}-b`))]));
    expect((await fresh()).list()).toHaveLength(16);
  });

  it('a transaction that throws writes nothing', async () => {
    const s = await fresh();
    await s.put(record('keep'));
    const before = await readFile(s.path, 'utf8');
    await expect(
      s.transact((records) => {
        records.delete('keep');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await readFile(s.path, 'utf8')).toBe(before);
    expect(ids(s)).toEqual(['keep']);
  });

  it('refuses an invalid record and changes nothing', async () => {
    const s = await fresh();
    await expect(s.put({ settings: { ...settings('bad'), ramGiB: 0 }, installed: false })).rejects.toThrow();
    expect(s.get('bad')).toBeUndefined();
  });

  it('says which machine is missing', () => {
    const s = new MachineStore(dir);
    expect(() => s.require('nope')).toThrow(/no machine "nope"/);
  });

  describe('a file that is not a store', () => {
    for (const [what, text] of [
      ['not JSON', '{ not json'],
      ['null', 'null'],
      ['an empty object', '{}'],
      ['a foreign object', '{"foo":1}'],
      ['a list', '[]'],
      ['a number', '42'],
      ['a text version', '{"version":"1","machines":[]}'],
      ['a version-1 file without its list', '{"version":1}'],
    ] as const) {
      it(`(${what}) is kept aside, never overwritten, never a crash`, async () => {
        await writeFile(file(), text);
        const s = await fresh();
        expect(s.list()).toEqual([]);
        const aside = (await readdir(dir)).find((f) => f.startsWith('machines.json.unreadable-'));
        expect(aside).toBeDefined();
        expect(await readFile(join(dir, aside!), 'utf8')).toBe(text);
        expect(warnings.join('\n')).toContain(`kept as ${join(dir, aside!)}`);
        await s.put(record('new'));
        expect(await readFile(join(dir, aside!), 'utf8')).toBe(text);
      });
    }

    it('is replaced by the last good copy, with a warning naming both files', async () => {
      const a = await fresh();
      await a.put(record('one'));
      await a.put(record('two'));
      await writeFile(file(), 'null');
      const s = await fresh();
      expect(ids(s)).toEqual(['one', 'two']);
      const aside = (await readdir(dir)).find((f) => f.startsWith('machines.json.unreadable-'))!;
      expect(await readFile(join(dir, aside), 'utf8')).toBe('null');
      expect(warnings.join('\n')).toMatch(
        new RegExp(`kept as .*${aside}.*2 machines of the last good copy \\(.*machines\\.json\\.bak\\) were restored`),
      );
      // The main file is whole again.
      expect(ids(await fresh())).toEqual(['one', 'two']);
    });

    it('found by a transaction is repaired the same way before the change', async () => {
      const a = await fresh();
      await a.put(record('one'));
      await writeFile(file(), '{"foo":1}');
      await a.put(record('two'));
      expect(ids(await fresh())).toEqual(['one', 'two']);
    });

    it('a missing file with a good backup is restored', async () => {
      const a = await fresh();
      await a.put(record('one'));
      await writeFile(file(), ''); // truncated by a crash of something else
      expect(ids(await fresh())).toEqual(['one']);
    });
  });

  describe('a file from a newer Porthole', () => {
    const future = JSON.stringify({ version: STORE_VERSION + 1, machines: [{ whatever: true }] });

    it('is neither moved aside nor overwritten, and every write is refused saying why', async () => {
      await writeFile(file(), future);
      const s = await fresh();
      expect(s.list()).toEqual([]);
      expect(warnings.join('\n')).toMatch(/made by a newer Porthole/);
      await expect(s.put(record('x'))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/made by a newer Porthole/),
      });
      expect(await readFile(file(), 'utf8')).toBe(future);
      expect((await readdir(dir)).filter((f) => f.startsWith('machines.json.'))).toEqual([]);
    });
  });

  describe('the lock', () => {
    it('breaks a lock left by a dead process on this host', async () => {
      await writeFile(
        file('machines.json.lock'),
        JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), time: Date.now(), nonce: 'x' }),
      );
      const s = new MachineStore(dir, { lock: { timeoutMs: 5_000 } });
      await s.put(record('one'));
      expect(ids(await fresh())).toEqual(['one']);
      expect((await readdir(dir)).filter((f) => f.includes('.lock'))).toEqual([]);
    });

    it('breaks a lock older than the bound, whoever holds it', async () => {
      await writeFile(
        file('machines.json.lock'),
        JSON.stringify({ pid: process.pid, hostname: 'elsewhere', time: 0, nonce: 'x' }),
      );
      const s = new MachineStore(dir, { lock: { timeoutMs: 5_000, staleMs: 200 } });
      const started = Date.now();
      await s.put(record('one'));
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('waits for a live holder, then gives up with a clear error, writing nothing', async () => {
      await writeFile(
        file('machines.json.lock'),
        JSON.stringify({ pid: process.pid, hostname: hostname(), time: Date.now(), nonce: 'x' }),
      );
      const s = new MachineStore(dir, { lock: { timeoutMs: 300 } });
      await expect(s.put(record('one'))).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(new RegExp(`process ${process.pid} on .* has held .*machines\\.json\\.lock`)),
      });
      await expect(stat(file())).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('watch', () => {
    it("shows another instance's new, changed and removed records within a second; its own writes are not reported", async () => {
      const app = await fresh();
      await app.put(record('mine'));
      const changes: ExternalChange[] = [];
      let wake = (): void => undefined;
      const stop = app.watch((c) => {
        changes.push(c);
        wake();
      });
      const next = () =>
        new Promise<number>((resolve) => {
          const t0 = Date.now();
          wake = () => resolve(Date.now() - t0);
        });
      try {
        await new Promise((r) => setTimeout(r, 200)); // the watch is up
        changes.length = 0;
        const cli = await fresh();
        let seen = next();
        await cli.put(record('theirs'));
        expect(await seen).toBeLessThan(1_000);
        expect(app.get('theirs')).toBeDefined();
        expect(changes.at(-1)).toEqual({ changed: [record('theirs')], removed: [] });

        seen = next();
        await cli.update('mine', (r) => ({ ...r, installed: true }));
        expect(await seen).toBeLessThan(1_000);
        expect(changes.at(-1)!.changed.map((r) => r.settings.id)).toEqual(['mine']);

        seen = next();
        await cli.remove('theirs');
        expect(await seen).toBeLessThan(1_000);
        expect(changes.at(-1)).toEqual({ changed: [], removed: ['theirs'] });

        const count = changes.length;
        await app.put(record('own'));
        await new Promise((r) => setTimeout(r, 300));
        expect(changes).toHaveLength(count);
      } finally {
        stop();
      }
    });

    it("sync(): another process's remove is read at once and told to the watchers, once (not again by the watch)", async () => {
      const app = await fresh();
      await app.put(record('gone'));
      const changes: ExternalChange[] = [];
      const stop = app.watch((c) => void changes.push(c));
      try {
        await new Promise((r) => setTimeout(r, 200)); // the watch is up
        changes.length = 0;
        const cli = await fresh();
        await cli.remove('gone');
        await app.sync();
        expect(app.get('gone')).toBeUndefined();
        expect(changes).toEqual([{ changed: [], removed: ['gone'] }]);
        await new Promise((r) => setTimeout(r, 300));
        expect(changes).toHaveLength(1);
        // Nothing changed since: nothing told.
        await app.sync();
        expect(changes).toHaveLength(1);
      } finally {
        stop();
      }
    });
  });
});
