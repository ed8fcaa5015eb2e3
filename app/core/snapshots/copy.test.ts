import { chmod, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyDiskFile } from './copy';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** A sparse file of `size` with 4 MiB of a byte pattern at each offset; the rest holes. */
async function sparseFile(path: string, size: number, at: number[]): Promise<void> {
  const handle = await open(path, 'w');
  await handle.truncate(size);
  for (const [i, offset] of at.entries()) await handle.write(Buffer.alloc(4 * MIB, 0x11 * (i + 1)), 0, 4 * MIB, offset);
  await handle.close();
}

async function region(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

describe('copyDiskFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-copy-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a sparse 10 GB disk holding 12 MiB into about 12 MiB, byte for byte, keeping mode and mtime', async () => {
    const src = join(dir, 'data.img');
    const offsets = [0, 5 * GIB, 10 * GIB - 4 * MIB];
    await sparseFile(src, 10 * GIB, offsets);
    await chmod(src, 0o640);
    const progress: number[] = [];
    const method = await copyDiskFile(src, join(dir, 'copy.img'), { onProgress: (n) => progress.push(n) });
    const [a, b] = await Promise.all([stat(src), stat(join(dir, 'copy.img'))]);
    expect(b.size).toBe(10 * GIB);
    // Reflink shares blocks (0 new ones); a sparse copy allocates only the data (file systems may round up a little).
    expect(b.blocks * 512).toBeLessThanOrEqual(a.blocks * 512 + MIB);
    expect(b.mode & 0o777).toBe(0o640);
    expect(Math.abs(b.mtimeMs - a.mtimeMs)).toBeLessThan(1);
    for (const offset of offsets)
      expect((await region(join(dir, 'copy.img'), offset, 4 * MIB)).equals(await region(src, offset, 4 * MIB))).toBe(
        true,
      );
    expect((await region(join(dir, 'copy.img'), 2 * GIB, MIB)).equals(Buffer.alloc(MIB))).toBe(true);
    expect(['reflink', 'sparse-copy']).toContain(method);
    expect(progress.at(-1) ?? 0).toBeLessThanOrEqual(a.blocks * 512 + MIB);
  });

  it('never overwrites: an existing destination is an error and stays as it was', async () => {
    await writeFile(join(dir, 'src'), 'new');
    await writeFile(join(dir, 'dst'), 'old');
    await expect(copyDiskFile(join(dir, 'src'), join(dir, 'dst'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(join(dir, 'dst'), 'utf8')).toBe('old');
  });

  it('a copy that runs out of space fails as ENOSPC and leaves no partial file', async () => {
    // Failure injection: a cp that writes half a file, then fails as coreutils does on a full disk.
    const fakeCp = join(dir, 'cp');
    await writeFile(
      fakeCp,
      '#!/bin/sh\nfor last; do :; done\nprintf half > "$last"\necho "cp: error writing \'$last\': No space left on device" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    // The source on tmpfs (/dev/shm): no reflink there nor across file systems, so the byte copy runs.
    const shm = await mkdtemp('/dev/shm/porthole-copy-');
    try {
      await writeFile(join(shm, 'src'), 'whole disk');
      const dst = join(dir, 'dst');
      const err = await copyDiskFile(join(shm, 'src'), dst, { cp: fakeCp }).then(
        () => null,
        (e: unknown) => e as NodeJS.ErrnoException,
      );
      expect(err?.code).toBe('ENOSPC');
      expect(err?.message).toMatch(/No space left/);
      await expect(stat(dst)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(shm, { recursive: true, force: true });
    }
  });
});
