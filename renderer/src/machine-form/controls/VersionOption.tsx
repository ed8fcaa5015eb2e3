import { useId } from 'react';
import type { WindowsVersion } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';

function badges(v: WindowsVersion): string[] {
  const list: string[] = [];
  if (v.edition.includes('LTSC')) list.push('LTSC');
  if (v.evaluation) list.push('Evaluation');
  if (v.family === 'community') list.push('Unofficial');
  return list;
}

export function VersionOption({ v, checked, onPick }: { v: WindowsVersion; checked: boolean; onPick: () => void }) {
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
