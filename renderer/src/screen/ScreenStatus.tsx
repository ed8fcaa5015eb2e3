import type { MachinePhase, MachineStatus } from '@porthole/api';
import type { ConnectionSnapshot } from './screen-connection';
import { formatBytes } from '@porthole/api/bytes';

/** What the machine is doing while there is no screen to show, in a sentence's words. */
const phaseHeading: Record<MachinePhase, string> = {
  absent: 'Not created yet',
  pulling: 'Downloading the Windows container image',
  created: 'Not started',
  preparing: 'Preparing Windows',
  booting: 'Starting',
  installing: 'Installing Windows',
  'running-iso': 'Running from ISO',
  ready: 'Starting the screen',
  stopping: 'Shutting down',
  stopped: 'Stopped',
  failed: 'Failed',
  unknown: 'The container engine is not reachable',
};

function ProgressBar({ status }: { status: MachineStatus }) {
  const { progress, shutdown } = status;
  const fraction = progress?.fraction ?? (shutdown && shutdown.of > 0 ? shutdown.step / shutdown.of : undefined);
  let detail: string | null = null;
  if (shutdown) detail = `Waiting for Windows to shut down (${shutdown.step} of ${shutdown.of})`;
  else if (progress?.bytesTotal)
    detail = `${formatBytes(progress.bytesDone ?? 0)} of ${formatBytes(progress.bytesTotal)}`;
  else if (progress?.bytesDone) detail = `${formatBytes(progress.bytesDone)} so far`;
  else if (fraction !== undefined) detail = `${Math.round(fraction * 100)}%`;
  return (
    <div className="screen-progress">
      {/* Without a value <progress> is indeterminate: the phase is moving, its length unknown. */}
      <progress data-testid="screen-progress" max={1} value={fraction} aria-label={detail ?? 'In progress'} />
      {detail ? <span className="screen-progress-text">{detail}</span> : null}
    </div>
  );
}

function MachinePanel({
  machineName,
  status,
  endpointKnown,
}: {
  machineName: string;
  status: MachineStatus;
  endpointKnown: boolean;
}) {
  const { phase, failure } = status;
  if (phase === 'failed' || failure) {
    return (
      <div className="screen-panel screen-panel--failed" role="alert">
        <h2>{machineName} failed</h2>
        {failure ? (
          <>
            <p className="screen-cause">{failure.cause}</p>
            <p className="screen-remedy">{failure.remedy}</p>
            {failure.logLine ? <code className="screen-log-line">{failure.logLine}</code> : null}
            {failure.exitCode !== null ? <p className="screen-exit-code">Exit code {failure.exitCode}</p> : null}
          </>
        ) : (
          <p className="screen-cause">{status.message ?? 'The machine stopped with an error.'}</p>
        )}
      </div>
    );
  }
  if (phase === 'unknown') {
    return (
      <div className="screen-panel screen-panel--stopped" role="status">
        <h2>{phaseHeading.unknown}</h2>
        <p>{status.message}</p>
      </div>
    );
  }
  if (!status.running && phase !== 'pulling' && phase !== 'stopping') {
    const heading =
      phase === 'absent' || phase === 'created' ? `${machineName} has not started` : `${machineName} is stopped`;
    return (
      <div className="screen-panel screen-panel--stopped">
        <h2>{heading}</h2>
        <p>Start the machine to see its screen.</p>
      </div>
    );
  }
  const heading = status.screenReady && !endpointKnown ? 'Finding the screen' : phaseHeading[phase];
  const showProgress = status.progress !== undefined || status.shutdown !== undefined || !status.screenReady;
  return (
    <div className="screen-panel screen-panel--busy" aria-busy="true">
      <h2>
        {heading}
        <span aria-hidden="true">…</span>
      </h2>
      {status.message ? <p className="screen-message">{status.message}</p> : null}
      {showProgress ? <ProgressBar status={status} /> : null}
    </div>
  );
}

export interface ScreenStatusProps {
  machineName: string;
  status: MachineStatus;
  connection: ConnectionSnapshot;
  endpointKnown: boolean;
  onConnect(): void;
}

/** What stands in place of the screen while there is none: the machine's phase or the connection's trouble. */
export function ScreenStatus({ machineName, status, connection, endpointKnown, onConnect }: ScreenStatusProps) {
  switch (connection.state) {
    case 'connected':
      return null;
    case 'waiting':
      return <MachinePanel machineName={machineName} status={status} endpointKnown={endpointKnown} />;
    case 'connecting':
      return (
        <div className="screen-panel" aria-busy="true">
          <h2>Connecting to the screen…</h2>
        </div>
      );
    case 'reconnecting':
      return (
        <div className="screen-panel screen-panel--reconnecting" aria-busy="true" data-testid="screen-reconnecting">
          <h2>Reconnecting… (attempt {connection.attempt})</h2>
          {connection.error ? <p className="screen-cause">{connection.error}</p> : null}
          {connection.retryInMs !== null ? (
            <p className="screen-retry">Next try in {Math.max(1, Math.round(connection.retryInMs / 1000))} s.</p>
          ) : null}
        </div>
      );
    case 'disconnected':
      return (
        <div className="screen-panel screen-panel--disconnected">
          <h2>Disconnected from the screen</h2>
          {connection.error ? <p className="screen-cause">{connection.error}</p> : <p>Windows keeps running.</p>}
          <button type="button" className="screen-button screen-button--primary" onClick={onConnect}>
            Connect
          </button>
        </div>
      );
  }
}
