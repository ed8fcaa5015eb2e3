import { useState } from 'react';
import { phaseLabels, versionName, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { useAction } from '../app/use-action';
import { WorkNotes } from '../ui/WorkNotes';
import { navigate } from '../app/hooks';
import { FailureFix } from './FailureFix';
import { PasswordReveal } from './PasswordReveal';
import { Sparkline } from '../stats/Sparkline';
import { Thumbnail } from '../screen/Thumbnail';
import { phaseTone, progressText } from './phase';
import { StartStopButtons } from '../machine-page/PowerButtons';

export function MachineCard({ machine, onOpenScreen }: { machine: MachineView; onOpenScreen: (id: string) => void }) {
  const { status } = machine;
  const { busy, error, run } = useAction();
  const [confirmForce, setConfirmForce] = useState(false);
  const api = porthole();
  const fraction = status.progress?.fraction ?? (status.shutdown ? status.shutdown.step / status.shutdown.of : undefined);
  const detail = progressText(status);
  return (
    <article className="machine-card" data-testid={`machine-${machine.id}`} data-phase={status.phase}>
      <header>
        <div className="machine-title">
          <h2>{machine.name}</h2>
          <span className="machine-meta">
            {machine.customIso ? 'Custom ISO' : versionName(machine.version)} · {machine.ramGiB} GB RAM · {machine.cpuCores} CPU ·{' '}
            {machine.diskGiB} GB disk{machine.kvm ? '' : ' · software emulation'}
          </span>
        </div>
        <span className={`phase phase-${phaseTone(status.phase)}`} data-testid="phase">
          {phaseLabels[status.phase]}
        </span>
      </header>
      {status.message && status.phase !== 'stopped' && status.phase !== 'failed' ? (
        <p className="machine-message" data-testid="message">
          {status.message}
        </p>
      ) : null}
      {machine.warnings?.map((w) => (
        <p key={w} className="notice" role="status" data-testid="machine-warning">
          {w}
        </p>
      ))}
      <PasswordReveal id={machine.id} username={machine.username} />
      {status.running ? <Sparkline id={machine.id} running={status.running} /> : null}
      {status.running && status.screenReady ? <Thumbnail id={machine.id} /> : null}
      {fraction !== undefined || detail ? (
        <div className="progress" aria-label="progress">
          <div className="progress-bar" style={{ width: `${Math.round((fraction ?? 0) * 100)}%` }} />
          {detail ? <span className="progress-text">{detail}</span> : null}
        </div>
      ) : null}
      {status.failure ? (
        <div className="failure" role="alert" data-testid="failure">
          <strong>{status.failure.cause}</strong>
          <p>{status.failure.remedy}</p>
          {status.failure.logLine ? <code>{status.failure.logLine}</code> : null}
          <FailureFix machine={machine} />
          {status.failure.logLine ? (
            <button className="link" onClick={() => navigate(`/machines/${machine.id}/logs/cause`)}>
              Show the cause in the log
            </button>
          ) : null}
        </div>
      ) : null}
      <WorkNotes error={error} />
      {confirmForce && status.running ? (
        <div className="failure" role="alertdialog" aria-label="Force off">
          <strong>Force {machine.name} off?</strong>
          <p>Windows gets no chance to shut down: unsaved work is lost, and Windows may check its disk at the next start.</p>
          <div className="confirm-actions">
            <button onClick={() => setConfirmForce(false)}>Cancel</button>
            <button
              className="danger"
              onClick={() => {
                setConfirmForce(false);
                run(() => api.forceStopMachine({ id: machine.id }));
              }}
            >
              Force off now
            </button>
          </div>
        </div>
      ) : null}
      <footer>
        <StartStopButtons machine={machine} busy={busy} run={run} stopLabel="Stop" />
        {status.running ? (
          <button disabled={busy || status.phase === 'stopping'} onClick={() => run(() => api.restartMachine({ id: machine.id }))}>
            Restart
          </button>
        ) : null}
        {status.running && !confirmForce ? (
          <button className="ghost" onClick={() => setConfirmForce(true)}>
            Force off
          </button>
        ) : null}
        <button disabled={!status.running} onClick={() => onOpenScreen(machine.id)}>
          Show screen
        </button>
        <button className="ghost" onClick={() => navigate(`/machine/${machine.id}`)}>
          Settings
        </button>
        <button className="ghost" onClick={() => navigate(`/apps/${machine.id}`)}>
          Windows apps
        </button>
        <button className="ghost" onClick={() => navigate(`/machines/${machine.id}`)}>
          Details and logs
        </button>
      </footer>
    </article>
  );
}
