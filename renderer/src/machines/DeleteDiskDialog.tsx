import type { ReactNode } from 'react';
import type { DeletePlan, MachineView } from '@porthole/api';
import { Dialog } from '../ui/Dialog';
import { PlanText } from './DeletePlanText';

/** The second confirmation of deleting the disk too: the backend's plan in words, then the delete (or Back). */
export function DeleteDiskDialog({
  machine,
  plan,
  busy,
  snapshotCount,
  deleteSnapshots,
  notes,
  onBack,
  onClose,
  onDelete,
}: {
  machine: MachineView;
  /** Null while the delete runs. */
  plan: DeletePlan | null;
  busy: boolean;
  snapshotCount: number;
  deleteSnapshots: boolean;
  /** What the delete is doing, or what went wrong. */
  notes: ReactNode;
  onBack: () => void;
  onClose: () => void;
  onDelete: () => void;
}) {
  const refused = plan?.kind === 'refused';
  const running = machine.status.running;
  const these = snapshotCount === 1 ? 'snapshot is' : `${snapshotCount} snapshots are`;
  return (
    <Dialog
      title={
        refused
          ? `Porthole will not delete the disk of “${machine.name}”`
          : plan?.kind === 'missing'
            ? `Delete “${machine.name}”?`
            : `Delete “${machine.name}” and its disk for good?`
      }
      tone="danger"
      onClose={busy ? undefined : onClose}
      testId="delete-dialog"
      actions={
        <>
          <button type="button" className="ghost" data-autofocus onClick={onBack} disabled={busy}>
            Back
          </button>
          {refused ? null : (
            <button type="button" className="danger" onClick={onDelete} disabled={busy || !plan}>
              {plan?.kind === 'missing' ? 'Delete machine' : 'Delete machine and disk'}
            </button>
          )}
        </>
      }
    >
      {plan ? <PlanText plan={plan} /> : null}
      {snapshotCount > 0 ? (
        <p data-testid="delete-snapshots-note">
          {deleteSnapshots ? `Its ${these} deleted too.` : `Its ${these} kept (they are not in the storage folder).`}
        </p>
      ) : null}
      {running ? <p>The machine is running: Porthole shuts Windows down first.</p> : null}
      {notes}
    </Dialog>
  );
}
