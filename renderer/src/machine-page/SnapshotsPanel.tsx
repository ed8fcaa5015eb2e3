import { useCallback, useEffect, useState } from 'react';
import type { MachineView, SnapshotProgress, SnapshotView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { formatBytes } from '@porthole/api/bytes';
import { Dialog } from '../ui/Dialog';
import { errorText } from '../ui/error-text';
import './snapshots.css';

type Confirm = { kind: 'restore' | 'delete'; snapshot: SnapshotView } | null;

/** A date as the person reads it, in their own time zone. */
function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * The machine's snapshots: take one (named) while the machine is stopped, list them with date and
 * size, restore one (after a dialog that says every change since then is lost) or delete one. The
 * backend holds every rule (stopped only, free space, the confirmation); this panel says them first.
 */
export function SnapshotsPanel({ machine }: { machine: MachineView }) {
  const [list, setList] = useState<SnapshotView[] | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<SnapshotProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const running = machine.status.running;

  const reload = useCallback(
    (): Promise<void> =>
      porthole()
        .listSnapshots({ id: machine.id })
        .then(setList, (e: unknown) => setError(`Porthole could not list the snapshots: ${errorText(e)}`)),
    [machine.id],
  );

  useEffect(() => {
    porthole()
      .listSnapshots({ id: machine.id })
      .then(setList, (e: unknown) => setError(`Porthole could not list the snapshots: ${errorText(e)}`));
    return porthole().subscribe('snapshotProgress', (p) => {
      if (p.machineId === machine.id) setProgress(p);
    });
  }, [machine.id]);

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

  const take = (): Promise<void> =>
    run('Taking a snapshot…', async () => {
      const trimmed = name.trim();
      const snap = await porthole().takeSnapshot({ id: machine.id, ...(trimmed ? { name: trimmed } : {}) });
      setName('');
      return `Took “${snap.name}”.`;
    });
  const restore = (snapshot: SnapshotView): Promise<void> =>
    run(`Restoring “${snapshot.name}”…`, async () => {
      await porthole().restoreSnapshot({ id: machine.id, snapshotId: snapshot.id, confirmLoss: true });
      return `Restored “${snapshot.name}”. The machine starts from it next time.`;
    });
  const remove = (snapshot: SnapshotView): Promise<void> =>
    run(`Deleting “${snapshot.name}”…`, async () => {
      await porthole().deleteSnapshot({ id: machine.id, snapshotId: snapshot.id });
      return `Deleted “${snapshot.name}”.`;
    });

  const percent =
    progress && progress.totalBytes > 0
      ? Math.min(100, Math.round((progress.doneBytes / progress.totalBytes) * 100))
      : null;
  const locked = running || busy !== null;

  return (
    <div className="snapshots" data-testid="snapshots-panel">
      <p className="muted">
        A snapshot is a copy of the Windows disk you can go back to. Snapshots are taken and restored while the machine
        is stopped, and kept apart from its storage folder.
      </p>
      {running ? (
        <p className="snapshots-note" role="note">
          Stop the machine to take or restore a snapshot.
        </p>
      ) : null}
      {/* Not a <form>: the panel sits inside the settings page's own form (forms cannot nest). */}
      <div className="snapshots-take">
        <label>
          <span>Snapshot name</span>
          <input
            type="text"
            value={name}
            maxLength={80}
            placeholder="Before updates"
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              if (!locked) void take();
            }}
            disabled={locked}
          />
        </label>
        <button type="button" onClick={() => void take()} disabled={locked}>
          Take snapshot
        </button>
      </div>
      {busy ? (
        <div className="snapshots-busy" role="status">
          <span>{busy}</span>
          {percent !== null ? (
            <>
              <progress max={100} value={percent} aria-label="Copy progress" />
              <span>
                {percent}% of {formatBytes(progress?.totalBytes ?? 0)}
              </span>
            </>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <div className="failure" role="alert">
          {error}
        </div>
      ) : null}
      {notice && !error ? (
        <p className="snapshots-notice" role="status">
          {notice}
        </p>
      ) : null}
      {list === null ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="snapshots-empty">
          No snapshots yet.
        </p>
      ) : (
        <ul className="snapshots-list" aria-label="Snapshots">
          {list.map((s) => (
            <li key={s.id} data-testid="snapshot-row">
              <div className="snapshots-text">
                <strong>{s.name}</strong>
                <span className="muted">
                  {when(s.createdAt)} · {formatBytes(s.apparentBytes)} disk, {formatBytes(s.allocatedBytes)} used
                </span>
              </div>
              <div className="snapshots-actions">
                <button
                  type="button"
                  onClick={() => setConfirm({ kind: 'restore', snapshot: s })}
                  disabled={locked}
                  aria-label={`Restore ${s.name}`}
                >
                  Restore…
                </button>
                <button
                  type="button"
                  className="ghost"
                  onClick={() => setConfirm({ kind: 'delete', snapshot: s })}
                  disabled={busy !== null}
                  aria-label={`Delete ${s.name}`}
                >
                  Delete…
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {confirm ? (
        <Dialog
          title={
            confirm.kind === 'restore'
              ? `Restore “${confirm.snapshot.name}”?`
              : `Delete the snapshot “${confirm.snapshot.name}”?`
          }
          tone="danger"
          testId="snapshot-confirm"
          onClose={busy ? undefined : () => setConfirm(null)}
          actions={
            <>
              <button
                type="button"
                className="ghost"
                data-autofocus
                onClick={() => setConfirm(null)}
                disabled={busy !== null}
              >
                Cancel
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy !== null}
                onClick={() => void (confirm.kind === 'restore' ? restore(confirm.snapshot) : remove(confirm.snapshot))}
              >
                {confirm.kind === 'restore' ? 'Restore and lose the changes' : 'Delete snapshot'}
              </button>
            </>
          }
        >
          {confirm.kind === 'restore' ? (
            <p data-testid="snapshot-loss">
              The disk of “{machine.name}” goes back to how it was on{' '}
              <strong>{when(confirm.snapshot.createdAt)}</strong>. Every change made in Windows since then (files,
              programs, updates, settings) is lost. Take a snapshot first if you may want them back.
            </p>
          ) : (
            <p>
              The copy of the disk from {when(confirm.snapshot.createdAt)} is deleted (
              {formatBytes(confirm.snapshot.allocatedBytes)} freed). The machine itself is not changed.
            </p>
          )}
          {busy ? (
            <p className="muted" role="status">
              {busy}
              {percent !== null ? ` ${percent}%` : ''}
            </p>
          ) : null}
        </Dialog>
      ) : null}
    </div>
  );
}
