// What the CLI prints of text it did not write (the guest's program list) and of names, in process on
// a throwaway configuration with no engine: escapes never reach the terminal raw, --json stays exact,
// and names follow the one rule through `porthole create`, `snapshot`, `export`.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APPS_FOLDER, APPS_FORMAT, type AppList } from '../api';
import { runCliHere, throwawayCliConfig } from '../core/testing/cli';
import { MachineStore } from '../core/store/machine-store';
import { terminalSafe, terminalSafeLines, terminalSafeLogLine } from './terminal-safe';

// eslint-disable-next-line no-control-regex -- what must never reach a terminal from the guest
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f]/;

describe('terminalSafe', () => {
  it('shows every control, bidi and zero-width character as a visible escape', () => {
    expect(
      terminalSafe('a\u001b]0;pwned\u0007b\u001b[2Jc\r\nd\te\u0085f\u009bg\u202eh\u2066i\u200bj\u2028k\u007fl\ud800m'),
    ).toBe('a\\x1b]0;pwned\\x07b\\x1b[2Jc\\r\\nd\\te\\x85f\\x9bg\\u202eh\\u2066i\\u200bj\\u2028k\\x7fl\\ud800m');
    expect(terminalSafe('tag \u{e0041}')).toBe('tag \\u{e0041}');
  });

  it('keeps what is seen: letters of any script, emoji sequences, and line breaks where Porthole wrote them', () => {
    expect(terminalSafe('Café 日本 עברית 👩‍💻 🇫🇷 👍🏽 🏴󠁧󠁢󠁳󠁣󠁴󠁿')).toBe('Café 日本 עברית 👩‍💻 🇫🇷 👍🏽 🏴󠁧󠁢󠁳󠁣󠁴󠁿');
    expect(terminalSafeLines('one\ntwo\r\n')).toBe('one\ntwo\\r\n');
  });

  it('drops a log line’s colour codes and escapes every other sequence', () => {
    expect(terminalSafeLogLine('\u001b[1;31m❯ ERROR: x\u001b[0m \u001b]2;t\u0007')).toBe('❯ ERROR: x \\x1b]2;t\\x07');
  });
});

describe('porthole apps: the guest’s program names', () => {
  const root = throwawayCliConfig('porthole-guest-text-');

  it('prints escape sequences and line breaks in names escaped, one program a line; --json keeps them exact', async () => {
    const created = await runCliHere('create', '--json', '--name', 'Guest');
    expect(created.code, created.err).toBe(0);
    const id = (JSON.parse(created.out) as { id: string }).id;
    const shared = join(root(), 'shared');
    await mkdir(join(shared, APPS_FOLDER), { recursive: true });
    const store = new MachineStore(join(root(), 'config'));
    await store.load();
    await store.update(id, (r) => ({
      ...r,
      settings: { ...r.settings, sharedFolders: [{ hostPath: shared, readOnly: false }] },
    }));
    const evil = [
      'Title\u001b]0;pwned\u0007',
      'Clear\u001b[2J\u001b[H',
      'Fake\naaaaaaaaaaaa  Injected  uwp  (in the app menu)',
      'Back\rover',
      'gpj.exe\u202eRLO',
      'C1\u009b31m',
    ];
    const apps = evil.map((name, i) => ({
      id: `${i}`.padStart(12, 'b'),
      name,
      target: 'C:\\x.exe',
      args: '',
      source: 'start-menu',
      icon: null,
    }));
    await writeFile(join(shared, APPS_FOLDER, 'apps.json'), JSON.stringify({ format: APPS_FORMAT, apps }));

    const plain = await runCliHere('apps', id);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).not.toMatch(RAW_CONTROL);
    const lines = plain.out.trimEnd().split('\n');
    expect(lines).toHaveLength(evil.length);
    for (const shown of [
      'Title\\x1b]0;pwned\\x07',
      'Clear\\x1b[2J\\x1b[H',
      'Fake\\naaaaaaaaaaaa  Injected',
      'Back\\rover',
      'gpj.exe\\u202eRLO',
      'C1\\x9b31m',
    ]) {
      expect(
        lines.filter((l) => l.includes(shown)),
        shown,
      ).toHaveLength(1);
    }

    const json = await runCliHere('apps', id, '--json');
    expect((JSON.parse(json.out) as AppList).apps.map((a) => a.name).sort()).toEqual([...evil].sort());
  });
});

