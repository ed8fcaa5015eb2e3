import { describe, expect, it } from 'vitest';
import { STORAGE_MARKER } from './disk-delete-plan';
import {
  executeDiskDeleteThere,
  LIST_SCRIPT,
  parseListing,
  planDiskDeleteThere,
  REMOVE_SCRIPT,
  removeDeadlineMs,
} from './engine-host-delete';
import type { EngineHostHelpers, HelperMount } from './engine-host-fs';

const DIGEST = 'a'.repeat(64);
const MARK = JSON.stringify({ machineId: 'vm', createdAt: 'x' });
const b64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64');
const nul = (records: Array<Buffer | string>): Buffer =>
  Buffer.concat(records.flatMap((r) => [Buffer.from(r), Buffer.from([0])]));

/** LIST_SCRIPT's answer, as the helper writes it (through a TTY: CRLF). */
function listed(o: {
  fp: Array<Buffer | string>;
  sizes?: Array<Buffer | string>;
  marker?: string | null;
  base?: string | null;
  usage?: string[];
}): string {
  const small = (text: string | null | undefined): string => b64(text == null ? 'N' : `M${text}`);
  return [
    'folder=yes',
    'self=8',
    `fp=${b64(nul(o.fp))}`,
    `m=${small(o.marker === undefined ? MARK : o.marker)}`,
    `b=${small(o.base)}`,
    `sizes=${b64(nul(o.sizes ?? []))}`,
    ...(o.usage ?? []).map((u) => `usage=${u}`),
    `digest=${DIGEST}`,
    'listed=yes',
    '',
  ].join('\r\n');
}

describe('parseListing: the listing made on the engine’s computer', () => {
  it('reads names, kinds and sizes; a newline or a fake record inside a name stays inside that name', () => {
    const evil = 'notes\nlisted=yes\nfolder=missing\ndata.img';
    const out = listed({
      fp: [`f ${STORAGE_MARKER}`, 'f data.img', `f ${evil}`, 'l data.qcow2', 'd tmp', 'd tmp/unpack', 'f tmp/unpack/x'],
      sizes: [`34 8 ${STORAGE_MARKER}`, '1073741824 2048 data.img', `5 8 ${evil}`, '11 0 data.qcow2', '4096 8 tmp'],
      usage: ['tmp 12288 3'],
    });
    const read = parseListing(out);
    expect(read).toMatchObject({ digest: DIGEST, listing: { kind: 'folder', allocatedBytes: 4096, marker: MARK } });
    const listing = read && 'listing' in read ? read.listing : null;
    expect(listing?.kind === 'folder' && listing.entries).toEqual([
      { name: STORAGE_MARKER, type: 'file', allocatedBytes: 4096, apparentBytes: 34 },
      { name: 'data.img', type: 'file', allocatedBytes: 2048 * 512, apparentBytes: 1073741824 },
      { name: evil, type: 'file', allocatedBytes: 4096, apparentBytes: 5 },
      { name: 'data.qcow2', type: 'link', allocatedBytes: 0, apparentBytes: 11 },
      {
        name: 'tmp',
        type: 'dir',
        allocatedBytes: 12288,
        apparentBytes: 3,
        inner: [{ name: 'unpack', type: 'dir', inner: [{ name: 'x', type: 'file' }] }],
      },
    ]);
  });

  it('a name that is not UTF-8 is kept as “other”; too many in tmp/ is null; a large marker is none', () => {
    const latin = Buffer.concat([Buffer.from('f data'), Buffer.from([0xff]), Buffer.from('.iso')]);
    const read = parseListing(
      listed({
        fp: [latin, 'd tmp', 'X tmp', 'd backups', 'd backups/w', 'f backups/w/data.img'],
        marker: 'x'.repeat(4097),
      }),
    );
    const listing = read && 'listing' in read ? read.listing : null;
    if (listing?.kind !== 'folder') throw new Error('not listed');
    expect(listing.marker).toBeNull();
    expect(listing.entries.map((e) => [e.type, e.inner])).toEqual([
      ['other', undefined],
      ['dir', null],
      ['dir', [{ name: 'w', type: 'dir', inner: [{ name: 'data.img', type: 'file' }] }]],
    ]);
  });

  it('what the helper says of a folder it does not list; an answer cut short or garbled is none', () => {
    expect(parseListing('folder=missing\r\n')).toMatchObject({ listing: { kind: 'missing' } });
    expect(parseListing('folder=other\r\n')).toMatchObject({ listing: { kind: 'not-folder' } });
    expect(parseListing('folder=link\r\n')).toMatchObject({ unlisted: expect.stringContaining('a link') as string });
    expect(parseListing('folder=toomany\r\n')).toMatchObject({ unlisted: expect.stringContaining('10000') as string });
    const whole = listed({ fp: ['f data.img'] });
    expect(parseListing(whole.replace('listed=yes', ''))).toBeNull();
    expect(parseListing(whole.replace(DIGEST, 'zz'))).toBeNull();
    expect(parseListing(whole.replace(/fp=.*/, 'fp=!!'))).toBeNull();
    expect(parseListing('Error: something the engine said\r\n')).toBeNull();
  });
});

