import type { ChordName } from './chords';
import type { Fullscreen } from './fullscreen';
import { KeysMenu } from './KeysMenu';
import type { ScreenState } from './screen-connection';
import type { SoundControls } from './screen-sound';
import { SoundGroup } from './SoundControls';
import type { ViewMode } from './view-mode';

export interface ScreenToolbarProps {
  state: ScreenState;
  viewMode: ViewMode;
  fullscreen: Fullscreen;
  /** The clipboard text Windows offered, if any. */
  windowsClipboard: string | null;
  /** A paste is being typed; the paste button then stops it. */
  pasting: boolean;
  onConnect(): void;
  onDisconnect(): void;
  onViewMode(mode: ViewMode): void;
  onChord(name: ChordName): void;
  /** Absent when the app gave no way to read the clipboard. */
  onPaste?: () => void;
  /** Absent when the app gave no way to write the clipboard. */
  onCopy?: () => void;
  onScreenshot(): void;
  /** Absent when the app offers no Remote Desktop; the button is enabled only while the machine runs. */
  onOpenRemoteDesktop?: () => void;
  machineRunning: boolean;
  /** Mute and volume; absent when the machine's screen has no sound. */
  sound?: SoundControls;
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

/** Keys Windows would not get from the keyboard: Ctrl+Alt+Del and the menu of the others. */
function KeysGroup({ connected, onChord }: { connected: boolean; onChord(name: ChordName): void }) {
  return (
    <div className="screen-toolbar-group">
      <button type="button" className="screen-button" disabled={!connected} onClick={() => onChord('ctrl-alt-del')}>
        Ctrl+Alt+Del
      </button>
      <KeysMenu disabled={!connected} onChord={onChord} />
    </div>
  );
}

function ActionsGroup(props: ScreenToolbarProps) {
  const { windowsClipboard, pasting } = props;
  const connected = props.state === 'connected';
  return (
    <div className="screen-toolbar-group">
      {props.onPaste ? (
        <button
          type="button"
          className="screen-button"
          disabled={!connected && !pasting}
          onClick={props.onPaste}
          title={pasting ? 'Stop typing the clipboard' : 'Type the text on your clipboard into Windows'}
          aria-label={pasting ? 'Stop typing' : 'Paste to Windows'}
        >
          {pasting ? 'Stop typing' : 'Paste'}
        </button>
      ) : null}
      {props.onCopy ? (
        <button
          type="button"
          className="screen-button"
          disabled={windowsClipboard === null}
          onClick={props.onCopy}
          title={windowsClipboard === null ? 'Copy text in Windows first' : `Copy “${preview(windowsClipboard)}”`}
          aria-label="Copy from Windows"
        >
          Copy
        </button>
      ) : null}
      <button type="button" className="screen-button" disabled={!connected} onClick={props.onScreenshot}>
        Screenshot
      </button>
      {props.onOpenRemoteDesktop ? (
        <button
          type="button"
          className="screen-button"
          disabled={!props.machineRunning}
          onClick={props.onOpenRemoteDesktop}
          title="Open Windows in a Remote Desktop client (FreeRDP or Remmina), logged on as the machine's user"
          aria-label="Open in Remote Desktop"
        >
          Remote Desktop
        </button>
      ) : null}
    </div>
  );
}

function ViewGroup({
  viewMode,
  fullscreen,
  onViewMode,
}: Pick<ScreenToolbarProps, 'viewMode' | 'fullscreen' | 'onViewMode'>) {
  return (
    <div className="screen-toolbar-group screen-toolbar-group--end" role="group" aria-label="View">
      <button
        type="button"
        className="screen-button"
        aria-pressed={viewMode === 'fit'}
        onClick={() => onViewMode('fit')}
        title="Scale the screen to the window"
      >
        Fit
      </button>
      <button
        type="button"
        className="screen-button"
        aria-pressed={viewMode === 'actual'}
        onClick={() => onViewMode('actual')}
        title="One Windows pixel per screen pixel"
      >
        1:1
      </button>
      {fullscreen.supported || fullscreen.active ? (
        <button type="button" className="screen-button" onClick={fullscreen.toggle} title="F11">
          {fullscreen.active ? 'Exit fullscreen' : 'Fullscreen'}
        </button>
      ) : null}
    </div>
  );
}

function SessionGroup({
  state,
  onConnect,
  onDisconnect,
}: Pick<ScreenToolbarProps, 'state' | 'onConnect' | 'onDisconnect'>) {
  const session = state === 'connecting' || state === 'connected' || state === 'reconnecting';
  return (
    <div className="screen-toolbar-group">
      {session ? (
        <button type="button" className="screen-button" onClick={onDisconnect}>
          Disconnect
        </button>
      ) : (
        <button type="button" className="screen-button" onClick={onConnect} disabled={state !== 'disconnected'}>
          Connect
        </button>
      )}
    </div>
  );
}

export function ScreenToolbar(props: ScreenToolbarProps) {
  return (
    <div className="screen-toolbar" role="toolbar" aria-label="Screen">
      <KeysGroup connected={props.state === 'connected'} onChord={props.onChord} />
      <ActionsGroup {...props} />
      {props.sound ? <SoundGroup sound={props.sound} /> : null}
      <ViewGroup viewMode={props.viewMode} fullscreen={props.fullscreen} onViewMode={props.onViewMode} />
      {/* Last, away from the keys: a stray click on the first button ended the session. */}
      <SessionGroup state={props.state} onConnect={props.onConnect} onDisconnect={props.onDisconnect} />
    </div>
  );
}