describe('names through the CLI', () => {
  const root = throwawayCliConfig('porthole-cli-names-');

  it('refuses NEL, U+2028, C1, bidi and zero-width characters in a machine name, creating nothing', async () => {
    for (const [name, code] of [
      ['Work\u0085networks:', 'U+0085'],
      ['Work\u2028x', 'U+2028'],
      ['Work\u0090', 'U+0090'],
      ['Work\u202eexe', 'U+202E'],
      ['Wo\u200brk', 'U+200B'],
    ]) {
      const run = await runCliHere('create', '--name', name!);
      expect(run.code, name).toBe(1);
      expect(run.err).toContain(code);
      expect(run.err).not.toMatch(RAW_CONTROL);
    }
    expect(JSON.parse((await runCliHere('machines', '--json')).out)).toEqual([]);
  });

  it('takes “Café” in NFC and in NFD as one name', async () => {
    expect((await runCliHere('create', '--name', 'Caf\u00e9')).code).toBe(0);
    const again = await runCliHere('create', '--name', 'Cafe\u0301');
    expect(again.code).toBe(1);
    expect(again.err).toContain('Another machine is already called “Café”');
    expect((JSON.parse((await runCliHere('machines', '--json')).out) as unknown[]).length).toBe(1);
  });

  it('a name with NEL an older Porthole stored is shown repaired, and its export is one service with no other top-level key', async () => {
    const created = await runCliHere('create', '--json', '--name', 'Old');
    const id = (JSON.parse(created.out) as { id: string }).id;
    const file = join(root(), 'config', 'machines.json');
    const stored = JSON.parse(await readFile(file, 'utf8')) as { machines: Array<{ settings: { name: string } }> };
    stored.machines[0]!.settings.name = 'Old\u0085networks:\u0085  evil: {}';
    await writeFile(file, JSON.stringify(stored));

    const listed = await runCliHere('machines', '--json');
    expect(listed.err).toBe('');
    expect((JSON.parse(listed.out) as Array<{ name: string }>).map((m) => m.name)).toEqual(['Old networks: evil: {}']);
    const exported = await runCliHere('export', id);
    expect(exported.code).toBe(0);
    expect(exported.out).not.toMatch(/[\u0085\u2028\u2029]/);
    expect(Object.keys(parse(exported.out) as object)).toEqual(['services']);
  });

  it('refuses a snapshot name with NEL, and one that is another snapshot’s written differently', async () => {
    const created = await runCliHere('create', '--json', '--name', 'Snappy');
    const id = (JSON.parse(created.out) as { id: string }).id;
    const nel = await runCliHere('snapshot', id, '--name', 'Before\u0085updates');
    expect(nel.code).toBe(1);
    expect(nel.err).toContain('U+0085');
    // A snapshot on disk (as a take leaves it): its name is taken, in any normalisation and case.
    const snapshotId = '20261207-010000-abcdef';
    const folder = join(root(), 'data', 'snapshots', id, snapshotId);
    await mkdir(folder, { recursive: true });
    const manifest = {
      version: 1,
      id: snapshotId,
      machineId: id,
      name: 'Café',
      createdAt: '2026-12-07T01:00:00.000Z',
      installed: true,
      method: 'sparse-copy',
      files: [],
    };
    await writeFile(join(folder, 'manifest.json'), JSON.stringify(manifest));
    for (const name of ['Cafe\u0301', 'CAFÉ']) {
      const twin = await runCliHere('snapshot', id, '--name', name);
      expect(twin.code, name).toBe(1);
      expect(twin.err).toContain('already has a snapshot called “Café”');
    }
  });
});
