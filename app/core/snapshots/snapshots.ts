import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  nameKey,
  nameProblem,
  normalizeName,
  PortholeError,
  snapshotIdSchema,
  uniqueName,
  type SnapshotManifest,
  type SnapshotProgress,
  type SnapshotView,
} from '../../api';
import type { Machines } from '../lifecycle/machines';
import type { MachineStore } from '../store/machine-store';
import { writeFileAtomic } from '../store/atomic';
import { folderUsage } from '../store/usage';
import { copyDiskFile, type CopyMethod } from './copy';
import { diskFiles, hasDisk, type DiskFile } from './disk-files';
import { assertFreeSpace, assertRoom, outOfSpace } from './free-space';
import { diskLockPath, withDiskLock } from './lock';
import type { EngineHostHelpers } from '../storage/engine-host-fs';
import { RemoteSnapshots } from './remote-snapshots';
import {
  assertWhole,
  MANIFEST,
  newestFirst,
  parseManifest,
  restoreRemedy,
  unreadable,
  viewOf,
} from './snapshot-manifest';

export { MANIFEST } from './snapshot-manifest';
/** Names a restore copies to in the storage folder before renaming over the real file. */
const RESTORE_PREFIX = '.porthole-restore-';
/** Progress events at most this often (and always at the start and the end of a copy). */
const PROGRESS_EVERY_MS = 250;

export interface SnapshotsDeps {
  dataDir: string;
  /** Where the disk locks are (the config folder). */
  configDir: string;
  machines: Pick<Machines, 'exclusive' | 'assertDiskIdle' | 'setInstalled'>;
  store: Pick<MachineStore, 'require'>;
  onProgress: (progress: SnapshotProgress) => void;
  /** The engine's computer when the engine is remote: the disk is there, and so are the snapshots (remote-snapshots.ts). */
  engineHostFs?: EngineHostHelpers;
  now?: () => Date;
  /** The `cp` the byte copy runs (tests inject a failing one). */
  cp?: string;
}

export interface RestoreResult {
  snapshot: SnapshotView;
  restored: string[];
  removed: string[];
}

/** `20261129-023000-a1b2c3`: sortable by time, unique across processes, one safe path segment. */
export function newSnapshotId(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Snapshots of a machine's disk, in `<dataDir>/snapshots/<machineId>/<snapshotId>/` (never in the
 * storage folder, so "delete the disk" never touches them). Taking and restoring run only while
 * nothing runs on the disk, in the machine's queue (no start, stop, apply or delete meanwhile) and
 * under its disk lock (no start from another Porthole process either).
 */
export class Snapshots {
  /** Set when the engine is remote: the disk and its snapshots are on the engine's computer. */
  private readonly there: RemoteSnapshots | undefined;

  constructor(private readonly deps: SnapshotsDeps) {
    this.there = deps.engineHostFs ? new RemoteSnapshots(deps.engineHostFs) : undefined;
  }

  /** On the engine's computer when the engine is remote (the same path there). */
  folder(machineId: string): string {
    return join(this.deps.dataDir, 'snapshots', machineId);
  }

  /** Newest first. Half-made (`.partial`) or half-deleted folders are not snapshots and are not listed. */
  async list(machineId: string): Promise<SnapshotView[]> {
    this.deps.store.require(machineId);
    return this.read(machineId);
  }

