import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineHostFs } from './engine-host-fs';
import { readExistingInstall, windowsInstalledIn } from './existing-install';

describe('an existing install in a storage folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-existing-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** The engine's computer, answering what is at each path there; every question is recorded. */
  function remote(files: string[]): { fs: EngineHostFs; asked: string[] } {
    const asked: string[] = [];
    const refuse = async (): Promise<never> => {
      throw new Error('not asked in this test');
    };
    const fs: EngineHostFs = {
      host: 'server',
      kind: async (path) => (asked.push(path), files.includes(path) ? 'file' : 'missing'),
      makeFolder: refuse,
      writeFiles: refuse,
      inspectIso: refuse,
    };
    return { fs, asked };
  }

  it('reads windows.boot, the raw disk’s size and windows.ver here', async () => {
    await writeFile(join(dir, 'windows.boot'), '');
    await writeFile(join(dir, 'data.img'), '');
    await truncate(join(dir, 'data.img'), 64 * 1024 ** 3);
    await writeFile(join(dir, 'windows.ver'), 'win11x64\n');
    expect(await readExistingInstall(dir)).toEqual({ installed: true, diskGiB: 64, versionFile: 'win11x64' });
    expect(await windowsInstalledIn(join(dir, 'none'))).toBe(false);
  });

  it("reads what the image wrote as a guest's files: no link followed, no FIFO waited on, a huge file unread", async () => {
    const host = await mkdtemp(join(tmpdir(), 'porthole-host-'));
    try {
      await writeFile(join(host, 'shadow'), 'root:$6$HOSTSECRET:19000\n');
      await writeFile(join(host, 'disk'), '');
      await truncate(join(host, 'disk'), 64 * 1024 ** 3);
      await symlink(join(host, 'shadow'), join(dir, 'windows.boot'));
      await symlink(join(host, 'disk'), join(dir, 'data.img'));
      await symlink(join(host, 'shadow'), join(dir, 'windows.ver'));
      expect(await readExistingInstall(dir)).toEqual({ installed: false });
      await rm(join(dir, 'windows.ver'));
      execFileSync('mkfifo', [join(dir, 'windows.ver')]);
      expect(await readExistingInstall(dir)).toEqual({ installed: false });
      await rm(join(dir, 'windows.ver'));
      await writeFile(join(dir, 'windows.ver'), 'win11x64');
      await truncate(join(dir, 'windows.ver'), 1024 ** 3);
      expect(await readExistingInstall(dir)).toEqual({ installed: false });
    } finally {
      await rm(host, { recursive: true, force: true });
    }
  });

  it('on a remote engine asks the engine’s computer, never this computer’s folder of the same name', async () => {
    // Here: an installed Windows. There: nothing, then an install.
    await writeFile(join(dir, 'windows.boot'), '');
    const empty = remote([]);
    expect(await windowsInstalledIn(dir, empty.fs)).toBe(false);
    expect(await readExistingInstall(dir, empty.fs)).toEqual({ installed: false });
    expect(empty.asked).toEqual([join(dir, 'windows.boot'), join(dir, 'windows.boot')]);
    await rm(join(dir, 'windows.boot'));
    const there = remote([join(dir, 'windows.boot')]);
    expect(await readExistingInstall(dir, there.fs)).toEqual({ installed: true });
  });
});
