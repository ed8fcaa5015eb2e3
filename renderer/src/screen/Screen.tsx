import {
  useEffect,
  useEffectEvent,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
  type RefObject,
} from 'react';
import type { MachineStatus } from '@porthole/api';
import { sendChord, type ChordName } from './chords';
import { useFullscreen, type Fullscreen } from './fullscreen';
import { useF11, useNotice, useScreenActions } from './screen-actions';
import { ScreenConnection, type ConnectionSnapshot } from './screen-connection';
import { useScreenSound } from './screen-sound';
import { ScreenStatus } from './ScreenStatus';
import { ScreenToolbar } from './ScreenToolbar';
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
  /** The screen's sound websocket (ws://127.0.0.1:<port>/audio); absent or null when the machine has no sound. */
  audioUrl?: string | null;
  /** Which machine's volume and mute to remember (default: the name). */
  machineId?: string;
  /** Puts the RFB client on `window.__portholeRfb` (and the sound's on `__portholeAudio`) for end-to-end tests. Never in production. */
  exposeForTests?: boolean;
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
  audioUrl = null,
  machineId,
  exposeForTests = false,
}: ScreenProps) {
  // The connection (and the RFB client inside it) lives as long as this component, outside React state.
  const [connection] = useState(() => new ScreenConnection());
  const snapshot = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const [viewMode, setViewMode] = useState<ViewMode>(initialViewMode);
  const [notice, setNotice] = useNotice();
  const fullscreen = useFullscreen(containerRef, setNotice);

  const screenWanted = status.running && status.screenReady;
  const url = screenWanted ? endpointUrl : null;

  useScreenEndpoint({
    connection,
    canvasRef,
    viewMode,
    exposeForTests,
    screenWanted,
    endpointUrl,
    attempt: snapshot.attempt,
    onRequestEndpoint,
  });
  useF11(containerRef, fullscreen.toggle);
  // Sound plays while this screen shows the machine, and stops with it (or with a user disconnect).
  const sound = useScreenSound({
    url: url !== null && snapshot.state !== 'disconnected' ? audioUrl : null,
    machineKey: machineId ?? machineName,
    containerRef,
    exposeForTests,
  });

  const actions = useScreenActions({
    connection,
    clipboardText: snapshot.clipboardText,
    machineName,
    readClipboard,
    writeClipboard,
    onScreenshot,
    setNotice,
  });
  const toolbar = (
    <ScreenToolbar
      {...toolbarProps({ connection, snapshot, viewMode, setViewMode, fullscreen, actions, onOpenRemoteDesktop })}
      onPaste={readClipboard ? () => (actions.pasting ? actions.stopTyping() : void actions.paste()) : undefined}
      onCopy={writeClipboard ? () => void actions.copy() : undefined}
      machineRunning={status.running}
      sound={audioUrl ? sound : undefined}
    />
  );

  return (
    <ScreenLayout
      containerRef={containerRef}
      canvasRef={canvasRef}
      machineName={machineName}
      status={status}
      snapshot={snapshot}
      viewMode={viewMode}
      fullscreenActive={fullscreen.active}
      soundState={audioUrl ? sound.state : undefined}
      toolbar={toolbar}
      notice={notice}
      endpointKnown={endpointUrl !== null}
      onConnect={() => connection.connect()}
    />
  );
}

interface EndpointOptions {
  connection: ScreenConnection;
  canvasRef: RefObject<HTMLDivElement | null>;
  viewMode: ViewMode;
  exposeForTests: boolean;
  /** The machine runs and its screen is ready. */
  screenWanted: boolean;
  endpointUrl: string | null;
  /** Failed connection attempts since the last good one. */
  attempt: number;
  onRequestEndpoint?: () => void;
}

/** Gives the connection its options, element and endpoint; asks the app for an endpoint when there is none or it keeps failing. */
function useScreenEndpoint(options: EndpointOptions): void {
  const { connection, canvasRef, viewMode, exposeForTests, screenWanted, endpointUrl, attempt } = options;
  const url = screenWanted ? endpointUrl : null;
  // Options first, so the first RFB client is created with them.
  useEffect(() => connection.setView(viewOptionsFor(viewMode)), [connection, viewMode]);
  useEffect(() => connection.setExposeForTests(exposeForTests), [connection, exposeForTests]);
  useEffect(() => connection.attach(canvasRef.current!), [connection, canvasRef]);
  useEffect(() => connection.setEndpoint(url), [connection, url]);

  const requestEndpoint = useEffectEvent(() => options.onRequestEndpoint?.());
  const needsEndpoint = screenWanted && endpointUrl === null;
  useEffect(() => {
    if (needsEndpoint) requestEndpoint();
  }, [needsEndpoint]);
  useEffect(() => {
    if (screenWanted && attempt > 0 && attempt % 3 === 0) requestEndpoint();
  }, [screenWanted, attempt]);
}

interface LayoutProps {
  containerRef: RefObject<HTMLDivElement | null>;
  canvasRef: RefObject<HTMLDivElement | null>;
  machineName: string;
  status: MachineStatus;
  snapshot: ConnectionSnapshot;
  viewMode: ViewMode;
  fullscreenActive: boolean;
  soundState: string | undefined;
  toolbar: ReactNode;
  notice: string | null;
  endpointKnown: boolean;
  onConnect(): void;
}

/** The screen's frame: toolbar (hovering in fullscreen), the canvas with its status overlay, the notice line. */
function ScreenLayout(props: LayoutProps) {
  const { containerRef, canvasRef, machineName, snapshot, toolbar } = props;
  return (
    <div
      ref={containerRef}
      className={`screen${props.fullscreenActive ? ' screen--fullscreen' : ''}`}
      data-testid="screen"
      data-screen-state={snapshot.state}
      data-session={snapshot.session}
      data-view-mode={props.viewMode}
      data-sound-state={props.soundState}
      role="region"
      aria-label={`Screen of ${machineName}`}
    >
      {props.fullscreenActive ? (
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
              status={props.status}
              connection={snapshot}
              endpointKnown={props.endpointKnown}
              onConnect={props.onConnect}
            />
          </div>
        ) : null}
      </div>
      <p className="screen-notice" role="status" aria-live="polite">
        {props.notice}
      </p>
    </div>
  );
}

interface ToolbarSources {
  connection: ScreenConnection;
  snapshot: ConnectionSnapshot;
  viewMode: ViewMode;
  setViewMode(mode: ViewMode): void;
  fullscreen: Fullscreen;
  actions: ReturnType<typeof useScreenActions>;
  onOpenRemoteDesktop?: () => void;
}

/** The toolbar's state and the handlers that do not depend on what the app offers (clipboard, sound). */
function toolbarProps(sources: ToolbarSources) {
  const { connection, snapshot, actions } = sources;
  return {
    state: snapshot.state,
    viewMode: sources.viewMode,
    fullscreen: sources.fullscreen,
    windowsClipboard: snapshot.clipboardText,
    pasting: actions.pasting,
    onConnect: () => connection.connect(),
    onDisconnect: () => {
      actions.stopTyping();
      connection.disconnect();
    },
    onViewMode: (mode: ViewMode) => {
      sources.setViewMode(mode);
      connection.focus();
    },
    onChord: (name: ChordName) => {
      const rfb = connection.rfb;
      if (rfb) sendChord(rfb, name);
      connection.focus();
    },
    onScreenshot: () => void actions.screenshot(),
    onOpenRemoteDesktop: sources.onOpenRemoteDesktop,
  };
}
