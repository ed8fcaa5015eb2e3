import { useEffect, useEffectEvent, useRef, useState, useSyncExternalStore } from 'react';
import { screenshotFileName, type MachineStatus } from '@porthole/api';
import { sendChord, typeText, type ChordName } from './chords';
import { useFullscreen } from './fullscreen';
import { ScreenConnection } from './screen-connection';
import { captureScreenshot, downloadBlob } from './screenshot';
import { ScreenStatus } from './ScreenStatus';
import { ScreenToolbar } from './ScreenToolbar';
import { describeTyping } from './typing-report';
import { viewOptionsFor, type ViewMode } from './view-mode';
import './screen.css';

export interface ScreenProps {
  /** The machine's name as the user gave it: headings and screenshot file names. */
  machineName: string;
  status: MachineStatus;
  /** The screen's websocket (ws://127.0.0.1:<port>/websockify), or null while unknown. */
  endpointUrl: string | null;
  /**
   * Called when the screen is ready but `endpointUrl` is null, and again after every third failed
   * reconnect (the port may have moved). The app answers by passing a new `endpointUrl`.
   */
  onRequestEndpoint?: () => void;
  /** Reads the host clipboard's text; without it there is no "Paste to Windows". */
  readClipboard?: () => Promise<string>;
  /** Writes text to the host clipboard; without it there is no "Copy from Windows". */
  writeClipboard?: (text: string) => Promise<void> | void;
  /** Receives screenshots as PNG; without it they are downloaded as files. */
  onScreenshot?: (png: Blob) => void;
  /** The view mode the screen opens with (default `fit`). */
  initialViewMode?: ViewMode;
  /** Opens the machine in a Remote Desktop client; without it there is no "Open in Remote Desktop". */
  onOpenRemoteDesktop?: () => void;
  /** Puts the RFB client on `window.__portholeRfb` for end-to-end tests. Never in production. */
  exposeForTests?: boolean;
}

