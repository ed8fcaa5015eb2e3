import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError, snapshotManifestSchema, type SnapshotManifest, type SnapshotProgress } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { KeyedSerial } from '../lifecycle/serial';
import { MachineStore } from '../store/machine-store';
import {
  FILES_SCRIPT,
  LIST_SCRIPT,
  REMOVE_ALL_SCRIPT,
  REMOVE_SCRIPT,
  RESTORE_SCRIPT,
  TAKE_SCRIPT,
} from '../storage/engine-host-disk';
import type { EngineHostHelpers, HelperMount } from '../storage/engine-host-fs';
import { SNAPSHOT_FILES } from './disk-files';
import { Snapshots } from './snapshots';

const MIB = 1024 * 1024;
const SCRIPTS = new Map<string, string>([
  [FILES_SCRIPT, 'files'],
  [LIST_SCRIPT, 'list'],
  [TAKE_SCRIPT, 'take'],
  [RESTORE_SCRIPT, 'restore'],
  [REMOVE_SCRIPT, 'remove'],
  [REMOVE_ALL_SCRIPT, 'remove-all'],
]);

interface Call {
  script: string;
  mounts: readonly HelperMount[];
  args: string[];
  env: string[];
  timeoutMs: number;
}

/** What the helper prints for a file: FILES_SCRIPT's line. */
const fileLine = (name: string, size: number, blocks: number): string =>
  `file=${size} ${blocks} 512 1796639746 ${name}`;
const dfLine = (freeKiB: number): string => `free=/dev/sda1 ${freeKiB * 2} ${freeKiB} ${freeKiB} 50% /b`;

/**
 * The engine's computer at the boundary: the helper containers' answers are scripted per test, every
 * call recorded (its script, mounts, arguments, environment and deadline). The scripts themselves run
 * for real against the engine in remote-snapshots-ssh.integration.test.ts.
 */
