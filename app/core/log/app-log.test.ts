import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppLog, defaultStateDir } from './app-log';

const fixed = () => new Date('2026-01-02T03:04:05.000Z');
const dir = () => mkdtemp(join(tmpdir(), 'porthole-log-'));

describe('AppLog', () => {
  it('writes one line per event with its level and plain fields, private to this user', async () => {
    const log = new AppLog({ dir: join(await dir(), 'state'), now: fixed });
    log.info('machine started', { id: 'win11', phase: 'booting', note: 'two words' });
    log.debug('not written at the default level');
    log.error('engine lost', { message: 'line one\nline two' });
    const text = await readFile(log.file, 'utf8');
    expect(text).toBe(
      '2026-01-02T03:04:05.000Z INFO  machine started id=win11 phase=booting note="two words"\n' +
        '2026-01-02T03:04:05.000Z ERROR engine lost message="line one ⏎ line two"\n',
    );
    expect((await stat(log.file)).mode & 0o777).toBe(0o600);
    expect(log.tail(1)).toEqual([text.split('\n')[1]]);
  });

  it('never writes a field named like a secret, nor a registered secret value anywhere in a line', async () => {
    const log = new AppLog({ dir: await dir(), now: fixed });
    log.addSecret('hunter2-Secret');
    log.addSecret('hunter2');
    log.info('created', { password: 'plain-pw', token: 'abc', id: 'x' });
    log.warn('the engine said: bad env PASSWORD=hunter2-Secret and hunter2', { detail: 'hunter2' });
    const text = await readFile(log.file, 'utf8');
    expect(text).not.toContain('plain-pw');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('password=*** token=*** id=x');
    expect(text).toContain('PASSWORD=*** and *** detail=***');
  });

  it('rotates by size, keeping the set number of files, each under the limit', async () => {
    const root = await dir();
    const log = new AppLog({ dir: root, maxBytes: 1000, files: 3, now: fixed });
    for (let i = 0; i < 100; i++) log.info(`event number ${i}`, { padding: 'x'.repeat(40) });
    expect((await readdir(root)).sort()).toEqual(['porthole.log', 'porthole.log.1', 'porthole.log.2']);
    for (const path of log.paths) expect((await stat(path)).size).toBeLessThanOrEqual(1000);
    // The newest line is in the current file, and the tail reads across files in order.
    expect(await readFile(log.file, 'utf8')).toContain('event number 99 ');
    const tail = log.tail(20);
    expect(tail).toHaveLength(20);
    expect(tail.map((l) => Number(/event number (\d+)/.exec(l)![1]))).toEqual(
      Array.from({ length: 20 }, (_, i) => 80 + i),
    );
  });

  it('drops a line it cannot write instead of throwing', async () => {
    // A folder that cannot be made: its parent is a file.
    const parent = join(await dir(), 'a-file');
    await writeFile(parent, '');
    const log = new AppLog({ dir: join(parent, 'state'), now: fixed });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    expect(() => log.error('x')).not.toThrow();
    expect(() => log.error('y')).not.toThrow();
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(warnings.filter((w) => w.includes('could not write its log'))).toHaveLength(1);
  });

  it('lives under $XDG_STATE_HOME/porthole', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/s' }, '/home/u')).toBe('/s/porthole');
    expect(defaultStateDir({}, '/home/u')).toBe('/home/u/.local/state/porthole');
    expect(defaultStateDir({ PORTHOLE_STATE_DIR: '/t' }, '/home/u')).toBe('/t');
  });
});
