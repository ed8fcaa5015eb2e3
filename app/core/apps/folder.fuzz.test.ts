/**
 * Fuzzing the apps folder a hostile Windows writes (issue 22): random folders with huge lists, icons shared
 * by many programs, icons and lists that are symlinks (to /dev/zero, to host files, folders linked out),
 * FIFOs, devices, deep trees, oversized and sparse files, invalid UTF-8 and deep JSON. Every listing must
 * finish within a time bound, stay within a memory bound, keep to the list's own bounds, and carry nothing
 * of a host file.
 *
 * Reproduce a failure with PORTHOLE_FUZZ_SEED=<seed> (printed on failure); hunt longer with PORTHOLE_FUZZ_SCALE=10.
 * A slow machine runs fewer cases in its 35 s (never a failure for that); each listing has its own time bound.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appId, fakePng, HOST_SECRET } from '../testing/hostile-apps';
import { APPS_MAX, ICONS_MAX_TOTAL_BYTES, readAppsFolder, WARNING_MAX_CHARS, WARNINGS_MAX } from './folder';

const SEED = process.env.PORTHOLE_FUZZ_SEED
  ? Number(process.env.PORTHOLE_FUZZ_SEED)
  : Math.floor(Math.random() * 2 ** 31);
const SCALE = Math.max(1, Number(process.env.PORTHOLE_FUZZ_SCALE ?? 1));
/** One listing, however hostile the folder: far below the 53 s a 50 MB icon named 1,000 times took. */
const LISTING_MS = 5_000;
/** What one listing may leave allocated: the bounded list and icons, with room for the parse's garbage. */
const LISTING_BYTES = 256 * 1024 * 1024;

/** What a name in the folder can be. */
const kinds = [
  'png',
  'big-png',
  'sparse-huge',
  'not-png',
  'link-zero',
  'link-host',
  'link-host-png',
  'fifo',
  'folder',
  'deep-tree',
  'missing',
  'link-dangling',
  'link-loop',
  'device',
] as const;
type Kind = (typeof kinds)[number];

/** How the list itself is written. */
const listShapes = [
  'list',
  'list-invalid-utf8',
  'list-utf16',
  'deep-json',
  'huge-string',
  'random-bytes',
  'link-zero',
  'link-host',
  'fifo',
  'folder',
  'missing',
  'oversized',
] as const;
/** Which folder on the way is a link out. */
const linkedFolders = ['none', 'none', 'none', '.porthole', 'apps', 'icons'] as const;

const iconNames = Array.from({ length: 6 }, (_, i) => `${appId(0xabc000 + i)}.png`);

const entry = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      name: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('\u202eevil\u0007')),
      icon: fc.oneof(fc.constantFrom(...iconNames), fc.constant(null), fc.string({ maxLength: 20 })),
      valid: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.anything() },
);

const folderCase = fc.record({
  shape: fc.constantFrom(...listShapes),
  linked: fc.constantFrom(...linkedFolders),
  // Mostly small lists, sometimes a huge one (all sharing a few icons).
  count: fc.oneof(
    { weight: 4, arbitrary: fc.nat({ max: 40 }) },
    { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 12_000 }) },
  ),
  entries: fc.array(entry, { minLength: 1, maxLength: 20 }),
  icons: fc.array(fc.constantFrom(...kinds), { minLength: iconNames.length, maxLength: iconNames.length }),
  garbage: fc.uint8Array({ minLength: 1, maxLength: 64 }),
});
type FolderCase = typeof folderCase extends fc.Arbitrary<infer T> ? T : never;

