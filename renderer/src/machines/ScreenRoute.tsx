import { useEffect, useRef } from 'react';
import { phaseLabels, type MachineView } from '@porthole/api';
import { desktopBridge } from '../api/desktop';
import { navigate } from '../app/hash-route';
import { DropZone } from '../drop';
import { Screen } from '../screen';
import { RemoteDesktopNotice } from '../screen/RemoteDesktopNotice';
import { announceScreen } from '../screen/screen-presence';
import { ScreenHeader } from './ScreenHeader';
import { useRemoteDesktop } from './use-remote-desktop';
import { useScreenEndpoint } from './use-screen-endpoint';

/** `#/screen/<id>`: one machine's screen, filling the window (its own window in Electron). */
export function ScreenRoute({ machine, loaded }: { machine: MachineView | null; loaded: boolean }) {
  const id = machine?.id;
  // The endpoint follows the machine's web port (re-chosen at start if it was taken).
  const { endpoint, audio, via, requestEndpoint } = useScreenEndpoint(id, machine?.ports.web);
  const remoteDesktop = useRemoteDesktop(id);
  const pageRef = useRef<HTMLDivElement>(null);
  // This screen holds the machine's connection: thumbnails in other pages show its frames instead of their own.
  useEffect(() => {
    if (!id || endpoint === null) return;
    return announceScreen(
      id,
      () => pageRef.current?.querySelector<HTMLCanvasElement>('[data-testid="screen-canvas"] canvas') ?? null,
    );
  }, [id, endpoint]);

  useEffect(() => {
    document.title = machine ? `${machine.name} — ${phaseLabels[machine.status.phase]}` : 'Porthole';
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
  // In the desktop app the screen has its own window: the page opens in the main one, the screen stays.
  const openMachinePage = (machineId: string): void => {
    if (desktop) void desktop.openMachinePage(machineId);
    else navigate(`/machines/${machineId}`);
  };
  return (
    <DropZone machineId={machine.id}>
      <div className="screen-page" ref={pageRef}>
        <ScreenHeader machine={machine} via={via} desktop={desktop} onOpenMachinePage={openMachinePage} />
        {remoteDesktop.notice ? (
          <RemoteDesktopNotice message={remoteDesktop.notice} onDismiss={remoteDesktop.dismiss} />
        ) : null}
        <Screen
          machineName={machine.name}
          status={machine.status}
          endpointUrl={endpoint}
          audioUrl={audio}
          machineId={machine.id}
          onRequestEndpoint={requestEndpoint}
          onOpenRemoteDesktop={remoteDesktop.open}
          readClipboard={desktop ? desktop.readClipboard : () => navigator.clipboard.readText()}
          writeClipboard={desktop ? desktop.writeClipboard : (text) => navigator.clipboard.writeText(text)}
          {...(desktop
            ? {
                onScreenshot: (png: Blob) => {
                  void png
                    .arrayBuffer()
                    .then((buf) => desktop.saveScreenshot(new Uint8Array(buf), `${machine.name}.png`));
                },
              }
            : {})}
          exposeForTests={sessionStorage.getItem('porthole.testHooks') === '1'}
        />
      </div>
    </DropZone>
  );
}
