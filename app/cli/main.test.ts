import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliHere, throwawayCliConfig } from '../core/testing/cli';

describe('CLI numbers', () => {
  // Were anything to slip through, the backend it reaches is a throwaway one with no engine.
  const root = throwawayCliConfig('porthole-cli-');

  const cli = runCliHere;

  it('takes only plain decimal digits: "", 0x8, 1e1, " 8", 8.0, -1 and 8GB are usage errors (exit 2)', async () => {
    for (const ram of ['', '0x8', '1e1', ' 8', '8 ', '8.0', '-1', '+8', '8GB', '٨', 'Infinity']) {
      const result = await cli('create', '--name', 'Win', `--ram=${ram}`);
      expect(result.code, JSON.stringify(ram)).toBe(2);
      expect(result.err).toContain(`--ram takes a whole number from 1 to 4096 in plain digits, not "${ram}"`);
    }
    expect(await readdir(root())).toEqual([]);
  });

  it("keeps every number within the contract's range", async () => {
    expect((await cli('create', '--name', 'Win', '--ram', '0')).err).toContain('--ram must be from 1 to 4096, not 0.');
    expect((await cli('create', '--name', 'Win', '--ram', '4097')).code).toBe(2);
    expect((await cli('create', '--name', 'Win', '--cpus', '1025')).err).toContain('--cpus must be from 1 to 1024');
    expect((await cli('create', '--name', 'Win', '--disk', '0x40')).code).toBe(2);
    expect((await cli('logs', 'win', '--tail', '0')).err).toContain('--tail must be from 1 to 10000, not 0.');
    expect((await cli('logs', 'win', '--tail', '10001')).code).toBe(2);
    expect(await readdir(root())).toEqual([]);
  });

  it('passes a good number on to the backend', async () => {
    const result = await cli('logs', 'win', '--tail', '0005');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/win/);
  });

  it('porthole fix: an unknown fix is a usage error naming the fixes; make-room names the storage folder and changes nothing', async () => {
    const unknown = await cli('fix', 'win', 'reboot');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      '"porthole fix win" needs one of: software-emulation, choose-iso, other-ports, make-room.',
    );
    const created = await cli('create', '--name', 'Roomy', '--json');
    expect(created.code).toBe(0);
    const { id, storageDir } = JSON.parse(created.out) as { id: string; storageDir: string };
    const before = await readdir(join(root(), 'config'));
    const room = await cli('fix', id, 'make-room');
    expect(room.code).toBe(0);
    expect(room.out).toBe(`Make room on the disk that holds ${storageDir}, then: porthole start ${id}\n`);
    expect(await readdir(join(root(), 'config'))).toEqual(before);
    // Without an engine, a fix that starts is refused before it changes anything.
    const emulate = await cli('fix', id, 'software-emulation');
    expect(emulate.code).toBe(1);
    expect(JSON.parse((await cli('machines', '--json')).out)[0].kvm).toBe(true);
  });
});