  private async read(machineId: string): Promise<SnapshotView[]> {
    if (this.there) {
      const entries = await this.there.entries(machineId, this.folder(machineId));
      return newestFirst(entries.flatMap((e) => (e.view ? [e.view] : [])));
    }
    let names: string[];
    try {
      names = await readdir(this.folder(machineId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const views: SnapshotView[] = [];
    for (const name of names) {
      if (!snapshotIdSchema.safeParse(name).success) continue;
      const view = await this.view(machineId, name).catch(() => null);
      if (view) views.push(view);
    }
    return newestFirst(views);
  }

  private async view(machineId: string, snapshotId: string): Promise<SnapshotView> {
    const path = join(this.folder(machineId), snapshotId);
    const manifest = parseManifest(await readFile(join(path, MANIFEST), 'utf8'), machineId, snapshotId);
    return viewOf(manifest, path, (await folderUsage(path)).allocatedBytes);
  }

  private async require(machineId: string, snapshotId: string): Promise<SnapshotView> {
    if (this.there) {
      const entry = (await this.there.entries(machineId, this.folder(machineId))).find((e) => e.id === snapshotId);
      if (entry?.view) return entry.view;
      throw unreadable(machineId, snapshotId, !entry);
    }
    try {
      return await this.view(machineId, snapshotId);
    } catch (err) {
      throw unreadable(machineId, snapshotId, (err as NodeJS.ErrnoException).code === 'ENOENT');
    }
  }

  take(machineId: string, name?: string): Promise<SnapshotView> {
    return this.locked(machineId, async () => {
      // One machine's snapshots have different names (the names rule's comparison: "Café" in NFC and NFD is one name).
      const taken = (await this.read(machineId)).map((s) => s.name);
      const given = name === undefined ? undefined : normalizeName(name);
      const problem = given === undefined ? null : nameProblem(given, 'snapshot');
      if (problem) throw new PortholeError('INVALID_ARGUMENT', problem);
      const same = given === undefined ? undefined : taken.find((t) => nameKey(t) === nameKey(given));
      if (same !== undefined) {
        throw new PortholeError(
          'CONFLICT',
          `Machine ${machineId} already has a snapshot called “${same}”.`,
          `Choose another name, or delete that snapshot first ("porthole snapshots ${machineId}" lists them).`,
        );
      }
      const storage = await this.deps.machines.assertDiskIdle(machineId, 'a snapshot can be taken');
      const record = this.deps.store.require(machineId);
      const root = this.folder(machineId);
      const look = this.there ? await this.there.look(storage, root) : undefined;
      const files = look ? look.files : await diskFiles(storage);
      if (!hasDisk(files)) {
        const where = this.there ? this.there.where(storage) : storage;
        throw new PortholeError(
          'CONFLICT',
          `“${record.settings.name}” has no Windows disk yet (${where} holds no data.img).`,
          'Start it once so Windows is installed, then take a snapshot.',
        );
      }
      const needed = files.reduce((n, f) => n + f.allocatedBytes, 0);
      const remedy = `Free some space in ${root} (older snapshots go with porthole rm-snapshot ${machineId} SNAPSHOT), then try again.`;
      if (look) assertRoom(look.freeBytes, needed, this.there!.where(root), 'the snapshot', remedy);
      else {
        await mkdir(root, { recursive: true, mode: 0o700 });
        await assertFreeSpace(root, needed, 'the snapshot', remedy);
      }
      const createdAt = this.deps.now?.() ?? new Date();
      const id = newSnapshotId(createdAt);
      const manifest = (method: CopyMethod): SnapshotManifest => ({
        version: 1,
        id,
        machineId,
        name:
          given ??
          uniqueName(
            `Snapshot of ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
            taken,
            'snapshot',
            'Snapshot',
          ),
        createdAt: createdAt.toISOString(),
        installed: record.installed,
        method,
        files: files.map(({ name: file, apparentBytes, allocatedBytes, mtimeMs }) => ({
          name: file,
          apparentBytes,
          allocatedBytes,
          mtimeMs,
        })),
      });
      await this.copyIn({ machineId, storage, root, id, files, manifest });
      return this.require(machineId, id);
    });
  }

  /**
   * Copies the disk's files into the new snapshot `id`, here or there; the manifest is written last, then
   * the folder renamed into place: a listed snapshot is always whole.
   */
  private async copyIn(o: {
    machineId: string;
    storage: string;
    root: string;
    id: string;
    files: DiskFile[];
    manifest: (method: CopyMethod) => SnapshotManifest;
  }): Promise<void> {
    const what = { machineId: o.machineId, operation: 'take' as const, snapshotId: o.id };
    const text = (method: CopyMethod): string => `${JSON.stringify(o.manifest(method), null, 2)}\n`;
    if (this.there) {
      const total = o.files.reduce((n, f) => n + f.allocatedBytes, 0);
      this.deps.onProgress({ ...what, doneBytes: 0, totalBytes: total });
      await this.there.take({ ...o, manifest: text }).catch((err: unknown) => {
        throw outOfSpace(err, this.there!.where(o.root), 'taking the snapshot');
      });
      this.deps.onProgress({ ...what, doneBytes: total, totalBytes: total });
      return;
    }
    const partial = join(o.root, `${o.id}.partial`);
    await mkdir(partial, { mode: 0o700 });
    try {
      const method = await this.copyAll(
        o.files.map((f) => ({ from: join(o.storage, f.name), to: join(partial, f.name), bytes: f.allocatedBytes })),
        what,
      );
      await writeFileAtomic(join(partial, MANIFEST), text(method), 0o600);
      await rename(partial, join(o.root, o.id));
    } catch (err) {
      await rm(partial, { recursive: true, force: true });
      throw outOfSpace(err, o.root, 'taking the snapshot');
    }
  }

  /**
   * Puts the snapshot's files back. Each is copied next to the real one first (`.porthole-restore-<name>`)
   * and renamed over it only when every copy is done: until then the current disk is untouched, and a
   * crash leaves whole files, never a half-copied disk. Image files that did not exist when the snapshot
   * was taken (say windows.boot, written when the install finished) are removed: the folder is as it was.
   * On a remote engine the same steps run on the engine's computer (remote-snapshots.ts).
   */
  restore(machineId: string, snapshotId: string): Promise<RestoreResult> {
    return this.locked(machineId, async () => {
      const storage = await this.deps.machines.assertDiskIdle(machineId, 'a snapshot can be restored');
      const snapshot = await this.require(machineId, snapshotId);
      const what = { machineId, operation: 'restore' as const, snapshotId };
      let removed: string[];
      if (this.there) {
        const total = snapshot.files.reduce((n, f) => n + f.allocatedBytes, 0);
        this.deps.onProgress({ ...what, doneBytes: 0, totalBytes: total });
        removed = await this.there
          .restore(machineId, storage, this.folder(machineId), snapshot)
          .catch((err: unknown) => {
            throw outOfSpace(err, this.there!.where(storage), 'restoring the snapshot');
          });
        this.deps.onProgress({ ...what, doneBytes: total, totalBytes: total });
      } else removed = await this.restoreHere(storage, snapshot, what);
      if (this.deps.store.require(machineId).installed !== snapshot.installed)
        await this.deps.machines.setInstalled(machineId, snapshot.installed);
      return { snapshot, restored: snapshot.files.map((f) => f.name), removed };
    });
  }

  /** restore's copy here: the image's files removed (those the snapshot did not have). */
  private async restoreHere(
    storage: string,
    snapshot: SnapshotView,
    what: Omit<SnapshotProgress, 'doneBytes' | 'totalBytes'>,
  ): Promise<string[]> {
    const sizes = new Map<string, number>();
    for (const file of snapshot.files) {
      const info = await stat(join(snapshot.path, file.name)).catch(() => null);
      if (info) sizes.set(file.name, info.size);
    }
    assertWhole(what.machineId, snapshot, (name) => sizes.get(name));
    await this.removeTemps(storage);
    await assertFreeSpace(
      storage,
      snapshot.files.reduce((n, f) => n + f.allocatedBytes, 0),
      'restoring the snapshot',
      restoreRemedy(storage),
    );
    const copies = snapshot.files.map((f) => ({
      from: join(snapshot.path, f.name),
      to: join(storage, RESTORE_PREFIX + f.name),
      bytes: f.allocatedBytes,
    }));
    try {
      await this.copyAll(copies, what);
    } catch (err) {
      await this.removeTemps(storage);
      throw outOfSpace(err, storage, 'restoring the snapshot');
    }
    for (const file of snapshot.files)
      await rename(join(storage, RESTORE_PREFIX + file.name), join(storage, file.name));
    const kept = new Set(snapshot.files.map((f) => f.name));
    const removed: string[] = [];
    for (const file of await diskFiles(storage)) {
      if (kept.has(file.name)) continue;
      await rm(join(storage, file.name), { force: true });
      removed.push(file.name);
    }
    await syncFolder(storage);
    return removed;
  }

  /** Deletes one snapshot: renamed aside first, so a half-deleted one is never listed or restored. */
  remove(machineId: string, snapshotId: string): Promise<void> {
    this.deps.store.require(machineId);
    return this.locked(machineId, async () => {
      const snapshot = await this.require(machineId, snapshotId);
      if (this.there) {
        if (!(await this.there.remove(this.folder(machineId), snapshotId)))
          throw unreadable(machineId, snapshotId, true);
        return;
      }
      const aside = `${snapshot.path}.deleting`;
      await rename(snapshot.path, aside);
      await rm(aside, { recursive: true, force: true });
    });
  }

  /**
   * After the machine itself was deleted: its snapshots go only when asked, else they stay where
   * they are (the answer says where). Undefined when it had none.
   */
  async afterMachineDeleted(
    machineId: string,
    deleteThem: boolean,
  ): Promise<{ deleted: number; kept: number; path: string } | undefined> {
    const path = this.there ? this.there.where(this.folder(machineId)) : this.folder(machineId);
    const count = (await this.read(machineId)).length;
    if (!deleteThem) {
      return count > 0 ? { deleted: 0, kept: count, path } : undefined;
    }
    if (this.there) await this.there.removeFolder(this.folder(machineId));
    else await rm(path, { recursive: true, force: true });
    await rm(diskLockPath(this.deps.configDir, machineId), { force: true });
    return count > 0 ? { deleted: count, kept: 0, path } : undefined;
  }

  private locked<T>(machineId: string, body: () => Promise<T>): Promise<T> {
    return this.deps.machines.exclusive(machineId, () => withDiskLock(this.deps.configDir, machineId, body, 0));
  }

  /**
   * Copies every file, reporting progress over all of them in allocated bytes (what really has to be
   * copied: holes are free); the method is `reflink` only if every file was.
   */
  private async copyAll(
    copies: Array<{ from: string; to: string; bytes: number }>,
    what: Omit<SnapshotProgress, 'doneBytes' | 'totalBytes'>,
  ): Promise<CopyMethod> {
    const totalBytes = copies.reduce((n, c) => n + c.bytes, 0);
    let before = 0;
    let last = 0;
    const report = (doneBytes: number, force = false): void => {
      const now = Date.now();
      if (!force && now - last < PROGRESS_EVERY_MS) return;
      last = now;
      this.deps.onProgress({ ...what, doneBytes, totalBytes });
    };
    report(0, true);
    let method: CopyMethod = 'reflink';
    for (const copy of copies) {
      const used = await copyDiskFile(copy.from, copy.to, {
        onProgress: (done) => report(Math.min(before + done, totalBytes)),
        ...(this.deps.cp ? { cp: this.deps.cp } : {}),
      });
      if (used === 'sparse-copy') method = 'sparse-copy';
      before += copy.bytes;
    }
    report(totalBytes, true);
    return method;
  }

  /** Leftovers of a restore that crashed: never the real files, only our own temporary names. */
  private async removeTemps(storage: string): Promise<void> {
    for (const name of await readdir(storage)) {
      if (!name.startsWith(RESTORE_PREFIX)) continue;
      if ((await lstat(join(storage, name))).isFile()) await rm(join(storage, name), { force: true });
    }
  }
}

/** The renames are on disk once the folder itself is flushed. */
async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
