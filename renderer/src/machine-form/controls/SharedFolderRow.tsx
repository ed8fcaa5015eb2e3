import type { DesktopBridge, SharedFolder } from '@porthole/api';
import { windowsShareName } from './windows-share-name';

/** One shared folder: its path (typed or chosen), whether Windows may change it, and where Windows shows it. */
export function SharedFolderRow({
  index,
  folder,
  missing,
  desktop,
  onChange,
  onRemove,
}: {
  index: number;
  folder: SharedFolder;
  /** The folder was found not to exist. */
  missing: boolean;
  /** The desktop's folder chooser; null where folders are typed (a browser, a remote engine). */
  desktop: DesktopBridge | null;
  onChange: (part: Partial<SharedFolder>) => void;
  onRemove: () => void;
}) {
  return (
    <li className="shared-row" data-testid={`shared-folder-${index + 1}`}>
      <div className="path-row">
        <input
          aria-label={`Shared folder ${index + 1}`}
          aria-invalid={missing ? true : undefined}
          value={folder.hostPath}
          placeholder="/home/you/Documents"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onChange({ hostPath: e.target.value })}
        />
        {desktop ? (
          <button
            type="button"
            onClick={() => {
              void desktop.pickFolder().then((picked) => {
                if (picked) onChange({ hostPath: picked });
              });
            }}
          >
            Choose…
          </button>
        ) : null}
        <button type="button" className="ghost" aria-label={`Remove shared folder ${index + 1}`} onClick={onRemove}>
          Remove
        </button>
      </div>
      <div className="shared-meta">
        <label className="checkbox-row">
          <input
            type="checkbox"
            checked={folder.readOnly}
            aria-label={`Shared folder ${index + 1} is read-only`}
            onChange={(e) => onChange({ readOnly: e.target.checked })}
          />
          Read-only: Windows cannot change it
        </label>
        <span className="muted">
          In Windows: <code>{windowsShareName(index)}</code>
          {index === 0 ? ' (drive Z:)' : ''}
        </span>
      </div>
    </li>
  );
}
