import { canStart, canStop, phaseLabels, type MachineView } from '@porthole/api';
import { phaseTone } from '../machines/phase-words';

/** The machine's phase and its Start / Shut down: what the settings need of its power. */
export function SettingsHeader({
  machine,
  working,
  onPower,
}: {
  machine: MachineView;
  /** Something is being saved or applied: no power buttons meanwhile. */
  working: boolean;
  onPower: (op: 'start' | 'stop') => void;
}) {
  return (
    <header className="settings-header">
      <span
        className={`phase phase-${phaseTone(machine.status.phase)}`}
        data-testid="settings-phase"
        data-phase={machine.status.phase}
      >
        {phaseLabels[machine.status.phase]}
      </span>
      <span className="push-right" />
      {canStart(machine.status) ? (
        <button type="button" onClick={() => onPower('start')} disabled={working}>
          Start
        </button>
      ) : null}
      {canStop(machine.status) ? (
        <button type="button" onClick={() => onPower('stop')} disabled={working || machine.status.phase === 'stopping'}>
          Shut down
        </button>
      ) : null}
    </header>
  );
}
