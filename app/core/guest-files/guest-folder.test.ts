import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuestFolder, readGuestFile } from './guest-folder';

let root: string;
let outside: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'porthole-guest-'));
  outside = await mkdtemp(join(tmpdir(), 'porthole-host-'));
  await writeFile(join(outside, 'secret.txt'), 'root:$6$SECRET-HASH:19000:0:99999:7:::\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const read = (relative: string, maxBytes = 1024) => readGuestFile(root, relative, { maxBytes });

describe('GuestFolder.read', () => {
  it('reads a regular file under real folders', async () => {
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    await writeFile(join(root, 'a', 'b', 'f.txt'), 'hello');
    expect(await read('a/b/f.txt')).toEqual({ ok: true, bytes: Buffer.from('hello') });
  });

  it('says missing for a missing file or folder, and refuses names leaving the folder', async () => {
    expect(await read('nope.txt')).toMatchObject({ ok: false, refusal: 'missing' });
    expect(await read('no/such/file')).toMatchObject({ ok: false, refusal: 'missing' });
    expect(await read('../secret.txt')).toMatchObject({ ok: false, refusal: 'unreadable' });
  });

  it('refuses a symlink to a file outside, and a folder on the way that is a link, without a byte of it', async () => {
    await symlink(join(outside, 'secret.txt'), join(root, 'f.txt'));
    await symlink(outside, join(root, 'dir'));
    for (const name of ['f.txt', 'dir/secret.txt']) {
      const got = await read(name);
      expect(got.ok).toBe(false);
      expect(JSON.stringify(got)).not.toContain('SECRET');
    }
    expect(await read('f.txt')).toMatchObject({ refusal: 'link' });
    expect(await read('dir/secret.txt')).toMatchObject({ refusal: 'linked-folder' });
  });

  it('refuses a symlink to /dev/zero and the device itself, at once', async () => {
    await symlink('/dev/zero', join(root, 'zero'));
    const started = Date.now();
    expect(await read('zero', 1024 * 1024)).toMatchObject({ ok: false, refusal: 'link' });
    expect(await new GuestFolder('/dev').read('zero', { maxBytes: 1024 })).toMatchObject({
      ok: false,
      refusal: 'not-a-file',
      why: 'is a device, not a file',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    execFileSync('mkfifo', [join(root, 'pipe')]);
    expect(await read('pipe')).toMatchObject({ ok: false, refusal: 'not-a-file', why: 'is a named pipe, not a file' });
  });

  it('refuses a file over the cap, and one over the budget, before reading it', async () => {
    await writeFile(join(root, 'big'), '');
    await truncate(join(root, 'big'), 50 * 1024 * 1024);
    expect(await read('big')).toMatchObject({ ok: false, refusal: 'too-large' });
    await writeFile(join(root, 'small'), 'x'.repeat(100));
    let asked = -1;
    const got = await new GuestFolder(root).read('small', { maxBytes: 1024, allow: (size) => ((asked = size), false) });
    expect(got).toMatchObject({ ok: false, refusal: 'over-budget' });
    expect(asked).toBe(100);
  });

  it('reads exactly up to the cap', async () => {
    await writeFile(join(root, 'f'), Buffer.alloc(200_000, 7));
    const got = await read('f', 200_000);
    expect(got.ok && got.bytes.length).toBe(200_000);
    expect(await read('f', 199_999)).toMatchObject({ ok: false, refusal: 'too-large' });
  });

  it('catches a folder swapped for a link after it was checked (the handle is where it must be)', async () => {
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'secret.txt'), 'inside');
    const folder = new GuestFolder(root);
    expect(await folder.read('d/secret.txt', { maxBytes: 100 })).toMatchObject({ ok: true });
    // The folder remembers `d` was real; now it is a link out.
    await rename(join(root, 'd'), join(root, 'old'));
    await symlink(outside, join(root, 'd'));
    const got = await folder.read('d/secret.txt', { maxBytes: 100 });
    expect(got).toMatchObject({ ok: false, refusal: 'linked-folder' });
    expect(JSON.stringify(got)).not.toContain('SECRET');
  });
});
