import { useId } from 'react';
import { canShowScreen, phaseLabels, versionName, type MachineView } from '@porthole/api';
import { navigate } from '../app/hash-route';
import { phaseTone, progressText } from './phase-words';
import { MachineActions } from './MachineActions';
import { TilePicture } from './TilePicture';
import { machineRoute } from './names';

/** Windows 11 · 4 GB RAM · 2 CPU · 64 GB disk: the machine in one line. */
export function machineFacts(machine: MachineView): string {
  return `${machine.customIso ? 'Custom ISO' : versionName(machine.version)} · ${machine.ramGiB} GB RAM · ${machine.cpuCores} CPU · ${machine.diskGiB} GB disk${machine.kvm ? '' : ' · software emulation'}`;
}

/** The phase as a chip: its words, coloured by how it goes. */
export function PhaseChip({ machine }: { machine: MachineView }) {
  const { phase } = machine.status;
  return (
    <span className={`phase phase-${phaseTone(phase)}`} data-testid="phase">
      {phaseLabels[phase]}
    </span>
  );
}

/** Download, installation or shutdown progress as a progress bar screen readers can read. */
export function MachineProgress({ machine }: { machine: MachineView }) {
  const { status } = machine;
  const fraction =
    status.progress?.fraction ?? (status.shutdown ? status.shutdown.step / status.shutdown.of : undefined);
  const detail = progressText(status);
  if (fraction === undefined && !detail) return null;
  const percent = fraction === undefined ? undefined : Math.round(fraction * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={`${machine.name}: ${phaseLabels[status.phase]}`}
      aria-valuemin={0}
      aria-valuemax={100}
      {...(percent === undefined ? {} : { 'aria-valuenow': percent })}
      {...(detail ? { 'aria-valuetext': detail } : {})}
    >
      <div className="progress-bar" style={{ width: `${percent ?? 0}%` }} />
      {detail ? (
        <span className="progress-text" aria-hidden="true">
          {detail}
        </span>
      ) : null}
    </div>
  );
}

/** What went wrong, in words, and a link to the line of the log that says so. */
export function FailureNote({ machine }: { machine: MachineView }) {
  const { failure } = machine.status;
  if (!failure) return null;
  return (
    <div className="failure" role="alert" data-testid="failure">
      <strong>{failure.cause}</strong>
      <p>{failure.remedy}</p>
      {failure.logLine ? <a href={`#${machineRoute(machine.id, 'logs', 'cause')}`}>Show the cause in the log</a> : null}
    </div>
  );
}

/**
 * A machine on the list, built around its picture (as GNOME Boxes does): the live screen, or the last
 * frame dimmed once stopped; a click on it opens the screen. Below: the name once, a state chip, one
 * line of facts, and one primary action beside a menu for the rest (MachineActions).
 */
export function MachineCard({ machine, onOpenScreen }: { machine: MachineView; onOpenScreen: (id: string) => void }) {
  const { status } = machine;
  const nameId = useId();
  return (
    <article
      className="machine-card tile"
      aria-labelledby={nameId}
      data-testid={`machine-${machine.id}`}
      data-phase={status.phase}
    >
      <TilePicture
        machine={machine}
        onOpen={() =>
          canShowScreen(status) ? onOpenScreen(machine.id) : navigate(machineRoute(machine.id, 'overview'))
        }
      />
      <div className="tile-body">
        <header className="tile-head">
          <h2 id={nameId}>{machine.name}</h2>
          <PhaseChip machine={machine} />
        </header>
        <p className="machine-meta" title={machineFacts(machine)}>
          {machineFacts(machine)}
        </p>
        <MachineStatusNotes machine={machine} />
        <footer>
          <MachineActions machine={machine} onOpenScreen={onOpenScreen} where="tile" />
        </footer>
      </div>
    </article>
  );
}

/** How the machine goes, in words: its status message, its progress, the warnings it was made with and a failure's cause. */
export function MachineStatusNotes({ machine }: { machine: MachineView }) {
  const { status } = machine;
  return (
    <>
      {status.message && status.phase !== 'stopped' && status.phase !== 'failed' ? (
        <p className="machine-message" data-testid="message">
          {status.message}
        </p>
      ) : null}
      <MachineProgress machine={machine} />
      {machine.warnings?.map((w) => (
        <p key={w} className="notice" role="status" data-testid="machine-warning">
          {w}
        </p>
      ))}
      <FailureNote machine={machine} />
    </>
  );
}
