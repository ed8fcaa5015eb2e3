import { Dialog } from '../ui/Dialog';
import { AskPathDialog } from './AskPathDialog';
import { BootFromIsoDialog } from './BootFromIsoDialog';
import { CopyIsoDialog } from './CopyIsoDialog';
import { NewMachineFromIsoDialog } from './NewMachineFromIsoDialog';
import type { DropFlow } from './use-iso-check';

/** The dialog for where a dropped file is on its way: checking, refused, its path asked for, or confirm. */
export function DropFlowDialogs({
  flow,
  machineId,
  onCheck,
  onCheckThere,
  onClose,
  onDone,
}: {
  flow: DropFlow;
  machineId: string | undefined;
  onCheck: (path: string) => void;
  onCheckThere: (path: string) => void;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  if (flow.step === 'checking') {
    return (
      <Dialog
        title="Checking the ISO…"
        onClose={onClose}
        testId="drop-dialog"
        actions={<button onClick={onClose}>Cancel</button>}
      >
        <p>
          Porthole is reading <code>{flow.path}</code>.
        </p>
      </Dialog>
    );
  }
  if (flow.step === 'refused') {
    return (
      <Dialog
        title="Porthole cannot use this as an ISO"
        onClose={onClose}
        testId="drop-dialog"
        actions={
          <button className="primary" onClick={onClose}>
            OK
          </button>
        }
      >
        <p data-testid="drop-error">{flow.message}</p>
        <p className="muted">Nothing was changed.</p>
      </Dialog>
    );
  }
  if (flow.step === 'copy')
    return <CopyIsoDialog path={flow.path} host={flow.host} onCopied={onCheckThere} onClose={onClose} />;
  if (flow.step === 'ask-path') return <AskPathDialog name={flow.name} onCheck={onCheck} onClose={onClose} />;
  if (flow.step === 'confirm') {
    return machineId ? (
      <BootFromIsoDialog machineId={machineId} path={flow.path} info={flow.info} onClose={onClose} onDone={onDone} />
    ) : (
      <NewMachineFromIsoDialog path={flow.path} info={flow.info} onClose={onClose} onDone={onDone} />
    );
  }
  return null;
}
