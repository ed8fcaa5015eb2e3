import { useCallback, useEffect, useState } from 'react';
import type { MachineView } from '../../../app/api';
import { porthole } from '../api/porthole';
import { desktopBridge } from '../api/desktop';
import { navigate } from '../app/hooks';
import { Screen } from '../screen';
import { phaseLabel } from './phase';

/** `#/screen/<id>`: one machine's screen, filling the window (its own window in Electron). */
export function ScreenRoute({ machine, loaded }: { machine: MachineView | null; loaded: boolean }) {
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const id = machine?.id;
  const webPort = machine?.ports.web;
  const requestEndpoint = useCallback(() => {
    if (!id) return;
    porthole()
      .screenEndpoint({ id })
      .then((r) => setEndpoint(r.url), () => setEndpoint(null));
  }, [id]);
  // The endpoint follows the machine's web port (re-chosen at start if it was taken).
  useEffect(requestEndpoint, [requestEndpoint, webPort]);

  useEffect(() => {
    document.title = machine ? `${machine.name} — ${phaseLabel[machine.status.phase]}` : 'Porthole';
  }, [machine]);

  if (!machine) {
    return (
      <div className="screen-page">
        <p className="muted">{loaded ? 'This machine does not exist (any more).' : 'Loading…'}</p>
        <button onClick={() => navigate('/')}>Back to machines</button>
      </div>
    );
  }
  const desktop = desktopBridge();
  return (
    <div className="screen-page">
      <header className="screen-header">
        <button className="ghost" onClick={() => navigate('/')} aria-label="Back to machines">
          ← Machines
        </button>
        <strong>{machine.name}</strong>
        <span className="muted">{phaseLabel[machine.status.phase]}</span>
      </header>
      <Screen
        machineName={machine.name}
        status={machine.status}
        endpointUrl={endpoint}
        onRequestEndpoint={requestEndpoint}
        readClipboard={desktop ? desktop.readClipboard : () => navigator.clipboard.readText()}
        writeClipboard={desktop ? desktop.writeClipboard : (text) => navigator.clipboard.writeText(text)}
        {...(desktop
          ? {
              onScreenshot: (png: Blob) => {
                void png.arrayBuffer().then((buf) => desktop.saveScreenshot(new Uint8Array(buf), `${machine.name}.png`));
              },
            }
          : {})}
        exposeForTests={sessionStorage.getItem('porthole.testHooks') === '1'}
      />
    </div>
  );
}
