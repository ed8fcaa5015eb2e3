import { useEffect } from 'react';
import { IsoCopyBar, isoCopyStatus } from '../machine-form/controls/CopyIsoToEngine';
import { useIsoCopy } from '../machine-form/controls/use-iso-copy';
import { Dialog } from '../ui/Dialog';

/**
 * A file of this computer dropped while the engine is remote: it is copied to the engine's computer (where
 * machines read their ISO) at once, with its progress and Cancel copy; then it is checked there as usual.
 */
export function CopyIsoDialog({
  path,
  host,
  onCopied,
  onClose,
}: {
  path: string;
  host: string;
  onCopied: (pathThere: string) => void;
  onClose: () => void;
}) {
  const { state, start, cancel } = useIsoCopy(onCopied);
  useEffect(() => start(path), [path, start]);
  const copying = state.step === 'copying';
  const stop = (): void => {
    if (copying) cancel();
    onClose();
  };
  return (
    <Dialog
      title={`Copying the ISO to ${host}`}
      onClose={stop}
      testId="drop-dialog"
      actions={
        <button data-autofocus onClick={stop}>
          {copying ? 'Cancel copy' : 'Close'}
        </button>
      }
    >
      <p>
        The engine runs machines on {host} and reads the ISO there, so <code>{path}</code> is copied there first.
      </p>
      {state.step === 'copying' ? <IsoCopyBar state={state} host={host} /> : null}
      <p role="status" aria-live="polite">
        {isoCopyStatus(state, host)}
      </p>
      {state.step === 'failed' ? (
        <p className="field-error" role="alert" data-testid="drop-error">
          {state.message}
        </p>
      ) : null}
    </Dialog>
  );
}
