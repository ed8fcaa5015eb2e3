import { useCallback, useEffect, useState } from 'react';
import type { SnapshotProgress, SnapshotView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

/** The snapshot a dialog asks about, and whether to restore or delete it. */
export type SnapshotConfirm = { kind: 'restore' | 'delete'; snapshot: SnapshotView } | null;

/**
 * A machine's snapshots, kept current, and the work on them: one operation at a time (`busy` says which, with the
 * copy's `progress`), then what it did (`notice`) or why it failed (`error`), and the list read again.
 */
export function useSnapshots(machineId: string) {
  const [list, setList] = useState<SnapshotView[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<SnapshotProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<SnapshotConfirm>(null);

  const reload = useCallback(
    (): Promise<void> =>
      porthole()
        .listSnapshots({ id: machineId })
        .then(setList, (e: unknown) => setError(`Porthole could not list the snapshots: ${errorText(e)}`)),
    [machineId],
  );

  useEffect(() => {
    porthole()
      .listSnapshots({ id: machineId })
      .then(setList, (e: unknown) => setError(`Porthole could not list the snapshots: ${errorText(e)}`));
    return porthole().subscribe('snapshotProgress', (p) => {
      if (p.machineId === machineId) setProgress(p);
    });
  }, [machineId]);

  const run = async (label: string, op: () => Promise<string>): Promise<void> => {
    setError(null);
    setNotice(null);
    setProgress(null);
    setBusy(label);
    try {
      setNotice(await op());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
      setProgress(null);
      setConfirm(null);
      await reload();
    }
  };

  /** Takes a snapshot (named, when `name` has more than spaces); `onTaken` runs once it is taken. */
  const take = (name: string, onTaken: () => void): Promise<void> =>
    run('Taking a snapshot…', async () => {
      const trimmed = name.trim();
      const snap = await porthole().takeSnapshot({ id: machineId, ...(trimmed ? { name: trimmed } : {}) });
      onTaken();
      return `Took “${snap.name}”.`;
    });
  const restore = (snapshot: SnapshotView): Promise<void> =>
    run(`Restoring “${snapshot.name}”…`, async () => {
      await porthole().restoreSnapshot({ id: machineId, snapshotId: snapshot.id, confirmLoss: true });
      return `Restored “${snapshot.name}”. The machine starts from it next time.`;
    });
  const remove = (snapshot: SnapshotView): Promise<void> =>
    run(`Deleting “${snapshot.name}”…`, async () => {
      await porthole().deleteSnapshot({ id: machineId, snapshotId: snapshot.id });
      return `Deleted “${snapshot.name}”.`;
    });

  const percent =
    progress && progress.totalBytes > 0
      ? Math.min(100, Math.round((progress.doneBytes / progress.totalBytes) * 100))
      : null;

  return { list, busy, progress, percent, error, notice, confirm, setConfirm, take, restore, remove };
}
