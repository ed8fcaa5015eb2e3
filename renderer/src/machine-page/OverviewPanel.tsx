import { canShowScreen, type MachineView } from '@porthole/api';
import { machineFacts, MachineStatusNotes } from '../machines/MachineCard';
import { PasswordReveal } from '../machines/PasswordReveal';
import { TilePicture } from '../machines/TilePicture';

/**
 * The machine at a glance: its picture (a click opens the screen), how it goes, the password to sign
 * in with, and where it lives. The header above holds what can be done to it.
 */
export function OverviewPanel({ machine, onOpenScreen }: { machine: MachineView; onOpenScreen: (id: string) => void }) {
  const { status } = machine;
  return (
    <div className="overview-panel">
      <div className="overview-picture">
        <TilePicture machine={machine} size="page" onOpen={() => canShowScreen(status) && onOpenScreen(machine.id)} />
      </div>
      <div className="overview-side">
        <p className="machine-meta">{machineFacts(machine)}</p>
        <MachineStatusNotes machine={machine} />
        <PasswordReveal id={machine.id} username={machine.username} />
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
      </div>
    </div>
  );
}
