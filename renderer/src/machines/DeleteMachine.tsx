import { useState } from 'react';
import type { MachineView } from '@porthole/api';
import { Dialog } from '../ui/Dialog';
import { WorkNotes } from '../ui/WorkNotes';
import { DeleteDiskDialog } from './DeleteDiskDialog';
import { DiskChoice, SnapshotsChoice } from './DeleteChoices';
import { useMachineDelete } from './use-machine-delete';
// Its keep/delete choices are the form's choice rows.
import '../machine-form/machine-form.css';

/**
 * Deleting a machine: keep its Windows disk (the default), or delete it too after a second
 * confirmation that says exactly what goes, from the backend's plan (storageUsage): the folder
 * Porthole made, whole; or only the image's files in a folder that is not Porthole's, naming what
 * stays; nothing when the folder is missing; and no disk delete at all where the policy refuses it.
 */
export function DeleteMachine({
  machine,
  onClose,
  onDeleted,
}: {
  machine: MachineView;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const [deleteDisk, setDeleteDisk] = useState(false);
  const del = useMachineDelete(machine.id, onDeleted);
  const { step, snapshots } = del;
  const busy = step.at === 'measuring' || step.at === 'deleting';
  const running = machine.status.running;

  const working =
    step.at === 'deleting'
      ? running
        ? 'Shutting Windows down, then deleting…'
        : 'Deleting…'
      : step.at === 'measuring'
        ? 'Measuring the disk…'
        : null;
  const notes = <WorkNotes working={working} error={del.error} />;

  if (step.at === 'confirm' || (step.at === 'deleting' && step.deleteDisk)) {
    return (
      <DeleteDiskDialog
        machine={machine}
        plan={step.at === 'confirm' ? step.plan : null}
        busy={busy}
        snapshotCount={snapshots.length}
        deleteSnapshots={del.deleteSnapshots}
        notes={notes}
        onBack={() => del.setStep({ at: 'choose' })}
        onClose={onClose}
        onDelete={() => void del.remove(true)}
      />
    );
  }

  return (
    <Dialog
      title={`Delete “${machine.name}”?`}
      onClose={busy ? undefined : onClose}
      testId="delete-dialog"
      actions={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          {deleteDisk ? (
            <button type="button" className="danger" onClick={() => void del.measure()} disabled={busy}>
              Continue…
            </button>
          ) : (
            <button type="button" className="danger" onClick={() => void del.remove(false)} disabled={busy}>
              Delete machine, keep disk
            </button>
          )}
        </>
      }
    >
      <p>
        The machine leaves Porthole{running ? ' (it is running: Porthole shuts Windows down first)' : ''}. What about
        its Windows disk?
      </p>
      <DiskChoice storageDir={machine.storageDir} deleteDisk={deleteDisk} onChange={setDeleteDisk} />
      {snapshots.length > 0 ? (
        <SnapshotsChoice
          snapshots={snapshots}
          deleteSnapshots={del.deleteSnapshots}
          onChange={del.setDeleteSnapshots}
        />
      ) : null}
      {notes}
    </Dialog>
  );
}
