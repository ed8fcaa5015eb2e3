import { lazy, Suspense, useEffect, useState } from 'react';
import iconUrl from '../../../resources/icon.svg';
import { onBackendConnection } from '../api/porthole';
import { desktopBridge } from '../api/desktop';
import { MachineList } from '../machines/MachineList';
import { HostChecklist } from '../check/HostChecklist';
import { HostBanner } from '../check/HostBanner';
import { continueToMachines, useFirstRunGate } from '../check/first-run';
import { engineFails } from '../check/report';
import { DropZone } from '../drop';
import { MachineSettingsPage } from '../settings/MachineSettingsPage';
import { Wizard } from '../wizard/Wizard';
import { navigate, useEngineStatus, useHostReport, useMachines, useRoute } from './hooks';
import { ImportCompose } from '../machines/ImportCompose';
import { AppsPage } from '../apps/AppsPage';
import { MachinePage } from '../machine-page/MachinePage';
import { AdoptionBanner } from '../machine-page/AdoptionBanner';
import { AppLogPanel } from '../machine-page/AppLogPanel';

// The screen (noVNC and its decoders, most of the renderer's JavaScript) loads when a screen opens:
// the machine list's first load goes without it.
const ScreenRoute = lazy(async () => ({ default: (await import('../machines/ScreenRoute')).ScreenRoute }));

/** In the desktop app each machine's screen is a native window of its own; in a browser, a route. */
function openScreen(id: string): void {
  const desktop = desktopBridge();
  if (desktop) void desktop.openScreenWindow(id);
  else navigate(`/screen/${id}`);
}

export function App() {
  const route = useRoute();
  const { machines, loaded, error } = useMachines();
  const engine = useEngineStatus();
  const { report, recheck, checking } = useHostReport();
  // First run opens on the checklist (the rule: check/first-run.ts); the list waits while that is decided.
  const gate = useFirstRunGate(report, loaded ? machines.length : null);
  const [backendLost, setBackendLost] = useState(false);
  useEffect(() => onBackendConnection((connected) => setBackendLost(!connected)), []);

  const [page, id] = route;
  if (page === 'screen' && id) {
    const machine = machines.find((m) => m.id === id);
    return (
      <Suspense fallback={<p className="muted">Opening the screen…</p>}>
        <ScreenRoute machine={machine ?? null} loaded={loaded} />
      </Suspense>
    );
  }
  // The machine list is `#/`. When the host report explains a failing engine (on the list's banner or the
  // checklist), the bare "engine not answering" banner would only repeat it.
  const onList = page === undefined;

  return (
    <DropZone machineId={page === 'machine' ? id : undefined}>
    <div className="app">
      <header className="topbar">
        <a className="brand" href="#/">
          <img className="brand-mark" src={iconUrl} alt="" aria-hidden="true" />
          Porthole
        </a>
        <nav>
          <button className="ghost" onClick={() => navigate('/check')}>
            Check this computer
          </button>
          <ImportCompose />
          <button className="ghost" onClick={() => navigate('/app-log')}>
            Porthole log
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
      {onList && !gate.pending ? <HostBanner report={report} /> : null}
      {onList && !gate.pending && loaded ? <AdoptionBanner machineCount={machines.length} /> : null}
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
      <main>
        {page === 'new' ? (
          <Wizard machines={machines} />
        ) : page === 'machine' && id ? (
          <MachineSettingsPage machine={machines.find((m) => m.id === id) ?? null} loaded={loaded} machines={machines} />
        ) : page === 'apps' && id ? (
          <AppsPage machine={machines.find((m) => m.id === id) ?? null} loaded={loaded} />
        ) : page === 'machines' && id ? (
          <MachinePage machine={machines.find((m) => m.id === id) ?? null} loaded={loaded} tab={route[2]} detail={route[3]} onOpenScreen={openScreen} />
        ) : page === 'app-log' ? (
          <AppLogPanel />
        ) : page === 'check' ? (
          <HostChecklist report={report} onRecheck={recheck} checking={checking} onContinue={continueToMachines} firstRun={gate.firstRun} />
        ) : onList && gate.pending ? (
          <p className="muted">Checking this computer…</p>
        ) : (
          <MachineList machines={machines} loaded={loaded} onOpenScreen={openScreen} />
        )}
      </main>
    </div>
    </DropZone>
  );
}
