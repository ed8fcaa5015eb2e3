// `porthole snapshot ID`, and the snapshot words the other snapshot verbs (snapshots, restore, rm-snapshot) and rm share.
import { formatBytes, PortholeError, type ActionResponse, type SnapshotView } from '../../api';
import type { Backend } from '../../core/backend';
import { tableLines } from '../output-text';
import { terminalSafe } from '../terminal-safe';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    "  snapshot ID [--name NAME]   Copy the stopped machine's disk into a snapshot (named, dated, with its size)\n",
  async run({ values, json, backend, call, print, err, needId }) {
    const target = needId();
    const stopProgress = json ? () => undefined : followSnapshotProgress(backend, target, err);
    try {
      const snapshot = await call('takeSnapshot', {
        id: target,
        ...(values.name !== undefined ? { name: values.name } : {}),
      });
      print(
        snapshot,
        () =>
          `Took snapshot ${snapshot.id} “${terminalSafe(snapshot.name)}” of ${target}: ${formatSnapshot(snapshot)}\n`,
      );
    } finally {
      stopProgress();
    }
    return 0;
  },
};

/** One snapshot's size, as the list and the answers of take show it. */
export function formatSnapshot(s: SnapshotView): string {
  return `${formatBytes(s.apparentBytes)} disk, ${formatBytes(s.allocatedBytes)} used (${s.method === 'reflink' ? 'blocks shared with the disk' : 'sparse copy'})`;
}

/** `porthole snapshots ID`: a table a person can read, newest first. */
export function formatSnapshots(list: SnapshotView[]): string {
  if (list.length === 0)
    return 'No snapshots yet. Take one while the machine is stopped: porthole snapshot ID --name "Before updates"\n';
  const rows = list.map((s) => [
    s.id,
    terminalSafe(s.name),
    s.createdAt.replace('T', ' ').slice(0, 19) + ' UTC',
    formatBytes(s.apparentBytes),
    formatBytes(s.allocatedBytes),
  ]);
  const header = ['ID', 'NAME', 'TAKEN', 'DISK', 'USED'];
  return tableLines(header, rows).join('\n') + '\n';
}

/** What a restore loses, said before it happens (the CLI without --yes, and the app's dialog say the same). */
export function restoreQuestion(s: SnapshotView): string {
  return `Restoring “${terminalSafe(s.name)}” (taken ${s.createdAt.replace('T', ' ').slice(0, 16)} UTC) replaces the machine's disk: every change made in Windows since then (files, programs, updates, settings) is lost.`;
}

/** After `porthole rm`: what happened to the machine's snapshots. */
export function formatSnapshotsAfterDelete(snapshots: ActionResponse<'deleteMachine'>['snapshots']): string {
  if (!snapshots) return '';
  if (snapshots.deleted > 0) return `Deleted its ${snapshots.deleted} snapshot(s).\n`;
  return `Kept its ${snapshots.kept} snapshot(s) in ${snapshots.path} (delete that folder, or use --delete-snapshots next time).\n`;
}

/** Prints a copy's progress (whole percents, to standard error) while it runs; returns the unsubscribe. */
export function followSnapshotProgress(backend: Backend, id: string, write: (s: string) => void): () => void {
  let shown = -1;
  return backend.subscribe((e) => {
    if (e.event !== 'snapshotProgress' || e.payload.machineId !== id) return;
    const { doneBytes, totalBytes, operation } = e.payload;
    const percent = totalBytes > 0 ? Math.floor((doneBytes / totalBytes) * 100) : 100;
    if (percent === shown) return;
    shown = percent;
    write(
      `${operation === 'take' ? 'Copying the disk' : 'Restoring the disk'}: ${percent}% of ${formatBytes(totalBytes)}\n`,
    );
  });
}

/**
 * The snapshot a person named on the command line: by its id, else by the name they gave it (one snapshot
 * of that name, compared as people read names: normalised, any case). Two of one name need the id.
 */
export function pickSnapshot(list: readonly SnapshotView[], wanted: string, machine: string): SnapshotView {
  const byId = list.find((s) => s.id === wanted);
  if (byId) return byId;
  const key = (name: string): string => name.normalize('NFC').toLocaleLowerCase('en-US');
  const named = list.filter((s) => key(s.name) === key(wanted));
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `Machine ${machine} has ${named.length} snapshots called “${wanted}”.`,
      `Name one by its id: ${named.map((s) => s.id).join(', ')}.`,
    );
  }
  throw new PortholeError(
    'NOT_FOUND',
    `Machine ${machine} has no snapshot with the id or name “${wanted}”.`,
    `"porthole snapshots ${machine}" lists them.`,
  );
}
