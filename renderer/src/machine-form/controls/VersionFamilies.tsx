import { useState } from 'react';
import { versionFamilies, windowsVersions, type WindowsVersion } from '@porthole/api';
import { VersionOption } from './VersionOption';

/** The listed versions, grouped as people know them (Windows 11, 10, …), each group opened or closed. */
export function VersionFamilies({
  selected,
  checked,
  onPick,
}: {
  /** The chosen version, whose group stays open. */
  selected: WindowsVersion | undefined;
  /** Whether a download is chosen at all (an ISO leaves every version unchecked). */
  checked: boolean;
  onPick: (id: string) => void;
}) {
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
  return (
    <>
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
                  checked={checked && selected?.id === v.id}
                  onPick={() => onPick(v.id)}
                />
              ))}
            </div>
          </details>
        );
      })}
    </>
  );
}
