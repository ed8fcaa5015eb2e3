import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineHostHelpers } from './engine-host-fs';
import { IsoCopies } from './iso-copy';

/** The engine's computer, failing on any use: the refusals below must come before anything is asked of it. */
function untouchable(asked: string[]): EngineHostHelpers {
  const fail = (what: string) => async (): Promise<never> => {
    asked.push(what);
    throw new Error(`the engine's computer was asked to ${what}`);
  };
  return {
    host: 'box',
    kind: fail('look'),
    makeFolder: fail('make a folder'),
    writeFiles: fail('write'),
    inspectIso: fail('inspect'),
    run: fail('run a helper'),
  };
}

describe('copying an ISO to the engine’s computer: refused before anything is sent', () => {
  let dir: string;
  const asked: string[] = [];
  const copies = (remote: boolean): IsoCopies =>
    new IsoCopies({
      fs: remote ? untouchable(asked) : undefined,
      docker: () => {
        asked.push('docker');
        return {} as Docker;
      },
      images: () => [],
      dataDir: '/data',
      onProgress: () => asked.push('progress'),
    });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-iso-copy-'));
    asked.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('with an engine on this computer: there is nothing to copy', async () => {
    await expect(copies(false).copy({ path: '/x.iso', copyId: 'copy-0001' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('The engine runs on this computer') as string,
    });
  });

  it('a file that is not an ISO, a small one, a folder, a missing one: the local ISO rules, nothing asked there', async () => {
    await writeFile(join(dir, 'junk.iso'), Buffer.alloc(11_000_000, 1));
    await writeFile(join(dir, 'small.iso'), 'tiny');
    const c = copies(true);
    for (const [path, said] of [
      [join(dir, 'junk.iso'), /is not an ISO image/],
      [join(dir, 'small.iso'), /is only 4 bytes/],
      [dir, /is a folder, not an ISO file/],
      [join(dir, 'gone.iso'), /does not exist/],
    ] as const)
      await expect(c.copy({ path, copyId: 'copy-0002' })).rejects.toMatchObject({
        code: 'ISO_INVALID',
        message: expect.stringMatching(said) as string,
      });
    expect(asked).toEqual([]);
  });

  it('a system folder named there is refused, nothing asked there', async () => {
    for (const folder of ['/etc', '/usr/share/isos', '/'])
      await expect(copies(true).copy({ path: '/x.iso', folder, copyId: 'copy-0003' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(`Porthole does not put ISO files in ${folder} on box`) as string,
      });
    expect(asked).toEqual([]);
  });

  it('cancelling a copy that does not run says so', () => {
    expect(copies(true).cancel('copy-none')).toBe(false);
  });
});
