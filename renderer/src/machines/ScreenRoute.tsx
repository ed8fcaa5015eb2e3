import { useCallback, useEffect, useRef, useState } from 'react';
import { phaseLabels, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { desktopBridge } from '../api/desktop';
import { navigate } from '../app/hooks';
import { DropZone } from '../drop';
import { Screen } from '../screen';
import { RemoteDesktopNotice } from '../screen/RemoteDesktopNotice';
import { announceScreen } from '../screen/screen-presence';

/** `#/screen/<id>`: one machine's screen, filling the window (its own window in Electron). */
export function ScreenRoute({ machine, loaded }: { machine: MachineView | null; loaded: boolean }) {
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [audio, setAudio] = useState<string | null>(null);
  // How the screen is reached when it is not plainly this computer's port (an ssh forward, another computer's loopback).
  const [via, setVia] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; commands: string[] } | null>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const id = machine?.id;
  const webPort = machine?.ports.web;
  const requestEndpoint = useCallback(() => {
    if (!id) return;
    porthole()
      .screenEndpoint({ id })
      .then(
        (r) => {
          setEndpoint(r.url);
          setAudio(r.audio ?? null);
          setVia(r.note ?? null);
        },
        () => {
          setEndpoint(null);
          setAudio(null);
        },
      );
  }, [id]);
  // The endpoint follows the machine's web port (re-chosen at start if it was taken).
  useEffect(requestEndpoint, [requestEndpoint, webPort]);
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
  const openRemoteDesktop = (): void => {
    setNotice(null);
    porthole()
      .openRemoteDesktop({ id: machine.id })
      .then(
        (r) =>
          setNotice(
            r.launched
              ? {
                  text: `Opened in ${r.client ?? 'Remote Desktop'}${r.note ? ` at ${r.address ?? ''}. ${r.note}` : '.'}`,
                  commands: [],
                }
              : // The fix's text already says that no client is installed: said once.
                { text: r.fix?.text ?? 'No Remote Desktop client is installed.', commands: r.fix?.commands ?? [] },
          ),
        (e: Error & { remedy?: string }) =>
          setNotice({ text: e.remedy ? `${e.message} ${e.remedy}` : e.message, commands: [] }),
      );
  };
  return (
    <DropZone machineId={machine.id}>
      <div className="screen-page" ref={pageRef}>
        <header className="screen-header">
          <button className="ghost" onClick={() => navigate('/')} aria-label="Back to machines">
            ← Machines
          </button>
          <strong>{machine.name}</strong>
          <span className="muted">{phaseLabels[machine.status.phase]}</span>
          {via ? (
            <span className="muted screen-via" data-testid="screen-via">
              {via}
            </span>
          ) : null}
          {/* The account Windows signs in with, and its password a click away (it lives on the machine page). */}
          <span className="muted screen-signin" data-testid="screen-signin">
            Sign in as {machine.username}
          </span>
          <button
            className="ghost"
            // The visible words first in the name (WCAG 2.5.3), then which machine's.
            aria-label={`${copied === 'yes' ? 'Password copied' : copied === 'failed' ? 'Copy failed' : 'Copy password'} (${machine.name})`}
            onClick={() => {
              porthole()
                .machinePassword({ id: machine.id })
                .then((r) => (desktop ? desktop.writeClipboard(r.password) : navigator.clipboard.writeText(r.password)))
                .then(
                  () => setCopied('yes'),
                  () => setCopied('failed'),
                );
            }}
          >
            {copied === 'yes' ? 'Password copied' : copied === 'failed' ? 'Copy failed' : 'Copy password'}
          </button>
          <button className="ghost" onClick={() => openMachinePage(machine.id)}>
            Details and logs
          </button>
        </header>
        {notice ? <RemoteDesktopNotice message={notice} onDismiss={() => setNotice(null)} /> : null}
        <Screen
          machineName={machine.name}
          status={machine.status}
          endpointUrl={endpoint}
          audioUrl={audio}
          machineId={machine.id}
          onRequestEndpoint={requestEndpoint}
          onOpenRemoteDesktop={openRemoteDesktop}
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
