import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortholeError } from '../../api';
import { isoInfoSchema } from '../../api/iso';
import { assertIsoUsable, inspectIso, openFailure } from './iso';
import type { EngineHostFs } from '../storage/engine-host-fs';

const SECTOR = 2048;
const MB = 1_000_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-iso-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function descriptor(type: number, id: string): Uint8Array {
  const bytes = new Uint8Array(SECTOR);
  bytes[0] = type;
  bytes.set(new TextEncoder().encode(id), 1);
  bytes[6] = 1;
  return bytes;
}

function primaryVolume(label: string): Uint8Array {
  const bytes = descriptor(1, 'CD001');
  bytes.set(new TextEncoder().encode(label.padEnd(32, ' ')), 40);
  return bytes;
}

function u16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >> 8) & 0xff;
}

function u32(bytes: Uint8Array, at: number, value: number): void {
  for (let i = 0; i < 4; i++) bytes[at + i] = (value >>> (8 * i)) & 0xff;
}

function dstring(text: string, length: number, compression: 8 | 16): Uint8Array {
  const field = new Uint8Array(length);
  field[0] = compression;
  let at = 1;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (compression === 16) field[at++] = code >> 8;
    field[at++] = code & 0xff;
  }
  field[length - 1] = at;
  return field;
}

/** A sparse file of `size` bytes with the given sectors written. */
async function image(name: string, size: number, sectors: Record<number, Uint8Array>): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '');
  await truncate(path, size);
  const handle = await open(path, 'r+');
  try {
    for (const [sector, bytes] of Object.entries(sectors))
      await handle.write(bytes, 0, bytes.length, Number(sector) * SECTOR);
  } finally {
    await handle.close();
  }
  return path;
}

async function failure(path: string): Promise<PortholeError> {
  try {
    await inspectIso(path);
  } catch (err) {
    if (err instanceof PortholeError) return err;
    throw err;
  }
  throw new Error(`inspectIso accepted ${path}`);
}

describe('inspectIso accepts', () => {
  it('an ISO 9660 image, with its volume label', async () => {
    const path = await image('plain.iso', 12 * MB, { 16: primaryVolume('IPXE'), 17: descriptor(255, 'CD001') });
    const info = await inspectIso(path);
    expect(info).toEqual({ path, sizeBytes: 12 * MB, format: 'iso9660', volumeLabel: 'IPXE' });
    expect(isoInfoSchema.parse(info)).toEqual(info);
  });

  it('a Windows-style UDF image with an ISO 9660 bridge: UDF, label from the bridge', async () => {
    const path = await image('windows.iso', 20 * MB, {
      16: primaryVolume('CCCOMA_X64FRE_EN-US_DV9'),
      17: descriptor(255, 'CD001'),
      18: descriptor(0, 'BEA01'),
      19: descriptor(0, 'NSR02'),
      20: descriptor(0, 'TEA01'),
    });
    expect(await inspectIso(path)).toEqual({
      path,
      sizeBytes: 20 * MB,
      format: 'udf',
      volumeLabel: 'CCCOMA_X64FRE_EN-US_DV9',
    });
  });

  it('a pure UDF image, labelled from its logical volume descriptor', async () => {
    const anchor = new Uint8Array(SECTOR);
    u16(anchor, 0, 2);
    u32(anchor, 16, 3 * SECTOR);
    u32(anchor, 20, 257);
    const primary = new Uint8Array(SECTOR);
    u16(primary, 0, 1);
    primary.set(dstring('PRIMARY', 32, 8), 24);
    const logical = new Uint8Array(SECTOR);
    u16(logical, 0, 6);
    logical.set(dstring('Windows Ünï', 128, 16), 84);
    const terminator = new Uint8Array(SECTOR);
    u16(terminator, 0, 8);
    const path = await image('pure-udf.iso', 11 * MB, {
      16: descriptor(0, 'BEA01'),
      17: descriptor(0, 'NSR03'),
      18: descriptor(0, 'TEA01'),
      256: anchor,
      257: primary,
      258: logical,
      259: terminator,
    });
    expect(await inspectIso(path)).toEqual({ path, sizeBytes: 11 * MB, format: 'udf', volumeLabel: 'Windows Ünï' });
  });

  it('a pure UDF image without a readable anchor: no label, still fine', async () => {
    const path = await image('udf-nolabel.iso', 11 * MB, {
      16: descriptor(0, 'BEA01'),
      17: descriptor(0, 'NSR02'),
      18: descriptor(0, 'TEA01'),
    });
    expect(await inspectIso(path)).toEqual({ path, sizeBytes: 11 * MB, format: 'udf' });
  });

  it('a symbolic link to an ISO', async () => {
    const target = await image('target.iso', 10 * MB, { 16: primaryVolume(''), 17: descriptor(255, 'CD001') });
    const link = join(dir, 'link.iso');
    await symlink(target, link);
    expect(await inspectIso(link)).toEqual({ path: link, sizeBytes: 10 * MB, format: 'iso9660' });
    // Outside a remote engine's call, the same checks here.
    expect(await assertIsoUsable(link)).toEqual(await inspectIso(link));
  });

  it('on a remote engine (the call’s engine host), is checked there and never opened here', async () => {
    const asked: string[] = [];
    const there = { path: '/far/a.iso', sizeBytes: 20_000_000, format: 'udf' as const };
    const fs = { host: 'box', inspectIso: async (p: string) => (asked.push(p), there) } as unknown as EngineHostFs;
    expect(await assertIsoUsable('/far/a.iso', fs)).toEqual(there);
    expect(asked).toEqual(['/far/a.iso']);
  });

  it('an image made by xorriso (installed by the test bed)', async () => {
    const content = join(dir, 'content');
    await mkdir(content, { recursive: true });
    await writeFile(join(content, 'filler.bin'), new Uint8Array(10 * MB + 1));
    const path = join(dir, 'xorriso.iso');
    execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'PORTHOLE_TEST', '-o', path, content], {
      stdio: 'ignore',
    });
    expect(await inspectIso(path)).toMatchObject({ format: 'iso9660', volumeLabel: 'PORTHOLE_TEST' });
  });
});

