import { findVersion } from '@porthole/api';
import type { IsoCheck } from '../form/checks';
import type { WindowsSource } from '../form/machine-form';
import { FieldMessage } from '../../ui/Field';
import { IsoChoice } from './IsoChoice';
import { VersionFamilies } from './VersionFamilies';
import { VersionOption } from './VersionOption';

export interface WindowsChoice {
  source: WindowsSource;
  version: string;
  customIso: string;
}

export interface WindowsPickerProps extends WindowsChoice {
  onChange: (choice: Partial<WindowsChoice>) => void;
  iso: IsoCheck;
  versionError?: string | undefined;
  isoError?: string | undefined;
  /** Offer dropping a file onto the window (where a drop zone listens). */
  dropHint?: boolean;
  /** A remote engine's computer: the ISO is a file there, typed as its path there. */
  engineHost?: string | undefined;
}

/** Windows to download, grouped as people know them, with edition notes and sizes; or one's own ISO. */
export function WindowsPicker({
  source,
  version,
  customIso,
  onChange,
  iso,
  versionError,
  isoError,
  dropHint,
  engineHost,
}: WindowsPickerProps) {
  const selected = source === 'download' ? findVersion(version) : undefined;
  const pick = (id: string): void => onChange({ source: 'download', version: id });
  const unlisted = selected && !selected.listed ? selected : undefined;

  return (
    <div className="windows-picker" role="radiogroup" aria-label="Windows">
      <VersionFamilies selected={selected} checked={source === 'download'} onPick={pick} />
      {unlisted ? (
        <div className="choices">
          <VersionOption v={unlisted} checked onPick={() => pick(unlisted.id)} />
        </div>
      ) : null}
      {source === 'download' && !selected && version ? (
        <p className="muted">
          Downloads Windows from <code>{version}</code>.
        </p>
      ) : null}
      <FieldMessage error={source === 'download' ? versionError : undefined} />

      <IsoChoice
        chosen={source === 'iso'}
        path={customIso}
        iso={iso}
        error={isoError}
        onChoose={() => onChange({ source: 'iso' })}
        onPath={(p) => onChange({ customIso: p })}
        dropHint={dropHint}
        engineHost={engineHost}
      />
    </div>
  );
}
