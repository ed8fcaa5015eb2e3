import { useState } from 'react';
import type { MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { MachineCard } from '../machines/MachineCard';
import { errorText } from '../ui/errors';
import { fileNameFor, saveText } from './download';

/** What the card shows (and does), plus where the machine lives and its compose export. */
export function OverviewPanel({ machine, onOpenScreen }: { machine: MachineView; onOpenScreen: (id: string) => void }) {
  const [notice, setNotice] = useState<string | null>(null);
  const exportCompose = async (): Promise<void> => {
    setNotice(null);
    try {
      const { yaml } = await porthole().exportCompose({ id: machine.id });
      const where = await saveText(yaml, fileNameFor(machine.name, '.compose.yml'), { private: true });
      setNotice(where ? `Saved ${where}. It holds the Windows password: keep it private.` : 'Not saved.');
    } catch (err) {
      setNotice(errorText(err));
    }
  };
  return (
    <div className="overview-panel">
      <MachineCard machine={machine} onOpenScreen={onOpenScreen} />
      <dl className="overview-facts">
        <dt>Disk folder</dt>
        <dd>
          <code>{machine.storageDir}</code>
        </dd>
        <dt>Ports</dt>
        <dd>
          screen 127.0.0.1:{machine.ports.web}, Remote Desktop 127.0.0.1:{machine.ports.rdp}
        </dd>
        <dt>Image</dt>
        <dd>
          <code>{machine.image}</code>
        </dd>
      </dl>
      <div className="overview-actions">
        <button onClick={() => void exportCompose()}>Export as compose file…</button>
        {notice ? (
          <span className="muted" role="status">
            {notice}
          </span>
        ) : null}
      </div>
    </div>
  );
}