describe('Snapshots on a remote engine (the helper at the boundary)', () => {
  let root: string;
  let store: MachineStore;
  let running: boolean;
  let calls: Call[];
  let made: string[];
  let answer: (call: Call) => string | Promise<string>;
  let progress: SnapshotProgress[];
  const id = 'win11';
  const storage = '/srv/vms/win11';
  let snapRoot: string;

  const fs: EngineHostHelpers = {
    host: 'server',
    kind: async () => {
      throw new Error('not asked');
    },
    makeFolder: async (path) => (made.push(path), { made: true }),
    writeFiles: async () => {
      throw new Error('not asked');
    },
    inspectIso: async () => {
      throw new Error('not asked');
    },
    run: async (mounts, script, args, opts) => {
      const call = {
        script: SCRIPTS.get(script) ?? 'other',
        mounts,
        args,
        env: opts.env ?? [],
        timeoutMs: opts.timeoutMs,
      };
      calls.push(call);
      return answer(call);
    },
  };

  const make = (): Snapshots => {
    const serial = new KeyedSerial();
    return new Snapshots({
      dataDir: join(root, 'data'),
      configDir: join(root, 'config'),
      store,
      onProgress: (p) => progress.push(p),
      engineHostFs: fs,
      now: () => new Date('2026-12-07T10:00:00Z'),
      machines: {
        exclusive: (key, op) => serial.run(key, op),
        assertDiskIdle: async (machineId, doing) => {
          if (running)
            throw new PortholeError('CONFLICT', `“Windows 11” is running: ${doing} only while it is stopped.`);
          return store.require(machineId).settings.storageDir;
        },
        setInstalled: async (machineId, installed) =>
          void (await store.update(machineId, (r) => ({ ...r, installed }))),
      },
    });
  };

  const manifest = (over: Partial<SnapshotManifest> = {}): SnapshotManifest => ({
    version: 1,
    id: '20261207-100000-abcdef',
    machineId: id,
    name: 'Before',
    createdAt: '2026-12-07T10:00:00.000Z',
    installed: false,
    method: 'sparse-copy',
    files: [
      { name: 'data.img', apparentBytes: 64 * MIB, allocatedBytes: 3 * MIB, mtimeMs: 1 },
      { name: 'windows.vars', apparentBytes: 6, allocatedBytes: 4096, mtimeMs: 1 },
    ],
    ...over,
  });
  const listed = (...ms: SnapshotManifest[]): string =>
    `${ms.map((m) => `snap=${m.id} ${3 * MIB} ${Buffer.from(JSON.stringify(m)).toString('base64')}`).join('\n')}\nlisted=yes\n`;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-rsnap-'));
    snapRoot = join(root, 'data', 'snapshots', id);
    await mkdir(join(root, 'config'));
    store = new MachineStore(join(root, 'config'));
    await store.load();
    await store.put({ settings: sampleMachine({ id, storageDir: storage }), installed: true });
    running = false;
    calls = [];
    made = [];
    progress = [];
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('take: measures there, copies there with both manifests ready, then lists it there; nothing here', async () => {
    let taken = '';
    answer = (call) => {
      if (call.script === 'files')
        return `${fileLine('data.img', 64 * MIB, 6144)}\n${fileLine('windows.vars', 6, 8)}\n${dfLine(10 * MIB)}\nlooked=yes\n`;
      if (call.script === 'take') {
        taken = call.env.find((e) => e.startsWith('M_SPARSE='))!.slice('M_SPARSE='.length);
        return 'took=sparse-copy\n';
      }
      if (call.script === 'list')
        return taken ? listed(snapshotManifestSchema.parse(JSON.parse(taken))) : 'listed=yes\n';
      return '';
    };
    const snap = await make().take(id, 'Before');
    expect(made).toEqual([snapRoot]);
    expect(calls.map((c) => c.script)).toEqual(['list', 'files', 'take', 'list']);
    const [list, files, take] = calls;
    expect(list!.mounts).toEqual([{ source: snapRoot, target: '/n' }]);
    expect(files!.mounts).toEqual([
      { source: storage, target: '/a' },
      { source: snapRoot, target: '/b' },
    ]);
    // The one description of what a snapshot holds: the image's files, asked for by name.
    expect(files!.args).toEqual(['.', ...SNAPSHOT_FILES]);
    expect(take!.mounts).toEqual([
      { source: storage, target: '/s' },
      { source: snapRoot, target: '/n', write: true },
    ]);
    expect(take!.args).toEqual([snap.id, 'data.img', 'windows.vars']);
    expect(take!.timeoutMs).toBeGreaterThanOrEqual(60_000);
    const reflink = snapshotManifestSchema.parse(
      JSON.parse(take!.env.find((e) => e.startsWith('M_REFLINK='))!.slice(10)),
    );
    expect(reflink).toMatchObject({ id: snap.id, method: 'reflink', installed: true, name: 'Before' });
    expect(snap).toMatchObject({
      id: snap.id,
      name: 'Before',
      method: 'sparse-copy',
      path: join(snapRoot, snap.id),
      apparentBytes: 64 * MIB + 6,
      allocatedBytes: 3 * MIB,
    });
    expect(progress.map((p) => p.doneBytes)).toEqual([0, 6144 * 512 + 8 * 512]);
    // Nothing of it here.
    expect(await readdir(join(root, 'data')).catch(() => [])).toEqual([]);
  });

  it('take: refused while the machine runs, before anything is asked there', async () => {
    running = true;
    answer = () => 'listed=yes\n';
    await expect(make().take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/running/) as string,
    });
    expect(calls.map((c) => c.script)).toEqual(['list']);
  });

  it('take: too little space there is refused before copying, saying where', async () => {
    answer = (call) =>
      call.script === 'files'
        ? `${fileLine('data.img', 64 * MIB, 200_000)}\n${dfLine(50 * 1024)}\nlooked=yes\n`
        : 'listed=yes\n';
    await expect(make().take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`Not enough free space for the snapshot in ${snapRoot} on server`) as string,
    });
    expect(calls.map((c) => c.script)).not.toContain('take');
  });

  it('take: a copy that fills the disk there, a failed helper and a deadline are said plainly, never in the engine’s words', async () => {
    const files = `${fileLine('data.img', 64 * MIB, 6144)}\n${dfLine(10 * MIB)}\nlooked=yes\n`;
    let onTake: () => string = () => "cp: error writing '/n/x.partial/data.img': No space left on device\nfail=copy\n";
    answer = (call) => (call.script === 'files' ? files : call.script === 'take' ? onTake() : 'listed=yes\n');
    await expect(make().take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(
        `The file system of ${snapRoot} on server filled up while taking the snapshot`,
      ) as string,
    });
    onTake = () => 'cp: cannot stat: Input/output error SECRET-RAW\nfail=copy\n';
    const copy = await make()
      .take(id)
      .then(
        () => new PortholeError('INTERNAL', 'taken'),
        (e: unknown) => e as PortholeError,
      );
    expect(copy).toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringMatching(/on server .*the copy failed there\. Nothing was changed\./) as string,
    });
    expect(copy.message).not.toContain('SECRET-RAW');
    onTake = () => {
      throw new Error('(HTTP code 500) server error - SECRET-RAW mount denied');
    };
    const refused = await make()
      .take(id)
      .then(
        () => new PortholeError('INTERNAL', 'taken'),
        (e: unknown) => e as PortholeError,
      );
    expect(refused).toMatchObject({ code: 'ENGINE_ERROR' });
    expect(refused.message).not.toContain('SECRET-RAW');
    onTake = () => {
      throw new Error('the helper container did not finish within 60 s');
    };
    await expect(make().take(id)).rejects.toMatchObject({
      code: 'ENGINE_ERROR',
      message: expect.stringMatching(/in time/) as string,
    });
  });

  it('a folder that is not there is empty (the engine refuses its bind); any other refusal is a failure, never “empty”', async () => {
    let error = `(HTTP code 400) invalid mount config for type "bind": bind source path does not exist: ${storage}`;
    answer = (call) => {
      if (call.script === 'list') return 'listed=yes\n';
      throw new Error(error);
    };
    await expect(make().take(id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`(${storage} on server holds no data.img)`) as string,
    });
    error =
      'OCI runtime create failed: exec: "sh": executable file not found in $PATH: no such file or directory: unknown';
    const failed = await make()
      .take(id)
      .then(
        () => new PortholeError('INTERNAL', 'taken'),
        (e: unknown) => e as PortholeError,
      );
    expect(failed).toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringContaining('on server') as string });
    expect(failed.message).not.toContain('OCI');
  });

  it('list: hostile entries there (bad ids, foreign or oversized manifests, junk) are not listed', async () => {
    const good = manifest();
    answer = () =>
      [
        listed(good).replace('listed=yes\n', ''),
        `snap=20261207-100000-000001 100 ${Buffer.from(JSON.stringify(manifest({ id: '20261207-100000-000001', machineId: 'other' }))).toString('base64')}`,
        `snap=20261207-100000-000002 100 ${Buffer.from(JSON.stringify(manifest({ id: '20261207-100000-000002', files: [{ name: 'passwd', apparentBytes: 1, allocatedBytes: 1, mtimeMs: 1 }] }))).toString('base64')}`,
        `snap=20261207-100000-000003 100 ${Buffer.from('x'.repeat(20_000)).toString('base64')}`,
        `snap=../../etc 100 ${Buffer.from(JSON.stringify(manifest())).toString('base64')}`,
        'snap=20261207-100000-000004 100 not*base64',
        'listed=yes',
      ].join('\n');
    expect((await make().list(id)).map((s) => s.id)).toEqual([good.id]);
  });

  it('restore: a damaged snapshot there is refused before copying; a whole one is copied back there', async () => {
    const snap = manifest();
    let sizes = `${fileLine('data.img', 64 * MIB - 1, 6144)}\n${fileLine('windows.vars', 6, 8)}`;
    answer = (call) => {
      if (call.script === 'list') return listed(snap);
      if (call.script === 'files') return `${sizes}\n${dfLine(10 * MIB)}\nlooked=yes\n`;
      if (call.script === 'restore') return 'removed=windows.boot\nremoved=../../etc/passwd\nrestored=yes\n';
      return '';
    };
    await expect(make().restore(id, snap.id)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/data\.img is not the size it was\. Nothing was changed\./) as string,
    });
    expect(calls.map((c) => c.script)).not.toContain('restore');
    sizes = `${fileLine('data.img', 64 * MIB, 6144)}\n${fileLine('windows.vars', 6, 8)}`;
    calls = [];
    const result = await make().restore(id, snap.id);
    expect(result).toMatchObject({ restored: ['data.img', 'windows.vars'], removed: ['windows.boot'] });
    const files = calls.find((c) => c.script === 'files')!;
    expect(files.args).toEqual([snap.id, 'data.img', 'windows.vars']);
    expect(files.mounts).toEqual([
      { source: snapRoot, target: '/a' },
      { source: storage, target: '/b' },
    ]);
    const restore = calls.find((c) => c.script === 'restore')!;
    expect(restore.mounts).toEqual([
      { source: snapRoot, target: '/n' },
      { source: storage, target: '/s', write: true },
    ]);
    expect(restore.args).toEqual([snap.id, 'data.img', 'windows.vars']);
    expect(restore.env).toEqual([
      `GONE=${SNAPSHOT_FILES.filter((n) => n !== 'data.img' && n !== 'windows.vars').join(' ')}`,
    ]);
    // The record's "installed" follows the snapshot's.
    expect(store.require(id).installed).toBe(false);
  });

  it('delete removes only that snapshot’s folder there; after the machine, the whole folder when asked', async () => {
    const snap = manifest();
    answer = (call) => (call.script === 'list' ? listed(snap) : 'gone=yes\n');
    await make().remove(id, snap.id);
    const remove = calls.find((c) => c.script === 'remove')!;
    expect(remove.mounts).toEqual([{ source: snapRoot, target: '/n', write: true }]);
    expect(remove.args).toEqual([snap.id]);
    await expect(make().remove(id, '20261207-100000-999999')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    calls = [];
    expect(await make().afterMachineDeleted(id, true)).toEqual({ deleted: 1, kept: 0, path: `${snapRoot} on server` });
    expect(calls.at(-1)).toMatchObject({
      script: 'remove-all',
      args: [id],
      mounts: [{ source: join(root, 'data', 'snapshots'), target: '/p', write: true }],
    });
  });
});
