import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  candidateNames,
  chooseTarget,
  parseLook,
  parsePlace,
  tarHeader,
  tarOfOneFile,
  tarPadding,
  TAR_BLOCK,
  worthHashing,
  type NameThere,
} from './engine-host-upload';

const run = promisify(execFile);

async function* pieces(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of source) out.push(chunk);
  return Buffer.concat(out);
}

describe('the tar stream of one file', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('is an archive GNU tar lists and extracts byte for byte, made from pieces of any size', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-tar-'));
    const data = randomBytes(3 * TAR_BLOCK + 123);
    const seen: number[] = [];
    const archive = await collect(
      tarOfOneFile('.porthole-upload-ab12.part', data.length, 1_700_000_000, pieces(data, 1000), (c) =>
        seen.push(c.length),
      ),
    );
    expect(archive.length % TAR_BLOCK).toBe(0);
    expect(archive.length).toBe(TAR_BLOCK + data.length + tarPadding(data.length) + 2 * TAR_BLOCK);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(data.length);
    await writeFile(join(dir, 'a.tar'), archive);
    const listed = (await run('tar', ['-tvf', join(dir, 'a.tar')])).stdout;
    expect(listed).toMatch(/^-rw-r--r-- root\/root\s+1659 2023-11-14 \d\d:\d\d \.porthole-upload-ab12\.part\n$/);
    await run('tar', ['-xf', join(dir, 'a.tar'), '-C', dir]);
    expect((await readFile(join(dir, '.porthole-upload-ab12.part'))).equals(data)).toBe(true);
  });

  it('sends exactly the size in its header (a file that grew), and fails on a file that shrank', async () => {
    const data = randomBytes(2000);
    const archive = await collect(tarOfOneFile('f', 1500, 0, pieces(data, 700), () => undefined));
    expect(archive.subarray(TAR_BLOCK, TAR_BLOCK + 1500).equals(data.subarray(0, 1500))).toBe(true);
    expect(archive.length).toBe(TAR_BLOCK + 1536 + 2 * TAR_BLOCK);
    await expect(collect(tarOfOneFile('f', 3000, 0, pieces(data, 700), () => undefined))).rejects.toThrow(
      /became shorter while it was copied \(2000 of 3000 bytes\)/,
    );
  });

  it('pads to a whole block, none when the size is a multiple', () => {
    expect(tarPadding(0)).toBe(0);
    expect(tarPadding(1)).toBe(511);
    expect(tarPadding(512)).toBe(0);
    expect(tarPadding(1025)).toBe(511);
  });

  it('writes a valid checksum, and sizes of 8 GiB and more in base 256', () => {
    const checksumOk = (h: Buffer): boolean => {
      const copy = Buffer.from(h);
      copy.fill(0x20, 148, 156);
      const sum = copy.reduce((a, b) => a + b, 0);
      return Number.parseInt(h.subarray(148, 154).toString('ascii'), 8) === sum;
    };
    const small = tarHeader('x.part', 8 ** 11 - 1, 0);
    expect(small.subarray(124, 136).toString('ascii')).toBe('77777777777\0');
    expect(checksumOk(small)).toBe(true);
    const big = tarHeader('x.part', 9 * 1024 ** 3, 0);
    expect(big[124]).toBe(0x80);
    expect(big.readBigUInt64BE(128)).toBe(BigInt(9 * 1024 ** 3));
    expect(checksumOk(big)).toBe(true);
    expect(big.subarray(257, 265).toString('ascii')).toBe('ustar\u000000');
  });

  it('refuses names it never writes (long, spaces, non-ASCII, slashes are still ASCII: only our own names are given)', () => {
    expect(() => tarHeader('a b', 1, 0)).toThrow();
    expect(() => tarHeader('é.iso', 1, 0)).toThrow();
    expect(() => tarHeader('x'.repeat(100), 1, 0)).toThrow();
    expect(() => tarHeader('x', -1, 0)).toThrow();
  });
});

