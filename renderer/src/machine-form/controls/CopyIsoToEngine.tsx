import { useEffect, useId, useRef, useState } from 'react';
import { formatBytes } from '@porthole/api';
import { desktopBridge } from '../../api/desktop';
import { useLocalFileDropClaim } from '../../drop/claim';
import { useIsoCopy, type IsoCopyState } from './use-iso-copy';

/** What the live region says: coarse steps (every 10 %), so a screen reader is not flooded. */
export function isoCopyStatus(state: IsoCopyState, host: string): string {
  switch (state.step) {
    case 'copying': {
      if (state.phase === 'checking') return `Looking at ${state.name} and at ${host}…`;
      if (state.phase === 'verifying') return `Checking the copy on ${host}…`;
      const tens = state.total > 0 ? Math.floor((state.done / state.total) * 10) * 10 : 0;
      return `Copying ${state.name} to ${host}: ${tens}% of ${formatBytes(state.total)}`;
    }
    case 'done': {
      const { result } = state;
      if (result.reused) return `${host} already had this ISO: ${result.path}`;
      return `Copied to ${host}: ${result.path}${result.renamed ? ' (a different file had its name there, so it got another)' : ''}`;
    }
    case 'cancelled':
      return `Cancelled: nothing was left on ${host}.`;
    default:
      return '';
  }
}

/** The copy's bar: bytes sent while copying, full while the copy is checked there. */
export function IsoCopyBar({ state, host }: { state: Extract<IsoCopyState, { step: 'copying' }>; host: string }) {
  return (
    <progress
      max={state.total || 1}
      value={state.phase === 'copying' ? state.done : state.phase === 'verifying' ? state.total : 0}
      aria-label={`Copying ${state.name} to ${host}`}
    />
  );
}

/**
 * "Copy an ISO from this computer…" under a remote engine's ISO field: the desktop's file chooser (or, in a
 * browser, the file's path typed), or a file dropped on the window; the copy's progress with Cancel, then the
 * path there goes into the field.
 */
export function CopyIsoToEngine({ engineHost, onCopied }: { engineHost: string; onCopied: (path: string) => void }) {
  const desktop = desktopBridge();
  const { state, start, cancel } = useIsoCopy(onCopied);
  const [asking, setAsking] = useState(false);
  const [local, setLocal] = useState('');
  const id = useId();
  const copying = state.step === 'copying';
  const cancelButton = useRef<HTMLButtonElement>(null);
  const copyButton = useRef<HTMLButtonElement>(null);
  useLocalFileDropClaim(`Drop the ISO to copy it to ${engineHost}`, start);
  // Focus follows the one control that stays: Cancel while copying, the copy button after.
  useEffect(() => {
    if (copying) cancelButton.current?.focus();
    else if (document.activeElement === document.body) copyButton.current?.focus();
  }, [copying]);

  const choose = (): void => {
    if (desktop) void desktop.pickIso().then((picked) => picked && start(picked));
    else setAsking(true);
  };
  const copyTyped = (): void => {
    setAsking(false);
    start(local.trim());
  };
  return (
    <div className="iso-copy" data-testid="iso-copy">
      {copying ? (
        <div className="iso-copy-progress">
          <IsoCopyBar state={state} host={engineHost} />
          <button type="button" ref={cancelButton} onClick={cancel}>
            Cancel copy
          </button>
        </div>
      ) : (
        <button type="button" ref={copyButton} onClick={choose} aria-expanded={desktop ? undefined : asking}>
          Copy an ISO from this computer…
        </button>
      )}
      {asking && !copying ? (
        <div className="iso-copy-ask">
          <label htmlFor={`${id}-local`}>
            Path of the ISO on this computer (a browser does not tell Porthole where a file is)
          </label>
          <div className="path-row">
            <input
              id={`${id}-local`}
              value={local}
              spellCheck={false}
              autoComplete="off"
              placeholder="/home/you/Downloads/Win11_24H2.iso"
              onChange={(e) => setLocal(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && local.trim().startsWith('/')) {
                  e.preventDefault();
                  copyTyped();
                }
              }}
            />
            <button type="button" onClick={copyTyped} disabled={!local.trim().startsWith('/')}>
              Copy to {engineHost}
            </button>
          </div>
        </div>
      ) : null}
      <p className="iso-copy-status" role="status" aria-live="polite">
        {isoCopyStatus(state, engineHost)}
      </p>
      {state.step === 'failed' ? (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
