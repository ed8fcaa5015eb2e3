import {
  PortholeError,
  snapshotManifestSchema,
  storedNameSchema,
  type SnapshotManifest,
  type SnapshotView,
} from '../../api';
import { SNAPSHOT_FILES } from './disk-files';

export const MANIFEST = 'manifest.json';
/** A manifest as read: a name an older Porthole accepted is made to follow the names rule, not hidden. */
const storedManifestSchema = snapshotManifestSchema.extend({ name: storedNameSchema('snapshot', 'Snapshot') });

/**
 * A snapshot's manifest as read from its folder (here, or on a remote engine's computer): untrusted
 * text. It must be this snapshot's, of this machine, and name only the image's own files.
 */
export function parseManifest(text: string, machineId: string, snapshotId: string): SnapshotManifest {
  const manifest = storedManifestSchema.parse(JSON.parse(text));
  if (manifest.id !== snapshotId || manifest.machineId !== machineId) throw new Error('manifest of another snapshot');
  if (manifest.files.some((f) => !SNAPSHOT_FILES.includes(f.name))) throw new Error('a file that is not the image’s');
  return manifest;
}

/** The view of a snapshot: its manifest, where it is, what it uses now. */
export function viewOf(manifest: SnapshotManifest, path: string, allocatedBytes: number): SnapshotView {
  return {
    ...manifest,
    path,
    apparentBytes: manifest.files.reduce((n, f) => n + f.apparentBytes, 0),
    allocatedBytes,
  };
}

/** Newest first. */
export function newestFirst(views: SnapshotView[]): SnapshotView[] {
  return views.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** The refusal when a snapshot is not there, or its manifest cannot be read. */
export function unreadable(machineId: string, snapshotId: string, missing: boolean): PortholeError {
  return new PortholeError(
    missing ? 'NOT_FOUND' : 'CONFLICT',
    missing
      ? `Machine ${machineId} has no snapshot ${snapshotId}.`
      : `The snapshot ${snapshotId} of machine ${machineId} is damaged (its ${MANIFEST} cannot be read).`,
    missing
      ? `"porthole snapshots ${machineId}" lists its snapshots.`
      : `Delete it: porthole rm-snapshot ${machineId} ${snapshotId}.`,
  );
}

/** Before a restore: each file of the snapshot is there, the size it was. */
export function assertWhole(
  machineId: string,
  snapshot: SnapshotView,
  sizeOf: (name: string) => number | undefined,
): void {
  for (const file of snapshot.files) {
    const size = sizeOf(file.name);
    if (size === file.apparentBytes) continue;
    throw new PortholeError(
      'CONFLICT',
      `The snapshot ${snapshot.id} is damaged: ${file.name} is ${size === undefined ? 'missing' : 'not the size it was'}. Nothing was changed.`,
      `Delete it: porthole rm-snapshot ${machineId} ${snapshot.id}.`,
    );
  }
}

/** What a restore needs free where the machine's disk is. */
export function restoreRemedy(storage: string): string {
  return `Free some space on the disk that holds ${storage} (the machine's storage folder; its snapshots are elsewhere and deleting them frees nothing there), then try again.`;
}
