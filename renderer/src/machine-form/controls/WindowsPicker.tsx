import { useId, useState } from 'react';
import { findVersion, versionFamilies, windowsVersions, type WindowsVersion } from '@porthole/api';
import { desktopBridge } from '../../api/desktop';
import { formatBytes } from '../../app/format';
import type { IsoCheck } from '../form/checks';
import { describeIso, isoOutcome } from '../form/iso-choice';
import type { WindowsSource } from '../form/machine-form';
import { Field, FieldMessage } from '../../ui/Field';

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

function badges(v: WindowsVersion): string[] {
  const list: string[] = [];
  if (v.edition.includes('LTSC')) list.push('LTSC');
  if (v.evaluation) list.push('Evaluation');
  if (v.family === 'community') list.push('Unofficial');
  return list;
}

function VersionOption({ v, checked, onPick }: { v: WindowsVersion; checked: boolean; onPick: () => void }) {
  // The radio's name is the version's name; its badges, note and size describe it (all of it read as its name was noise).
  const id = useId();
  const list = badges(v);
  const described = [list.length > 0 ? `${id}-badges` : null, v.note ? `${id}-note` : null, `${id}-size`]
    .filter(Boolean)
    .join(' ');
  return (
    <label className={`choice${checked ? ' choice-checked' : ''}`}>
      <input
        type="radio"
        name="windows-version"
        value={v.id}
        checked={checked}
        onChange={onPick}
        aria-labelledby={`${id}-name`}
        aria-describedby={described}
      />
      <span className="choice-text">
        <span className="choice-title">
          <span id={`${id}-name`}>{v.name}</span>
          {list.length > 0 ? (
            <span id={`${id}-badges`}>
              {list.map((b) => (
                <span key={b} className={`badge badge-${b.toLowerCase()}`}>
                  {b}
                </span>
              ))}
            </span>
          ) : null}
        </span>
        {v.note ? (
          <span className="choice-note" id={`${id}-note`}>
            {v.note}
          </span>
        ) : null}
      </span>
      <span className="choice-size" id={`${id}-size`} title="Approximate size of the download">
        {formatBytes(v.downloadBytes)}
      </span>
    </label>
  );
}

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
  // A remote engine reads the ISO on its computer: a file chosen or dropped here would be this computer's.
  const desktop = engineHost ? null : desktopBridge();
  const ok = iso.state === 'ok' && iso.path === path.trim() ? iso : null;
  const checking = iso.state === 'checking';
  const shownError = checking ? undefined : error;
  return (
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
            the engine reads it there. A file on this computer cannot be used; copy it there first (for example with
            scp).
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
  const [openFamilies, setOpenFamilies] = useState<ReadonlySet<string>>(
    () => new Set(['windows-11', 'windows-10', ...(selected ? [selected.family] : [])]),
  );
  const toggle = (family: string, open: boolean): void =>
    setOpenFamilies((set) => {
      const next = new Set(set);
      if (open) next.add(family);
      else next.delete(family);
      return next;
    });
  const pick = (id: string): void => onChange({ source: 'download', version: id });
  const unlisted = selected && !selected.listed ? selected : undefined;
  const isoId = useId();

  return (
    <div className="windows-picker" role="radiogroup" aria-label="Windows">
      {versionFamilies.map((family) => {
        const versions = windowsVersions.filter((v) => v.listed && v.family === family.id);
        if (versions.length === 0) return null;
        const hasSelected = versions.some((v) => v.id === selected?.id);
        return (
          <details
            key={family.id}
            className="family"
            open={openFamilies.has(family.id) || hasSelected}
            onToggle={(e) => toggle(family.id, e.currentTarget.open)}
          >
            <summary>
              {family.label}
              <span className="muted"> · {versions.length}</span>
            </summary>
            <div className="choices">
              {versions.map((v) => (
                <VersionOption
                  key={v.id}
                  v={v}
                  checked={source === 'download' && selected?.id === v.id}
                  onPick={() => pick(v.id)}
                />
              ))}
            </div>
          </details>
        );
      })}
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

      <div className={`choice choice-iso${source === 'iso' ? ' choice-checked' : ''}`}>
        <label className="choice-iso-label">
          <input
            type="radio"
            name="windows-version"
            value="iso"
            checked={source === 'iso'}
            onChange={() => onChange({ source: 'iso' })}
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
        {source === 'iso' ? (
          <IsoField
            path={customIso}
            iso={iso}
            error={isoError}
            onPath={(p) => onChange({ customIso: p })}
            dropHint={dropHint && !engineHost}
            engineHost={engineHost}
          />
        ) : null}
      </div>
    </div>
  );
}
