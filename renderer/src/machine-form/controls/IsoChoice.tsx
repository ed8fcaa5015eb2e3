import { useId } from 'react';
import type { IsoCheck } from '../form/checks';
import { IsoField } from './IsoField';

/** The "Install from my own ISO" choice of the Windows picker, with its path field once chosen. */
export function IsoChoice({
  chosen,
  path,
  iso,
  error,
  onChoose,
  onPath,
  dropHint,
  engineHost,
}: {
  chosen: boolean;
  path: string;
  iso: IsoCheck;
  error?: string | undefined;
  onChoose: () => void;
  onPath: (path: string) => void;
  dropHint?: boolean | undefined;
  engineHost?: string | undefined;
}) {
  const isoId = useId();
  return (
    <div className={`choice choice-iso${chosen ? ' choice-checked' : ''}`}>
      <label className="choice-iso-label">
        <input
          type="radio"
          name="windows-version"
          value="iso"
          checked={chosen}
          onChange={onChoose}
          aria-labelledby={`${isoId}-name`}
          aria-describedby={`${isoId}-note`}
        />
        <span className="choice-text">
          <span className="choice-title" id={`${isoId}-name`}>
            Install from my own ISO
          </span>
          <span className="choice-note" id={`${isoId}-note`}>
            A Windows ISO you downloaded (useful when Microsoft blocks the download), or any other bootable ISO.
          </span>
        </span>
      </label>
      {chosen ? (
        <IsoField
          path={path}
          iso={iso}
          error={error}
          onPath={onPath}
          dropHint={dropHint && !engineHost}
          engineHost={engineHost}
        />
      ) : null}
    </div>
  );
}
