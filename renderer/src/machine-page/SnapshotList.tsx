import type { SnapshotView } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';
import { when } from './snapshot-date';
import type { SnapshotConfirm } from './use-snapshots';

/** The snapshots with date and size, each with Restore… (not while `locked`) and Delete… (not while `busy`). */
export function SnapshotList({
  list,
  locked,
  busy,
  onConfirm,
}: {
  list: SnapshotView[] | null;
  locked: boolean;
  busy: boolean;
  onConfirm: (confirm: SnapshotConfirm) => void;
}) {
  if (list === null) return <p className="muted">Loading…</p>;
  if (list.length === 0) {
    return (
      <p className="muted" data-testid="snapshots-empty">
        No snapshots yet.
      </p>
    );
  }
  return (
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
              onClick={() => onConfirm({ kind: 'restore', snapshot: s })}
              disabled={locked}
              aria-label={`Restore ${s.name}`}
            >
              Restore…
            </button>
            <button
              type="button"
              className="ghost"
              onClick={() => onConfirm({ kind: 'delete', snapshot: s })}
              disabled={busy}
              aria-label={`Delete ${s.name}`}
            >
              Delete…
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}
