import { posix } from 'node:path';
import { PortholeError, type SnapshotManifest, type SnapshotView } from '../../api';
import { EngineHostDisk } from '../storage/engine-host-disk';
import type { EngineHostHelpers } from '../storage/engine-host-fs';
import { SNAPSHOT_FILES, type DiskFile } from './disk-files';
import { assertRoom } from './free-space';
import { assertWhole, parseManifest, restoreRemedy, viewOf } from './snapshot-manifest';

/** One folder of the snapshots folder there: its view, or null when its manifest cannot be read (damaged). */
export interface EntryThere {
  id: string;
  view: SnapshotView | null;
}

/**
 * Snapshots of a machine whose engine is remote: the disk is on the engine's computer, and so are its
 * snapshots, at the same path as here (`<dataDir>/snapshots/<machineId>/`, as the default storage folder
 * is `<dataDir>/machines/<id>` there). Every look and copy runs there in a short-lived helper container
 * (storage/engine-host-disk.ts); what a snapshot holds and its manifest are the local ones.
 */
export class RemoteSnapshots {
  private readonly disk: EngineHostDisk;

  constructor(fs: EngineHostHelpers) {
    this.disk = new EngineHostDisk(fs);
  }

  get host(): string {
    return this.disk.host;
  }

  /** "<path> on <host>": where a message says a folder is. */
  where(path: string): string {
    return `${path} on ${this.disk.host}`;
  }

  async entries(machineId: string, root: string): Promise<EntryThere[]> {
    return (await this.disk.list(root)).map((there) => {
      let manifest: SnapshotManifest | null = null;
      try {
        manifest = there.manifest === null ? null : parseManifest(there.manifest, machineId, there.id);
      } catch {
        manifest = null;
      }
      return {
        id: there.id,
        view: manifest && viewOf(manifest, posix.join(root, there.id), there.allocatedBytes),
      };
    });
  }

  /**
   * The image's files in the storage folder there (sorted by name, like diskFiles), and the free space
   * of the snapshots folder there (made first, as a local take does).
   */
  async look(storage: string, root: string): Promise<{ files: DiskFile[]; freeBytes: number }> {
    await this.disk.makeFolder(root);
    const there = await this.disk.files(storage, '.', SNAPSHOT_FILES, root);
    const files = there.files.sort((a, b) => (a.name < b.name ? -1 : 1));
    // No storage folder there: no disk (the caller says so); the free space is not needed then.
    if (there.folder && there.freeBytes === null) throw this.unmeasured(root);
    return { files, freeBytes: there.freeBytes ?? 0 };
  }

  async take(o: {
    storage: string;
    root: string;
    id: string;
    files: DiskFile[];
    manifest: (method: SnapshotManifest['method']) => string;
  }): Promise<SnapshotManifest['method']> {
    return this.disk.take({
      storage: o.storage,
      root: o.root,
      id: o.id,
      names: o.files.map((f) => f.name),
      manifest: o.manifest,
      bytes: o.files.reduce((n, f) => n + f.allocatedBytes, 0),
    });
  }

  /**
   * Checks the snapshot's files there (each the size it was) and the free space of the storage folder
   * there, then copies them back; answers the image's files removed (those the snapshot did not have).
   */
  async restore(machineId: string, storage: string, root: string, snapshot: SnapshotView): Promise<string[]> {
    const names = snapshot.files.map((f) => f.name);
    const there = await this.disk.files(root, snapshot.id, names, storage);
    assertWhole(machineId, snapshot, (name) => there.files.find((f) => f.name === name)?.apparentBytes);
    if (there.freeBytes === null) throw this.unmeasured(storage);
    const bytes = snapshot.files.reduce((n, f) => n + f.allocatedBytes, 0);
    assertRoom(there.freeBytes, bytes, this.where(storage), 'restoring the snapshot', restoreRemedy(storage));
    const gone = SNAPSHOT_FILES.filter((name) => !names.includes(name));
    return this.disk.restore({ storage, root, id: snapshot.id, names, gone, bytes });
  }

  remove(root: string, snapshotId: string): Promise<boolean> {
    return this.disk.remove(root, snapshotId);
  }

  removeFolder(root: string): Promise<void> {
    return this.disk.removeFolder(root);
  }

  private unmeasured(path: string): PortholeError {
    return new PortholeError(
      'ENGINE_ERROR',
      `Porthole could not measure the free space of ${this.where(path)} (the engine's computer). Nothing was changed.`,
      'Check that the folder is there and the engine runs; "porthole check" says more.',
    );
  }
}