describe('inspectIso refuses', () => {
  it('a folder, and a symbolic link to one', async () => {
    const folder = join(dir, 'folder.iso');
    await mkdir(folder);
    const err = await failure(folder);
    expect(err.code).toBe('ISO_INVALID');
    expect(err.message).toMatch(/is a folder, not an ISO file/);
    expect(err.remedy).toMatch(/choose the \.iso file inside/i);
    const link = join(dir, 'folder-link.iso');
    await symlink(folder, link);
    expect((await failure(link)).message).toMatch(/is a folder/);
  });

  it('a missing file, and one under a file instead of a folder', async () => {
    const err = await failure(join(dir, 'gone.iso'));
    expect(err.code).toBe('ISO_INVALID');
    expect(err.message).toMatch(/does not exist: it may have been moved, renamed or deleted/);
    const file = await image('a-file', 1, {});
    expect((await failure(join(file, 'x.iso'))).message).toMatch(/does not exist/);
  });

  it('a dangling symbolic link and a loop', async () => {
    const dangling = join(dir, 'dangling.iso');
    await symlink(join(dir, 'nowhere.iso'), dangling);
    expect((await failure(dangling)).message).toMatch(/does not exist/);
    const loop = join(dir, 'loop.iso');
    await symlink(loop, loop);
    expect((await failure(loop)).message).toMatch(/points in a circle/);
  });

  it('a FIFO, without blocking on it', async () => {
    const fifo = join(dir, 'pipe.iso');
    execFileSync('mkfifo', [fifo]);
    expect((await failure(fifo)).message).toMatch(/not a regular file/);
  });

  it('a character device', async () => {
    expect((await failure('/dev/null')).message).toMatch(/not a regular file/);
  });

  it('a file under 10 MB, even with an ISO signature', async () => {
    const path = await image('small.iso', 10 * MB - 1, { 16: primaryVolume('SMALL'), 17: descriptor(255, 'CD001') });
    const err = await failure(path);
    expect(err.message).toMatch(/is only 10\.0 MB; the Windows image refuses ISO files under 10 MB/);
    expect(err.remedy).toMatch(/complete ISO file/);
    const tiny = await image('tiny.iso', 100, {});
    expect((await failure(tiny)).message).toMatch(/only 100 bytes/);
  });

  it('a big file that is not an ISO, whatever its name', async () => {
    const zeros = await image('zeros.iso', 11 * MB, {});
    expect((await failure(zeros)).message).toMatch(
      /is not an ISO image \(no ISO 9660 or UDF signature\), whatever its name says/,
    );
    const shifted = new Uint8Array(SECTOR);
    shifted.set(new TextEncoder().encode('CD001'), 0); // off by one byte
    const near = await image('near-miss.iso', 11 * MB, { 16: shifted });
    expect((await failure(near)).message).toMatch(/not an ISO image/);
  });

  it('a relative path', async () => {
    expect((await failure('downloads/win.iso')).message).toMatch(/full path/);
  });

  it('an unreadable file (the message, also when running as root)', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const err = openFailure('/home/alice/isos/secret.iso', denied, '/home/alice');
    expect(err.code).toBe('ISO_INVALID');
    expect(err.message).toBe('Porthole is not allowed to read the custom ISO /home/alice/isos/secret.iso.');
    expect(err.remedy).toMatch(/chmod u\+r "\/home\/alice\/isos\/secret\.iso"/);
    // Outside the home folder no permission is loosened: /etc/shadow is a file a person can pick too.
    for (const path of ['/etc/shadow', '/etc/gshadow', '/etc/ssl/private/key.pem', '/isos/secret.iso']) {
      expect(openFailure(path, denied, '/home/alice').remedy).not.toMatch(/chmod/);
    }
    expect(openFailure('/x.iso', new Error('EIO')).message).toMatch(/could not open the custom ISO \/x\.iso: EIO/);
  });
});
