import { Dialog } from '../ui/Dialog';

/** Force a running machine off, after saying what that costs. */
export function ForceOffDialog({
  name,
  onCancel,
  onForceOff,
}: {
  name: string;
  onCancel: () => void;
  onForceOff: () => void;
}) {
  return (
    <Dialog
      title={`Force ${name} off?`}
      tone="danger"
      onClose={onCancel}
      actions={
        <>
          <button onClick={onCancel}>Cancel</button>
          <button className="danger" onClick={onForceOff}>
            Force off now
          </button>
        </>
      }
    >
      <p>
        Windows gets no chance to shut down: unsaved work is lost, and Windows may check its disk at the next start.
      </p>
    </Dialog>
  );
}
