import type { SnapshotView } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';

/** Keep the Windows disk (the default) or delete it too. */
export function DiskChoice({
  storageDir,
  deleteDisk,
  onChange,
}: {
  storageDir: string;
  deleteDisk: boolean;
  onChange: (deleteDisk: boolean) => void;
}) {
  return (
    <div className="delete-choices" role="radiogroup" aria-label="The Windows disk">
      <label className="choice">
        <input type="radio" name="delete-disk" checked={!deleteDisk} onChange={() => onChange(false)} data-autofocus />
        <span className="choice-text">
          <span className="choice-title">Keep the disk</span>
          <span className="choice-note">
            The folder <code>{storageDir}</code> stays, with Windows and its files in it.
          </span>
        </span>
      </label>
      <label className="choice">
        <input type="radio" name="delete-disk" checked={deleteDisk} onChange={() => onChange(true)} />
        <span className="choice-text">
          <span className="choice-title">Delete the disk too</span>
          <span className="choice-note">Porthole shows what the folder holds and asks once more.</span>
        </span>
      </label>
    </div>
  );
}

/** Also delete the machine's snapshots (kept by default: they are not in its storage folder). */
export function SnapshotsChoice({
  snapshots,
  deleteSnapshots,
  onChange,
}: {
  snapshots: SnapshotView[];
  deleteSnapshots: boolean;
  onChange: (deleteSnapshots: boolean) => void;
}) {
  return (
    <label className="choice" data-testid="delete-snapshots">
      <input type="checkbox" checked={deleteSnapshots} onChange={(e) => onChange(e.target.checked)} />
      <span className="choice-text">
        <span className="choice-title">
          Also delete its {snapshots.length === 1 ? 'snapshot' : `${snapshots.length} snapshots`} (
          {formatBytes(snapshots.reduce((n, s) => n + s.allocatedBytes, 0))})
        </span>
        <span className="choice-note">
          Otherwise they are kept in <code>{snapshots[0]!.path.replace(/\/[^/]+$/, '')}</code>, whatever happens to the
          disk.
        </span>
      </span>
    </label>
  );
}
