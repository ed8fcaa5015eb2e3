import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { HostReport } from '@porthole/api';
import { onBackendConnection } from '../api/porthole';
import { desktopBridge } from '../api/desktop';
import { useFirstRunGate } from '../check/first-run';
import { DropZone } from '../drop';
import { navigate, useRoute } from './hash-route';
import { useEngineStatus, useHostReport, useMachines } from './live-state';
import { PhaseAnnouncer } from './PhaseAnnouncer';
import { TopBar } from './TopBar';
import { AppBanners } from './AppBanners';
import { MainRoute } from './MainRoute';

// The screen (noVNC and its decoders, most of the renderer's JavaScript) loads when a screen opens:
// the machine list's first load goes without it.
const ScreenRoute = lazy(async () => ({ default: (await import('../machines/ScreenRoute')).ScreenRoute }));

/** In the desktop app each machine's screen is a native window of its own; in a browser, a route. */
function openScreen(id: string): void {
  const desktop = desktopBridge();
  if (desktop) void desktop.openScreenWindow(id);
  else navigate(`/screen/${id}`);
}

/** The remote engine's computer, as a person names it; none for an engine on this computer. */
function remoteEngineHost(report: HostReport | null): string | undefined {
  const facts = report?.facts;
  if (!facts?.engine?.flavor?.startsWith('remote-')) return undefined;
  return facts.engineHost ?? 'the engine’s computer';
}

export function App() {
  const route = useRoute();
  const { machines, loaded, error } = useMachines();
  const engine = useEngineStatus();
  const host = useHostReport();
  // First run opens on the checklist (the rule: check/first-run.ts); the list waits while that is decided.
  const gate = useFirstRunGate(host.report, loaded ? machines.length : null);
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

  return (
    <DropZone machineId={page === 'machines' ? id : undefined} engineHost={remoteEngineHost(host.report)}>
      <div className="app">
        <TopBar importPick={importPick} />
        <AppBanners
          page={page}
          backendLost={backendLost}
          gatePending={gate.pending}
          report={host.report}
          engine={engine}
          loaded={loaded}
          machineCount={machines.length}
          error={error}
        />
        <PhaseAnnouncer machines={machines} />
        <main>
          <MainRoute
            route={route}
            machines={machines}
            loaded={loaded}
            host={host}
            gate={gate}
            onOpenScreen={openScreen}
          />
        </main>
      </div>
    </DropZone>
  );
}
