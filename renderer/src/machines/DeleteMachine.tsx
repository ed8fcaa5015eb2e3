import { useEffect, useState } from 'react';
import type { DeletePlan, MachineView, SnapshotView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { Dialog } from '../ui/Dialog';
import { errorText } from '../ui/error-text';
import { formatBytes } from '@porthole/api/bytes';
// Its keep/delete choices are the form's choice rows.
import '../machine-form/machine-form.css';

type Step =
  | { at: 'choose' }
  | { at: 'measuring' }
  | { at: 'confirm'; plan: DeletePlan }
  | { at: 'deleting'; deleteDisk: boolean };

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
  const [step, setStep] = useState<Step>({ at: 'choose' });
  const [error, setError] = useState<string | null>(null);
  const busy = step.at === 'measuring' || step.at === 'deleting';
  const running = machine.status.running;
  // Snapshots live outside the storage folder: they stay unless this box is ticked (the backend's default too).
  const [snapshots, setSnapshots] = useState<SnapshotView[]>([]);
  const [deleteSnapshots, setDeleteSnapshots] = useState(false);
  useEffect(() => {
    porthole()
      .listSnapshots({ id: machine.id })
      .then(setSnapshots, () => setSnapshots([]));
  }, [machine.id]);

  const remove = async (withDisk: boolean): Promise<void> => {
    setError(null);
    setStep({ at: 'deleting', deleteDisk: withDisk });
    try {
      await porthole().deleteMachine({
        id: machine.id,
        deleteDisk: withDisk,
        ...(deleteSnapshots ? { deleteSnapshots: true } : {}),
      });
      onDeleted();
    } catch (e) {
      setError(`${errorText(e)} The machine was not deleted.`);
      setStep({ at: 'choose' });
    }
  };

  const measure = async (): Promise<void> => {
    setError(null);
    setStep({ at: 'measuring' });
    try {
      const plan = await porthole().storageUsage({ id: machine.id });
      setStep({ at: 'confirm', plan });
    } catch (e) {
      setError(`Porthole could not measure what the disk holds: ${errorText(e)} Nothing was deleted.`);
      setStep({ at: 'choose' });
    }
  };

  const working =
    step.at === 'deleting' ? (
      <p className="muted" role="status">
        {running ? 'Shutting Windows down, then deleting…' : 'Deleting…'}
      </p>
    ) : step.at === 'measuring' ? (
      <p className="muted" role="status">
        Measuring the disk…
      </p>
    ) : null;
  const failure = error ? (
    <div className="failure" role="alert">
      {error}
    </div>
  ) : null;

  if (step.at === 'confirm' || (step.at === 'deleting' && step.deleteDisk)) {
    const plan = step.at === 'confirm' ? step.plan : null;
    const refused = plan?.kind === 'refused';
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
            <button
              type="button"
              className="ghost"
              data-autofocus
              onClick={() => setStep({ at: 'choose' })}
              disabled={busy}
            >
              Back
            </button>
            {refused ? null : (
              <button type="button" className="danger" onClick={() => void remove(true)} disabled={busy || !plan}>
                {plan?.kind === 'missing' ? 'Delete machine' : 'Delete machine and disk'}
              </button>
            )}
          </>
        }
      >
        {plan ? <PlanText plan={plan} /> : null}
        {snapshots.length > 0 ? (
          <p data-testid="delete-snapshots-note">
            {deleteSnapshots
              ? `Its ${snapshots.length === 1 ? 'snapshot is' : `${snapshots.length} snapshots are`} deleted too.`
              : `Its ${snapshots.length === 1 ? 'snapshot is' : `${snapshots.length} snapshots are`} kept (they are not in the storage folder).`}
          </p>
        ) : null}
        {running ? <p>The machine is running: Porthole shuts Windows down first.</p> : null}
        {working}
        {failure}
      </Dialog>
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
            <button type="button" className="danger" onClick={() => void measure()} disabled={busy}>
              Continue…
            </button>
          ) : (
            <button type="button" className="danger" onClick={() => void remove(false)} disabled={busy}>
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
      <div className="delete-choices" role="radiogroup" aria-label="The Windows disk">
        <label className="choice">
          <input
            type="radio"
            name="delete-disk"
            checked={!deleteDisk}
            onChange={() => setDeleteDisk(false)}
            data-autofocus
          />
          <span className="choice-text">
            <span className="choice-title">Keep the disk</span>
            <span className="choice-note">
              The folder <code>{machine.storageDir}</code> stays, with Windows and its files in it.
            </span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="delete-disk" checked={deleteDisk} onChange={() => setDeleteDisk(true)} />
          <span className="choice-text">
            <span className="choice-title">Delete the disk too</span>
            <span className="choice-note">Porthole shows what the folder holds and asks once more.</span>
          </span>
        </label>
      </div>
      {snapshots.length > 0 ? (
        <label className="choice" data-testid="delete-snapshots">
          <input type="checkbox" checked={deleteSnapshots} onChange={(e) => setDeleteSnapshots(e.target.checked)} />
          <span className="choice-text">
            <span className="choice-title">
              Also delete its {snapshots.length === 1 ? 'snapshot' : `${snapshots.length} snapshots`} (
              {formatBytes(snapshots.reduce((n, s) => n + s.allocatedBytes, 0))})
            </span>
            <span className="choice-note">
              Otherwise they are kept in <code>{snapshots[0]!.path.replace(/\/[^/]+$/, '')}</code>, whatever happens to
              the disk.
            </span>
          </span>
        </label>
      ) : null}
      {working}
      {failure}
    </Dialog>
  );
}

function Size({ plan }: { plan: DeletePlan }) {
  return (
    <>
      <strong data-testid="delete-size">{formatBytes(plan.allocatedBytes)}</strong> on disk
      {plan.apparentBytes !== plan.allocatedBytes ? ` (its files claim ${formatBytes(plan.apparentBytes)})` : ''}
    </>
  );
}

/** The plan in words: what goes, what stays. */
function PlanText({ plan }: { plan: DeletePlan }) {
  const lost = ' Windows, its programs and every file saved inside it are lost and cannot be recovered.';
  switch (plan.kind) {
    case 'folder':
      return (
        <p data-testid="delete-plan">
          This deletes the folder <code>{plan.path}</code> and everything in it: <Size plan={plan} />.{lost}
        </p>
      );
    case 'files':
      return (
        <div data-testid="delete-plan">
          <p>
            The folder <code>{plan.path}</code> was not made by Porthole for this machine, so only the Windows disk
            files in it are deleted: <Size plan={plan} />.{plan.remove.length > 0 ? lost : ''}
          </p>
          <p>
            Deleted:{' '}
            {plan.remove.length > 0
              ? plan.remove.map((name, i) => (
                  <span key={name}>
                    {i > 0 ? ', ' : ''}
                    <code>{name}</code>
                  </span>
                ))
              : 'nothing (there are no disk files)'}
            .
          </p>
          <p>
            Kept: the folder
            {plan.keep.map((name) => (
              <span key={name}>
                , <code>{name}</code>
              </span>
            ))}
            .
          </p>
        </div>
      );
    case 'missing':
      return (
        <p data-testid="delete-plan">
          The folder <code>{plan.path}</code> does not exist: there is no disk to delete. Only the machine leaves
          Porthole.
        </p>
      );
    case 'refused':
      return (
        <div className="failure" role="alert" data-testid="delete-plan">
          {plan.reason} Porthole deletes nothing there: go back and keep the disk, then remove the files you no longer
          need by hand.
        </div>
      );
  }
}
