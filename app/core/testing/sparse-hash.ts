import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BLOCK = 1024 * 1024;
const ZERO = Buffer.alloc(BLOCK);

/** The file's data extents as byte ranges, from FIEMAP (`filefrag -e`, e2fsprogs); null where the file system has no FIEMAP. */
async function extents(path: string): Promise<Array<[number, number]> | null> {
  const { stdout } = await run('filefrag', ['-e', path]).catch(() => ({ stdout: '' }));
  const unit = /blocks of (\d+) bytes/.exec(stdout);
  if (!unit) return null;
  const size = Number(unit[1]);
  const out: Array<[number, number]> = [];
  for (const m of stdout.matchAll(/^\s*\d+:\s+(\d+)\.\.\s*(\d+):/gm))
    out.push([Number(m[1]) * size, (Number(m[2]) + 1) * size]);
  return out;
}

/**
 * A SHA-256 of a sparse file's whole content that reads only its data: the size, then every
 * 1 MiB-aligned block that holds a non-zero byte, with its offset. Holes and runs of zeros hash alike,
 * so a sparse copy (whose holes may lie elsewhere than the original's) hashes the same as its source
 * exactly when their bytes are equal. Hashing a 64 GB sparse disk byte by byte would take minutes.
 */
export async function sparseSha256(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256').update(`size ${size}\n`);
    const ranges = (await extents(path)) ?? [[0, size]];
    const blocks = new Set<number>();
    for (const [start, end] of ranges)
      for (let b = Math.floor(start / BLOCK); b * BLOCK < Math.min(end, size); b += 1) blocks.add(b);
    const buffer = Buffer.alloc(BLOCK);
    for (const b of [...blocks].sort((x, y) => x - y)) {
      const { bytesRead } = await handle.read(buffer, 0, BLOCK, b * BLOCK);
      const data = buffer.subarray(0, bytesRead);
      if (data.equals(ZERO.subarray(0, bytesRead))) continue;
      hash.update(`block ${b}\n`).update(data);
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}
