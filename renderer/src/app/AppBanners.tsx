import type { EngineStatus, HostReport } from '@porthole/api';
import { HostBanner } from '../check/HostBanner';
import { engineFails } from '../check/report';
import { AdoptionBanner } from '../machine-page/AdoptionBanner';
import { navigate } from './hash-route';

/** The banners under the top bar: a lost backend, the host's and adoption's news, a silent engine, a failed load. */
export function AppBanners({
  page,
  backendLost,
  gatePending,
  report,
  engine,
  loaded,
  machineCount,
  error,
}: {
  page: string | undefined;
  backendLost: boolean;
  gatePending: boolean;
  report: HostReport | null;
  engine: EngineStatus | null;
  loaded: boolean;
  machineCount: number;
  error: string | null;
}) {
  // The machine list is `#/`. When the host report explains a failing engine (on the list's banner or the
  // checklist), the bare "engine not answering" banner would only repeat it.
  const onList = page === undefined;
  return (
    <>
      {backendLost ? (
        <div className="banner banner-bad" role="alert">
          The connection to Porthole was lost. Reconnecting…
        </div>
      ) : null}
      {onList && !gatePending ? <HostBanner report={report} /> : null}
      {onList && !gatePending && loaded ? <AdoptionBanner machineCount={machineCount} /> : null}
      {engine && !engine.connected && !(engineFails(report) && (onList || page === 'check')) ? (
        <div className="banner banner-bad" role="alert" data-testid="engine-banner">
          {engine.message ?? 'The container engine is not answering.'}{' '}
          <button className="link" onClick={() => navigate('/check')}>
            What to do
          </button>
        </div>
      ) : null}
      {error ? (
        <div className="banner banner-bad" role="alert">
          {error}
        </div>
      ) : null}
    </>
  );
}
