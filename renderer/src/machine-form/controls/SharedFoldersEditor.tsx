import type { SharedFolder } from '@porthole/api';
import { desktopBridge } from '../../api/desktop';
import { FieldMessage } from '../../ui/Field';
import { SharedFolderRow } from './SharedFolderRow';
import { windowsShareName } from './windows-share-name';

export const MAX_SHARED_FOLDERS = 3;

/** Up to three host folders, each read-only or not, shown as Windows sees them. */
export function SharedFoldersEditor({
  folders,
  onChange,
  error,
  missing,
  engineHost,
}: {
  folders: SharedFolder[];
  /** A remote engine's computer: the folders are there, typed as paths there, never picked here. */
  engineHost?: string | undefined;
  onChange: (folders: SharedFolder[]) => void;
  error?: string | undefined;
  /** Paths found not to exist. */
  missing?: ReadonlySet<string>;
}) {
  const desktop = engineHost ? null : desktopBridge();
  const update = (index: number, part: Partial<SharedFolder>): void =>
    onChange(folders.map((f, i) => (i === index ? { ...f, ...part } : f)));
  const full = folders.length >= MAX_SHARED_FOLDERS;
  return (
    <fieldset className="shared-folders">
      <legend>Shared folders</legend>
      <p className="field-hint">
        {engineHost ? (
          <span data-testid="shared-remote">
            Folders of {engineHost}, the computer the engine runs machines on (type their paths there; folders of this
            computer cannot be shared),{' '}
          </span>
        ) : (
          'Folders of this computer '
        )}
        that Windows sees on its network: the first as <code>{windowsShareName(0)}</code>, also drive Z:.
      </p>
      {folders.length > 0 ? (
        <p className="notice" role="note">
          Programs inside Windows can read every file in a shared folder and, unless it is read-only, change or delete
          them. Share only folders you mean to, and prefer read-only.
        </p>
      ) : null}
      <ol className="shared-list">
        {folders.map((folder, index) => (
          <SharedFolderRow
            key={index}
            index={index}
            folder={folder}
            missing={missing?.has(folder.hostPath.trim()) === true}
            desktop={desktop}
            onChange={(part) => update(index, part)}
            onRemove={() => onChange(folders.filter((_, i) => i !== index))}
          />
        ))}
      </ol>
      <FieldMessage error={error} />
      <div>
        <button type="button" disabled={full} onClick={() => onChange([...folders, { hostPath: '', readOnly: true }])}>
          Add a shared folder
        </button>
        {full ? <span className="muted"> A machine can share at most three folders.</span> : null}
      </div>
    </fieldset>
  );
}
