import { mkdtemp, mkdir, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderUsage } from './usage';

describe('folderUsage', () => {
  it('counts a sparse disk by what it uses and by what it claims', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-usage-'));
    await writeFile(join(dir, 'data.img'), '');
    await truncate(join(dir, 'data.img'), 8 * 1024 ** 3);
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'a.txt'), 'x'.repeat(10_000));
    const u = await folderUsage(dir);
    expect(u.apparentBytes).toBe(8 * 1024 ** 3 + 10_000);
    expect(u.allocatedBytes).toBeGreaterThanOrEqual(10_000);
    expect(u.allocatedBytes).toBeLessThan(1024 ** 3);
  });
  it('is zero for a missing folder', async () => {
    expect(await folderUsage('/nonexistent/porthole')).toEqual({ allocatedBytes: 0, apparentBytes: 0 });
  });
});
