import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import iconUrl from '../../../resources/icon.svg';
import { onBackendConnection } from '../api/porthole';
import { desktopBridge } from '../api/desktop';
import { MachineList } from '../machines/MachineList';
import { HostChecklist } from '../check/HostChecklist';
import { HostBanner } from '../check/HostBanner';
import { continueToMachines, useFirstRunGate } from '../check/first-run';
import { engineFails } from '../check/report';
import { DropZone } from '../drop';
import { Wizard } from '../wizard/Wizard';
import { navigate, useEngineStatus, useHostReport, useMachines, useRoute } from './hooks';
import { ImportCompose } from '../machines/ImportCompose';
import { MachinePage } from '../machine-page/MachinePage';
import { AdoptionBanner } from '../machine-page/AdoptionBanner';
import { AppLogPanel } from '../machine-page/AppLogPanel';
import { MenuButton } from '../ui/Menu';
import { PhaseAnnouncer } from './PhaseAnnouncer';

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
  const importPick = useRef<(() => void) | null>(null);
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
    <DropZone machineId={page === 'machines' ? id : undefined}>
      <div className="app">
        <header className="topbar">
          <a className="brand" href="#/">
            <img className="brand-mark" src={iconUrl} alt="" aria-hidden="true" />
            Porthole
          </a>
          <nav aria-label="Porthole">
            <button className="primary" onClick={() => navigate('/new')}>
              New machine
            </button>
            <MenuButton
              label="Main menu"
              className="ghost icon"
              testId="main-menu"
              items={[
                { label: 'Check this computer', onSelect: () => navigate('/check') },
                { label: 'Import a dockur compose file…', onSelect: () => importPick.current?.() },
                { label: 'Porthole log', onSelect: () => navigate('/app-log') },
              ]}
            >
              <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" fill="currentColor">
                <rect x="2" y="3" width="12" height="1.6" rx="0.8" />
                <rect x="2" y="7.2" width="12" height="1.6" rx="0.8" />
                <rect x="2" y="11.4" width="12" height="1.6" rx="0.8" />
              </svg>
            </MenuButton>
            <ImportCompose pickRef={importPick} />
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
        <PhaseAnnouncer machines={machines} />
        <main>
          {page === 'new' ? (
            <Wizard machines={machines} />
          ) : page === 'machines' && id ? (
            <MachinePage
              machine={machines.find((m) => m.id === id) ?? null}
              machines={machines}
              loaded={loaded}
              tab={route[2]}
              detail={route[3]}
              onOpenScreen={openScreen}
            />
          ) : page === 'app-log' ? (
            <AppLogPanel />
          ) : page === 'check' ? (
            <HostChecklist
              report={report}
              onRecheck={recheck}
              checking={checking}
              onContinue={continueToMachines}
              firstRun={gate.firstRun}
            />
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