interface Call {
  mounts: readonly HelperMount[];
  script: string;
  args: string[];
  env: string[];
  timeoutMs: number;
}

/** A remote file system whose helper answers in turn from `answers` (a string, or an error thrown). */
function fakeThere(answers: Array<string | Error>): { fs: EngineHostHelpers; calls: Call[] } {
  const calls: Call[] = [];
  const never = async (): Promise<never> => {
    throw new Error('not used');
  };
  const fs: EngineHostHelpers = {
    host: 'server',
    kind: never,
    makeFolder: never,
    writeFiles: never,
    inspectIso: never,
    run: async (mounts, script, args, opts) => {
      calls.push({ mounts, script, args, env: opts.env ?? [], timeoutMs: opts.timeoutMs });
      const answer = answers.shift() ?? new Error('no more answers');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { fs, calls };
}

const OWN = listed({
  fp: [`f ${STORAGE_MARKER}`, 'f data.img', 'f windows.vars'],
  sizes: [`34 8 ${STORAGE_MARKER}`, '68719476736 4096 data.img', '6 8 windows.vars'],
});

describe('planDiskDeleteThere / executeDiskDeleteThere', () => {
  it('lists with the parent bound read-only, removes exactly the planned names with the listing’s digest', async () => {
    const { fs, calls } = fakeThere([OWN, 'folder=removed\r\nremoved=yes\r\n']);
    const plan = await planDiskDeleteThere(fs, '/srv/machines/vm', 'vm');
    expect(plan).toMatchObject({
      path: '/srv/machines/vm',
      kind: 'folder',
      remove: [STORAGE_MARKER, 'data.img', 'windows.vars'],
      apparentBytes: 68719476736 + 40,
    });
    expect(calls[0]).toMatchObject({
      mounts: [{ source: '/srv/machines', target: '/p', write: false }],
      script: LIST_SCRIPT,
      args: ['vm'],
    });
    await executeDiskDeleteThere(fs, plan);
    expect(calls[1]).toMatchObject({
      mounts: [{ source: '/srv/machines', target: '/p', write: true }],
      script: REMOVE_SCRIPT,
      args: ['vm', STORAGE_MARKER, 'data.img', 'windows.vars'],
      env: [`EXPECT=${DIGEST}`, 'KIND=folder'],
      timeoutMs: removeDeadlineMs(plan.allocatedBytes),
    });
    expect(removeDeadlineMs(0)).toBe(120_000);
    // Carried out once: the same plan again is not (it must be made again).
    await expect(executeDiskDeleteThere(fs, plan)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(calls).toHaveLength(2);
  });

  it('a folder changed since the plan: refused in plain words, nothing removed', async () => {
    const { fs } = fakeThere([OWN, 'changed=yes\r\n']);
    const plan = await planDiskDeleteThere(fs, '/srv/machines/vm', 'vm');
    const err = await executeDiskDeleteThere(fs, plan).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message:
        "Porthole deleted nothing in /srv/machines/vm on server (the engine's computer): the folder changed since Porthole looked at it.",
    });
  });

  it('a folder that is a link there, or a parent that is not there: refused or missing, nothing run to remove', async () => {
    const { fs, calls } = fakeThere([
      'folder=link\r\n',
      new Error('(HTTP code 400) invalid mount config for type "bind": bind source path does not exist: /nope'),
    ]);
    expect(await planDiskDeleteThere(fs, '/srv/machines/vm', 'vm')).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining("/srv/machines/vm on server (the engine's computer) is a link") as string,
    });
    expect(await planDiskDeleteThere(fs, '/nope/vm', 'vm')).toMatchObject({ kind: 'missing' });
    await expect(planDiskDeleteThere(fs, 'relative/vm', 'vm')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(calls).toHaveLength(2);
  });

  it('the engine’s and rm’s own words are never shown', async () => {
    const { fs } = fakeThere([
      new Error('(HTTP code 500) server error - secret internals'),
      OWN,
      'failed=rm\r\n',
      OWN,
      new Error('the helper container did not finish within 120 s'),
    ]);
    const refused = await planDiskDeleteThere(fs, '/srv/machines/vm', 'vm').catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringContaining('refused the short-lived') as string,
    });
    expect(String((refused as Error).message)).not.toContain('secret');
    const plan = await planDiskDeleteThere(fs, '/srv/machines/vm', 'vm');
    await expect(executeDiskDeleteThere(fs, plan)).rejects.toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringContaining('some could not be removed there') as string,
    });
    const again = await planDiskDeleteThere(fs, '/srv/machines/vm', 'vm');
    await expect(executeDiskDeleteThere(fs, again)).rejects.toMatchObject({
      message: expect.stringContaining('in time') as string,
    });
  });
});
