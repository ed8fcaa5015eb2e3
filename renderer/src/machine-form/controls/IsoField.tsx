import { desktopBridge } from '../../api/desktop';
import type { IsoCheck } from '../form/checks';
import { describeIso, isoOutcome } from '../form/iso-choice';
import { Field } from '../../ui/Field';
import { CopyIsoToEngine } from './CopyIsoToEngine';

/** The ISO path: typed (any host), picked with the desktop's file chooser, or dropped on the window. */
export function IsoField({
  path,
  iso,
  error,
  onPath,
  dropHint,
  engineHost,
}: {
  path: string;
  iso: IsoCheck;
  error?: string | undefined;
  onPath: (path: string) => void;
  dropHint?: boolean | undefined;
  engineHost?: string | undefined;
}) {
  // A remote engine reads the ISO on its computer: a file chosen or dropped here is this computer's, so it is copied there.
  const desktop = engineHost ? null : desktopBridge();
  const ok = iso.state === 'ok' && iso.path === path.trim() ? iso : null;
  const checking = iso.state === 'checking';
  const shownError = checking ? undefined : error;
  const field = (
    <Field
      label={engineHost ? `ISO file on ${engineHost}` : 'ISO file'}
      error={shownError}
      hint={
        ok ? (
          <span className="iso-ok" data-testid="iso-ok">
            ✓ {describeIso(ok.info)}. {isoOutcome(ok.info)}
          </span>
        ) : checking ? (
          'Checking the file…'
        ) : engineHost ? (
          <span data-testid="iso-remote">
            The full path of an .iso file of 10 MB or more on {engineHost}, the computer the engine runs machines on:
            the engine reads it there. An ISO on this computer can be copied there first (below, or drop it on the
            window).
          </span>
        ) : (
          <>
            The full path of an .iso file of 10 MB or more{dropHint ? ', or drop the file onto this window' : ''}.
            {desktop ? null : ' Browsers do not tell Porthole where a file is, so type its path.'}
          </>
        )
      }
    >
      {(control) => (
        <div className="path-row">
          <input
            {...control}
            value={path}
            spellCheck={false}
            autoComplete="off"
            placeholder="/home/you/Downloads/Win11_24H2.iso"
            onChange={(e) => onPath(e.target.value)}
          />
          {desktop ? (
            <button
              type="button"
              onClick={() => {
                void desktop.pickIso().then((picked) => {
                  if (picked) onPath(picked);
                });
              }}
            >
              Choose…
            </button>
          ) : null}
        </div>
      )}
    </Field>
  );
  return engineHost ? (
    <div className="iso-field-remote">
      {field}
      <CopyIsoToEngine engineHost={engineHost} onCopied={onPath} />
    </div>
  ) : (
    field
  );
}
