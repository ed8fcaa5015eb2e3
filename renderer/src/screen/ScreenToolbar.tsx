import type { ChordName } from './chords';
import type { Fullscreen } from './fullscreen';
import { KeysMenu } from './KeysMenu';
import type { ScreenState } from './screen-connection';
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
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
}

export function ScreenToolbar(props: ScreenToolbarProps) {
  const { state, viewMode, fullscreen, windowsClipboard, pasting } = props;
  const connected = state === 'connected';
  const session = state === 'connecting' || state === 'connected' || state === 'reconnecting';
  return (
    <div className="screen-toolbar" role="toolbar" aria-label="Screen">
      <div className="screen-toolbar-group">
        <button
          type="button"
          className="screen-button"
          disabled={!connected}
          onClick={() => props.onChord('ctrl-alt-del')}
        >
          Ctrl+Alt+Del
        </button>
        <KeysMenu disabled={!connected} onChord={props.onChord} />
      </div>
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
      <div className="screen-toolbar-group screen-toolbar-group--end" role="group" aria-label="View">
        <button
          type="button"
          className="screen-button"
          aria-pressed={viewMode === 'fit'}
          onClick={() => props.onViewMode('fit')}
          title="Scale the screen to the window"
        >
          Fit
        </button>
        <button
          type="button"
          className="screen-button"
          aria-pressed={viewMode === 'actual'}
          onClick={() => props.onViewMode('actual')}
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
      {/* Last, away from the keys: a stray click on the first button ended the session. */}
      <div className="screen-toolbar-group">
        {session ? (
          <button type="button" className="screen-button" onClick={props.onDisconnect}>
            Disconnect
          </button>
        ) : (
          <button type="button" className="screen-button" onClick={props.onConnect} disabled={state !== 'disconnected'}>
            Connect
          </button>
        )}
      </div>
    </div>
  );
}