describe('where the copy goes there', () => {
  const file = (size: number, sha256: string | null): NameThere => ({ kind: 'file', size, sha256 });
  const A = 'a'.repeat(64);
  const B = 'b'.repeat(64);

  it('names a second copy as file managers do, keeping the extension; unsafe names are made safe', () => {
    expect(candidateNames('Win11_24H2.iso').slice(0, 3)).toEqual([
      'Win11_24H2.iso',
      'Win11_24H2 (2).iso',
      'Win11_24H2 (3).iso',
    ]);
    expect(candidateNames('Win11.iso')).toHaveLength(9);
    expect(candidateNames('.hidden.iso')[0]).toBe('_hidden.iso');
    expect(candidateNames('a\nb.iso')[0]).toBe('a_b.iso');
    expect(candidateNames('noext')[1]).toBe('noext (2)');
    expect(Buffer.byteLength(candidateNames('é'.repeat(300) + '.iso')[0]!)).toBeLessThanOrEqual(200);
  });

  it('copies to the name when it is free', () => {
    expect(chooseTarget(new Map(), { size: 10, sha256: null })).toEqual({ action: 'copy', index: 0 });
  });

  it('reuses a byte-identical file (same size and SHA-256) instead of copying', () => {
    const names = new Map([[0, file(10, A)]]);
    expect(worthHashing(names, 10)).toBe(true);
    expect(chooseTarget(names, { size: 10, sha256: A })).toEqual({ action: 'reuse', index: 0 });
  });

  it('never replaces a different file: a same-size one with another hash, another size, a folder, or unhashed', () => {
    expect(chooseTarget(new Map([[0, file(10, B)]]), { size: 10, sha256: A })).toEqual({ action: 'copy', index: 1 });
    const names = new Map<number, NameThere>([
      [0, file(11, null)],
      [1, { kind: 'other' }],
      [2, file(10, null)],
    ]);
    expect(worthHashing(names, 10)).toBe(false);
    expect(chooseTarget(names, { size: 10, sha256: null })).toEqual({ action: 'copy', index: 3 });
    // An identical copy under the second name (an earlier copy renamed) is found too.
    expect(
      chooseTarget(
        new Map([
          [0, file(10, B)],
          [1, file(10, A)],
        ]),
        { size: 10, sha256: A },
      ),
    ).toEqual({
      action: 'reuse',
      index: 1,
    });
  });

  it('refuses when every name is taken by a different file', () => {
    const names = new Map(Array.from({ length: 9 }, (_, i) => [i, file(5, null)] as const));
    expect(chooseTarget(names, { size: 10, sha256: null })).toEqual({ action: 'full' });
  });
});

describe('what the helpers say', () => {
  it('reads the look: names by index only, sizes and hashes checked, free space from df', () => {
    const sha = createHash('sha256').update('x').digest('hex');
    const out = [
      'there=0 file 1000 ' + sha,
      'there=1 other',
      'there=2 file 12 none',
      'there=9 file 1 none',
      'there=x file 1 none',
      'there=3 file 1e9 none',
      'free=/dev/mapper/vg root 102400 1024 51200 2% /d',
      'looked=yes',
    ].join('\r\n');
    const look = parseLook(out, 9)!;
    expect(look.folder).toBe(true);
    expect([...look.names.entries()]).toEqual([
      [0, { kind: 'file', size: 1000, sha256: sha }],
      [1, { kind: 'other' }],
      [2, { kind: 'file', size: 12, sha256: null }],
    ]);
    expect(look.freeBytes).toBe(51200 * 1024);
    expect(parseLook('folder=missing', 9)).toEqual({ folder: false, names: new Map(), freeBytes: null });
    expect(parseLook('garbage', 9)).toBeNull();
  });

  it('reads the placing: the index and hash, or why not', () => {
    expect(parsePlace(`placed=2 ${'c'.repeat(64)}\n`)).toEqual({ placed: 2, sha256: 'c'.repeat(64) });
    expect(parsePlace('placed=0 none')).toEqual({ placed: 0, sha256: null });
    expect(parsePlace('fail=hash abc')).toEqual({ failed: 'hash' });
    expect(parsePlace('ln: No space left on device')).toEqual({ failed: 'nospace' });
    expect(parsePlace('')).toEqual({ failed: 'unknown' });
  });
});
