import { canStart, canStop, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { useAction } from '../app/use-action';
import { WorkNotes } from '../ui/WorkNotes';

/**
 * Start and Shut down in the machine page's header, so every tab can change the machine's state
 * (snapshots want it stopped; graphs and logs want it running) without going back to Overview.
 * The rules are the card's: `canStart`/`canStop` from the one phase module.
 */
export function PowerButtons({ machine }: { machine: MachineView }) {
  const { busy, error, run } = useAction();
  const { status } = machine;
  const api = porthole();
  return (
    <span className="power-buttons">
      {canStart(status) ? (
        <button className="primary" disabled={busy} onClick={() => run(() => api.startMachine({ id: machine.id }))}>
          Start
        </button>
      ) : null}
      {canStop(status) ? (
        <button disabled={busy || status.phase === 'stopping'} onClick={() => run(() => api.stopMachine({ id: machine.id }))}>
          Shut down
        </button>
      ) : null}
      <WorkNotes error={error} />
    </span>
  );
}
