import { canStart, canStop, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { useAction } from '../app/use-action';
import { WorkNotes } from '../ui/WorkNotes';

/**
 * Start and stop by the one phase module's rules (`canStart`/`canStop`), for a caller that owns the
 * action's busy state and error: the card (beside its other buttons) and the machine page's header.
 */
export function StartStopButtons({
  machine,
  busy,
  run,
  stopLabel,
}: {
  machine: MachineView;
  busy: boolean;
  run: (op: () => Promise<unknown>) => void;
  stopLabel: string;
}) {
  const { status } = machine;
  const api = porthole();
  return (
    <>
      {canStart(status) ? (
        <button className="primary" disabled={busy} onClick={() => run(() => api.startMachine({ id: machine.id }))}>
          Start
        </button>
      ) : null}
      {canStop(status) ? (
        <button
          disabled={busy || status.phase === 'stopping'}
          onClick={() => run(() => api.stopMachine({ id: machine.id }))}
        >
          {stopLabel}
        </button>
      ) : null}
    </>
  );
}

/**
 * Start and Shut down in the machine page's header, so every tab can change the machine's state
 * (snapshots want it stopped; graphs and logs want it running) without going back to Overview.
 */
export function PowerButtons({ machine }: { machine: MachineView }) {
  const { busy, error, run } = useAction();
  return (
    <span className="power-buttons">
      <StartStopButtons machine={machine} busy={busy} run={run} stopLabel="Shut down" />
      <WorkNotes error={error} />
    </span>
  );
}