const NOTICE_MS = 8000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A machine's screen: the noVNC view while there is one, its phase and progress before. */
export function Screen({
  machineName,
  status,
  endpointUrl,
  onRequestEndpoint,
  readClipboard,
  writeClipboard,
  onScreenshot,
  initialViewMode = 'fit',
  onOpenRemoteDesktop,
  exposeForTests = false,
}: ScreenProps) {
  // The connection (and the RFB client inside it) lives as long as this component, outside React state.
  const [connection] = useState(() => new ScreenConnection());
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const typingRef = useRef<AbortController | null>(null);
  const [viewMode, setViewMode] = useState<ViewMode>(initialViewMode);
  const [notice, setNotice] = useState<string | null>(null);
  const [pasting, setPasting] = useState(false);
  const fullscreen = useFullscreen(containerRef, setNotice);

  const screenWanted = status.running && status.screenReady;
  const url = screenWanted ? endpointUrl : null;

  // Options first, so the first RFB client is created with them.
  useEffect(() => connection.setView(viewOptionsFor(viewMode)), [connection, viewMode]);
  useEffect(() => connection.setExposeForTests(exposeForTests), [connection, exposeForTests]);
  useEffect(() => connection.attach(canvasRef.current!), [connection]);
  useEffect(() => connection.setEndpoint(url), [connection, url]);

  const requestEndpoint = useEffectEvent(() => onRequestEndpoint?.());
  const needsEndpoint = screenWanted && endpointUrl === null;
  useEffect(() => {
    if (needsEndpoint) requestEndpoint();
  }, [needsEndpoint]);
  useEffect(() => {
    if (screenWanted && snapshot.attempt > 0 && snapshot.attempt % 3 === 0) requestEndpoint();
  }, [screenWanted, snapshot.attempt]);

  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // Stop typing when the screen goes away.
  useEffect(() => {
    const typing = typingRef;
    return () => typing.current?.abort();
  }, []);

  // F11 is the screen's, not Windows': catch it before noVNC's keyboard handler on the canvas does.
  const toggleFullscreen = useEffectEvent(() => fullscreen.toggle());
  useEffect(() => {
    const container = containerRef.current!;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'F11' || event.ctrlKey || event.altKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      toggleFullscreen();
    };
    container.addEventListener('keydown', onKeyDown, true);
    return () => container.removeEventListener('keydown', onKeyDown, true);
  }, []);

  const onChord = (name: ChordName): void => {
    const rfb = connection.rfb;
    if (rfb) sendChord(rfb, name);
    connection.focus();
  };

  const paste = async (): Promise<void> => {
    if (!readClipboard) return;
    const typing = new AbortController();
    typingRef.current = typing;
    setPasting(true);
    try {
      let text: string;
      try {
        text = await readClipboard();
      } catch (error) {
        setNotice(`Could not read the clipboard: ${errorText(error)}`);
        return;
      }
      const rfb = connection.rfb;
      if (text === '') setNotice('The clipboard holds no text to paste.');
      else if (!rfb) setNotice('The screen disconnected before typing could start.');
      else if (!typing.signal.aborted) setNotice(describeTyping(await typeText(rfb, text, { signal: typing.signal })));
    } finally {
      if (typingRef.current === typing) typingRef.current = null;
      setPasting(false);
      connection.focus();
    }
  };

  const stopTyping = (): void => typingRef.current?.abort();

  const copy = async (): Promise<void> => {
    const text = snapshot.clipboardText;
    if (text === null || !writeClipboard) return;
    try {
      await writeClipboard(text);
      setNotice(`Copied ${text.length} character${text.length === 1 ? '' : 's'} from Windows.`);
    } catch (error) {
      setNotice(`Could not copy from Windows: ${errorText(error)}`);
    }
  };

  const screenshot = async (): Promise<void> => {
    const rfb = connection.rfb;
    if (!rfb) return;
    try {
      const png = await captureScreenshot(rfb);
      if (onScreenshot) {
        onScreenshot(png);
      } else {
        const fileName = screenshotFileName(machineName, new Date());
        downloadBlob(png, fileName);
        setNotice(`Screenshot saved as “${fileName}”.`);
      }
    } catch (error) {
      setNotice(`Could not take a screenshot: ${errorText(error)}`);
    } finally {
      connection.focus();
    }
  };

  const changeViewMode = (mode: ViewMode): void => {
    setViewMode(mode);
    connection.focus();
  };

  const toolbar = (
    <ScreenToolbar
      state={snapshot.state}
      viewMode={viewMode}
      fullscreen={fullscreen}
      windowsClipboard={snapshot.clipboardText}
      pasting={pasting}
      onConnect={() => connection.connect()}
      onDisconnect={() => {
        stopTyping();
        connection.disconnect();
      }}
      onViewMode={changeViewMode}
      onChord={onChord}
      onPaste={readClipboard ? () => (pasting ? stopTyping() : void paste()) : undefined}
      onCopy={writeClipboard ? () => void copy() : undefined}
      onScreenshot={() => void screenshot()}
      onOpenRemoteDesktop={onOpenRemoteDesktop}
      machineRunning={status.running}
    />
  );

  return (
    <div
      ref={containerRef}
      className={`screen${fullscreen.active ? ' screen--fullscreen' : ''}`}
      data-testid="screen"
      data-screen-state={snapshot.state}
      data-session={snapshot.session}
      data-view-mode={viewMode}
      role="region"
      aria-label={`Screen of ${machineName}`}
    >
      {fullscreen.active ? (
        // In fullscreen the toolbar hides above the top edge and slides down under the pointer.
        <div className="screen-hover-bar" data-testid="screen-hover-bar">
          {toolbar}
        </div>
      ) : (
        toolbar
      )}
      <div className="screen-stage">
        <div ref={canvasRef} className="screen-canvas" data-testid="screen-canvas" />
        {snapshot.state !== 'connected' ? (
          <div className="screen-overlay">
            <ScreenStatus
              machineName={machineName}
              status={status}
              connection={snapshot}
              endpointKnown={endpointUrl !== null}
              onConnect={() => connection.connect()}
            />
          </div>
        ) : null}
      </div>
      <p className="screen-notice" role="status" aria-live="polite">
        {notice}
      </p>
    </div>
  );
}
