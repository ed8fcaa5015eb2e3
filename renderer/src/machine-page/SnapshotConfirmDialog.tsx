import type { SnapshotView } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';
import { Dialog } from '../ui/Dialog';
import { WorkNotes } from '../ui/WorkNotes';
import { when } from './snapshot-date';

/** Restore (every change since is lost) or delete a snapshot, after this dialog says what goes. */
export function SnapshotConfirmDialog({
  kind,
  snapshot,
  machineName,
  busy,
  percent,
  onCancel,
  onConfirm,
}: {
  kind: 'restore' | 'delete';
  snapshot: SnapshotView;
  machineName: string;
  busy: string | null;
  percent: number | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <Dialog
      title={kind === 'restore' ? `Restore “${snapshot.name}”?` : `Delete the snapshot “${snapshot.name}”?`}
      tone="danger"
      testId="snapshot-confirm"
      onClose={busy ? undefined : onCancel}
      actions={
        <>
          <button type="button" className="ghost" data-autofocus onClick={onCancel} disabled={busy !== null}>
            Cancel
          </button>
          <button type="button" className="danger" disabled={busy !== null} onClick={onConfirm}>
            {kind === 'restore' ? 'Restore and lose the changes' : 'Delete snapshot'}
          </button>
        </>
      }
    >
      {kind === 'restore' ? (
        <p data-testid="snapshot-loss">
          The disk of “{machineName}” goes back to how it was on <strong>{when(snapshot.createdAt)}</strong>. Every
          change made in Windows since then (files, programs, updates, settings) is lost. Take a snapshot first if you
          may want them back.
        </p>
      ) : (
        <p>
          The copy of the disk from {when(snapshot.createdAt)} is deleted ({formatBytes(snapshot.allocatedBytes)}{' '}
          freed). The machine itself is not changed.
        </p>
      )}
      <WorkNotes working={busy ? `${busy}${percent !== null ? ` ${percent}%` : ''}` : null} />
    </Dialog>
  );
}
