import { useEffect, useState } from 'react';
import { onBackendConnection } from '../api/porthole';
import { MachineList } from '../machines/MachineList';
import { HostChecklist } from '../check/HostChecklist';
import { NewMachine } from '../machines/NewMachine';
import { ScreenRoute } from '../machines/ScreenRoute';
import { navigate, useEngineStatus, useHostReport, useMachines, useRoute } from './hooks';

export function App() {
  const route = useRoute();
  const { machines, loaded, error } = useMachines();
  const engine = useEngineStatus();
  const { report, recheck, checking } = useHostReport();
  const [backendLost, setBackendLost] = useState(false);
  useEffect(() => onBackendConnection((connected) => setBackendLost(!connected)), []);

  const [page, id] = route;
  if (page === 'screen' && id) {
    const machine = machines.find((m) => m.id === id);
    return <ScreenRoute machine={machine ?? null} loaded={loaded} />;
  }

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          <span className="brand-mark" aria-hidden="true" />
          Porthole
        </a>
        <nav>
          <button className="ghost" onClick={() => navigate('/check')}>
            Check this computer
          </button>
          <button className="primary" onClick={() => navigate('/new')}>
            New machine
          </button>
        </nav>
      </header>
      {backendLost ? (
        <div className="banner banner-bad" role="alert">
          The connection to Porthole was lost. Reconnecting…
        </div>
      ) : null}
      {engine && !engine.connected ? (
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
      <main>
        {page === 'new' ? (
          <NewMachine host={report} />
        ) : page === 'check' ? (
          <HostChecklist report={report} onRecheck={recheck} checking={checking} />
        ) : (
          <MachineList machines={machines} loaded={loaded} onOpenScreen={(mid) => navigate(`/screen/${mid}`)} />
        )}
      </main>
    </div>
  );
}
