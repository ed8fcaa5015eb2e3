import type { MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { useAction } from '../app/use-action';
import { FailureFix } from '../machines/FailureFix';
import { EMULATION_CONSENT } from '../machines/emulation-consent';

/**
 * The fix the backend offers for the failure an apply ran into, as one button. For software emulation the
 * button's label is the consent itself: pressing it is agreeing to run about ten times slower.
 */
export function ApplyFailureFix({ machine }: { machine: MachineView }) {
  const { busy, error, run } = useAction();
  if (machine.status.failure?.fix !== 'software-emulation' || !machine.kvm) return <FailureFix machine={machine} />;
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => run(() => porthole().fixMachine({ id: machine.id, fix: 'software-emulation' }))}
      >
        {EMULATION_CONSENT}, and start
      </button>
      {error ? <span role="alert">{error}</span> : null}
    </>
  );
}