let root: string;
let outside: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porthole-apps-fuzz-'));
  outside = join(root, 'host');
  await mkdir(join(outside, 'icons'), { recursive: true });
  await writeFile(join(outside, 'secret'), `${HOST_SECRET}\n`);
  await writeFile(join(outside, 'secret.png'), Buffer.concat([fakePng(64), Buffer.from(HOST_SECRET)]));
  for (const name of iconNames)
    await writeFile(join(outside, 'icons', name), Buffer.concat([fakePng(64), Buffer.from(HOST_SECRET)]));
  await mkdir(join(outside, '.porthole', 'apps', 'icons'), { recursive: true });
  await writeFile(
    join(outside, '.porthole', 'apps', 'apps.json'),
    JSON.stringify({
      format: 'porthole-apps/1',
      apps: [{ id: appId(1), name: HOST_SECRET, target: 'C:\\a.exe', source: 'start-menu' }],
    }),
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function place(path: string, kind: Kind | (typeof listShapes)[number], content: () => Buffer): Promise<void> {
  switch (kind) {
    case 'png':
    case 'list':
    case 'list-invalid-utf8':
    case 'list-utf16':
    case 'deep-json':
    case 'huge-string':
    case 'random-bytes':
    case 'not-png':
    case 'big-png':
      return writeFile(path, content());
    case 'sparse-huge':
    case 'oversized':
      await writeFile(path, content());
      return truncate(path, 50 * 1024 * 1024);
    case 'link-zero':
      return symlink('/dev/zero', path);
    case 'link-host':
      return symlink(join(outside, 'secret'), path);
    case 'link-host-png':
      return symlink(join(outside, 'secret.png'), path);
    case 'link-dangling':
      return symlink(join(outside, 'nothing-here'), path);
    case 'link-loop':
      return symlink(path, path);
    case 'device':
      // Made by the engine's root in a real attack; here a link to one is the closest unprivileged equivalent.
      return symlink('/dev/urandom', path);
    case 'fifo':
      execFileSync('mkfifo', [path]);
      return;
    case 'folder':
      return mkdir(path);
    case 'deep-tree': {
      let dir = path;
      for (let i = 0; i < 40; i++) dir = join(dir, 'd');
      await mkdir(dir, { recursive: true });
      return;
    }
    case 'missing':
      return;
  }
}

function listBytes(c: FolderCase): Buffer {
  const apps = Array.from({ length: Math.max(c.count, 1) }, (_, n) => {
    const e = c.entries[n % c.entries.length]!;
    if (typeof e !== 'object' || e === null || !('valid' in e)) return e;
    const { name, icon, valid } = e as { name: string; icon: string | null; valid: boolean };
    return valid
      ? { id: appId(n), name: name.trim() || `P${n}`, target: `C:\\p\\${n}.exe`, args: '', source: 'start-menu', icon }
      : { id: `x${n}`, name, target: name, icon };
  });
  const text = JSON.stringify({ format: 'porthole-apps/1', written: '2026-12-01T00:00:00Z', apps });
  switch (c.shape) {
    case 'list-invalid-utf8': {
      const bytes = Buffer.from(text);
      // Bytes that are never UTF-8, put inside the names.
      for (let i = 0; i < bytes.length; i += 97) if (bytes[i] === 0x50) bytes[i] = 0xff;
      return bytes;
    }
    case 'list-utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'deep-json':
      return Buffer.from(`{"format":"porthole-apps/1","apps":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    case 'huge-string':
      return Buffer.from(
        JSON.stringify({
          format: 'porthole-apps/1',
          apps: [{ id: appId(1), name: 'x'.repeat(3_000_000), target: 'C:\\a.exe', source: 'start-menu' }],
        }),
      );
    case 'random-bytes':
      return Buffer.concat([Buffer.from(c.garbage), Buffer.from(HOST_SECRET)]);
    default:
      return Buffer.from(text);
  }
}

let n = 0;
async function build(c: FolderCase): Promise<string> {
  const shared = join(root, `case-${n++}`);
  const porthole = join(shared, '.porthole');
  const apps = join(porthole, 'apps');
  const icons = join(apps, 'icons');
  await mkdir(shared);
  if (c.linked === '.porthole') {
    await symlink(join(outside, '.porthole'), porthole);
    return shared;
  }
  await mkdir(porthole);
  if (c.linked === 'apps') {
    await symlink(join(outside, '.porthole', 'apps'), apps);
    return shared;
  }
  await mkdir(apps);
  await place(join(apps, 'apps.json'), c.shape, () => listBytes(c));
  if (c.linked === 'icons') await symlink(join(outside, 'icons'), icons);
  else {
    await mkdir(icons);
    for (const [i, name] of iconNames.entries()) {
      const kind = c.icons[i]!;
      await place(join(icons, name), kind, () =>
        kind === 'not-png' ? Buffer.from(HOST_SECRET) : kind === 'big-png' ? fakePng(250_000) : fakePng(100 + i),
      );
    }
  }
  return shared;
}

describe('readAppsFolder on random hostile folders', () => {
  it(
    'finishes in time, within memory, within its bounds, carrying nothing of a host file',
    async () => {
      const secretBase64 = Buffer.from(HOST_SECRET).toString('base64').slice(0, 16);
      const property = fc.asyncProperty(folderCase, async (c) => {
        const shared = await build(c);
        try {
          const before = process.memoryUsage();
          const started = Date.now();
          const read = await readAppsFolder(join(shared, '.porthole', 'apps'), { root: shared });
          const took = Date.now() - started;
          const after = process.memoryUsage();
          expect(took).toBeLessThan(LISTING_MS);
          expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(
            LISTING_BYTES,
          );
          expect(read.apps.length).toBeLessThanOrEqual(APPS_MAX);
          expect(read.warnings.length).toBeLessThanOrEqual(WARNINGS_MAX + 1);
          for (const w of read.warnings) expect(w.length).toBeLessThanOrEqual(WARNING_MAX_CHARS);
          expect(read.apps.reduce((sum, a) => sum + (a.iconPng?.length ?? 0), 0)).toBeLessThanOrEqual(
            ICONS_MAX_TOTAL_BYTES,
          );
          for (const a of read.apps) {
            expect(a.iconPng?.includes(HOST_SECRET) ?? false).toBe(false);
            expect(a.name).not.toContain(HOST_SECRET);
          }
          const text = JSON.stringify({
            ...read,
            apps: read.apps.map((a) => ({ ...a, iconPng: a.iconPng?.toString('base64') ?? null })),
          });
          expect(text).not.toContain('HOSTSECRET');
          expect(text).not.toContain(secretBase64);
        } finally {
          await rm(shared, { recursive: true, force: true });
        }
      });
      const details = await fc.check(property, {
        seed: SEED,
        numRuns: 50 * SCALE,
        interruptAfterTimeLimit: 35_000 * SCALE,
        markInterruptAsFailure: false,
      });
      if (details.failed)
        throw new Error(
          `Fuzz failure. Reproduce with PORTHOLE_FUZZ_SEED=${SEED}\n${fc.defaultReportMessage(details) ?? ''}\n${String(details.errorInstance)}`,
        );
    },
    60_000 * SCALE,
  );
});
