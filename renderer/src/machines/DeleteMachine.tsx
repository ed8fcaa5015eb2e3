import { useState } from 'react';
import type { MachineView } from '../../../app/api';
import { porthole } from '../api/porthole';
import { Dialog } from '../settings/ui/Dialog';
import { errorText } from '../settings/ui/errors';
import { formatSize } from '../settings/form/units';

interface Usage {
  path: string;
  allocatedBytes: number;
  apparentBytes: number;
}

type Step = { at: 'choose' } | { at: 'measuring' } | { at: 'confirm'; usage: Usage } | { at: 'deleting'; deleteDisk: boolean };

/**
 * Deleting a machine: keep its Windows disk (the default), or delete it too after a second
 * confirmation that names the folder and how much it holds (storageUsage).
 */
export function DeleteMachine({ machine, onClose, onDeleted }: { machine: MachineView; onClose: () => void; onDeleted: () => void }) {
  const [deleteDisk, setDeleteDisk] = useState(false);
  const [step, setStep] = useState<Step>({ at: 'choose' });
  const [error, setError] = useState<string | null>(null);
  const busy = step.at === 'measuring' || step.at === 'deleting';
  const running = machine.status.running;

  const remove = async (withDisk: boolean): Promise<void> => {
    setError(null);
    setStep({ at: 'deleting', deleteDisk: withDisk });
    try {
      await porthole().deleteMachine({ id: machine.id, deleteDisk: withDisk });
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
      const usage = await porthole().storageUsage({ id: machine.id });
      setStep({ at: 'confirm', usage });
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
    const usage = step.at === 'confirm' ? step.usage : null;
    return (
      <Dialog
        title={`Delete “${machine.name}” and its disk for good?`}
        tone="danger"
        onClose={busy ? undefined : onClose}
        testId="delete-dialog"
        actions={
          <>
            <button type="button" className="ghost" data-autofocus onClick={() => setStep({ at: 'choose' })} disabled={busy}>
              Back
            </button>
            <button type="button" className="danger" onClick={() => void remove(true)} disabled={busy || !usage}>
              Delete machine and disk
            </button>
          </>
        }
      >
        {usage ? (
          <p>
            This deletes the folder <code>{usage.path}</code> and everything in it:{' '}
            <strong data-testid="delete-size">{formatSize(usage.allocatedBytes)}</strong> on disk
            {usage.apparentBytes !== usage.allocatedBytes ? ` (its files claim ${formatSize(usage.apparentBytes)})` : ''}. Windows, its
            programs and every file saved inside it are lost and cannot be recovered.
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
      <p>The machine leaves Porthole{running ? ' (it is running: Porthole shuts Windows down first)' : ''}. What about its Windows disk?</p>
      <div className="delete-choices" role="radiogroup" aria-label="The Windows disk">
        <label className="choice">
          <input type="radio" name="delete-disk" checked={!deleteDisk} onChange={() => setDeleteDisk(false)} data-autofocus />
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
      {working}
      {failure}
    </Dialog>
  );
}
