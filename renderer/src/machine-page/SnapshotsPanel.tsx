import { useState } from 'react';
import { nameFieldMaxLength, type MachineView, type SnapshotProgress } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';
import { WorkNotes } from '../ui/WorkNotes';
import { SnapshotConfirmDialog } from './SnapshotConfirmDialog';
import { SnapshotList } from './SnapshotList';
import { useSnapshots } from './use-snapshots';
import './snapshots.css';

/** The operation under way, with the copy's progress bar once the copy reports its size. */
function SnapshotBusy({
  busy,
  percent,
  progress,
}: {
  busy: string;
  percent: number | null;
  progress: SnapshotProgress | null;
}) {
  return (
    <div className="snapshots-busy" role="status">
      <span>{busy}</span>
      {percent !== null ? (
        <>
          <progress max={100} value={percent} aria-label="Copy progress" />
          <span>
            {percent}% of {formatBytes(progress?.totalBytes ?? 0)}
          </span>
        </>
      ) : null}
    </div>
  );
}

/** The snapshot's name and Take snapshot (Enter in the name takes it too). */
function SnapshotTake({ locked, onTake }: { locked: boolean; onTake: (name: string, onTaken: () => void) => void }) {
  const [name, setName] = useState('');
  const take = (): void => onTake(name, () => setName(''));
  // Not a <form>: the panel sits inside the settings page's own form (forms cannot nest).
  return (
    <div className="snapshots-take">
      <label>
        <span>Snapshot name</span>
        <input
          type="text"
          value={name}
          maxLength={nameFieldMaxLength('snapshot')}
          placeholder="Before updates"
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            if (!locked) take();
          }}
          disabled={locked}
        />
      </label>
      <button type="button" onClick={take} disabled={locked}>
        Take snapshot
      </button>
    </div>
  );
}

/**
 * The machine's snapshots: take one (named) while the machine is stopped, list them with date and
 * size, restore one (after a dialog that says every change since then is lost) or delete one. The
 * backend holds every rule (stopped only, free space, the confirmation); this panel says them first.
 */
export function SnapshotsPanel({ machine }: { machine: MachineView }) {
  const snapshots = useSnapshots(machine.id);
  const { busy, confirm, error, notice, percent } = snapshots;
  const running = machine.status.running;
  const locked = running || busy !== null;

  return (
    <div className="snapshots" data-testid="snapshots-panel">
      <p className="muted">
        A snapshot is a copy of the Windows disk you can go back to. Snapshots are taken and restored while the machine
        is stopped, and kept apart from its storage folder.
      </p>
      {running ? (
        <p className="snapshots-note" role="note">
          Stop the machine to take or restore a snapshot.
        </p>
      ) : null}
      <SnapshotTake locked={locked} onTake={(name, onTaken) => void snapshots.take(name, onTaken)} />
      {busy ? <SnapshotBusy busy={busy} percent={percent} progress={snapshots.progress} /> : null}
      <WorkNotes error={error} />
      {notice && !error ? (
        <p className="snapshots-notice" role="status">
          {notice}
        </p>
      ) : null}
      <SnapshotList list={snapshots.list} locked={locked} busy={busy !== null} onConfirm={snapshots.setConfirm} />
      {confirm ? (
        <SnapshotConfirmDialog
          kind={confirm.kind}
          snapshot={confirm.snapshot}
          machineName={machine.name}
          busy={busy}
          percent={percent}
          onCancel={() => snapshots.setConfirm(null)}
          onConfirm={() =>
            void (confirm.kind === 'restore' ? snapshots.restore(confirm.snapshot) : snapshots.remove(confirm.snapshot))
          }
        />
      ) : null}
    </div>
  );
}
