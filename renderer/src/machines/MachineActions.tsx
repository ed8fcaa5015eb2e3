import { useState } from 'react';
import { canRestart, canShowScreen, canStart, canStop, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { useAction } from '../app/use-action';
import { navigate } from '../app/hash-route';
import { MenuButton, type MenuItem } from '../ui/Menu';
import { WorkNotes } from '../ui/WorkNotes';
import { errorText } from '../ui/error-text';
import { fileNameFor, saveText } from '../machine-page/download';
import { DeleteMachine } from './DeleteMachine';
import { FailureFix, fixApplies } from './FailureFix';
import { ForceOffDialog } from './ForceOffDialog';
import { machineRoute, NameForReaders } from './names';

/** The machine's menu: what its state allows besides the primary action (and, on a tile, the way to its page's tabs). */
function menuItems(
  machine: MachineView,
  where: 'tile' | 'page',
  busy: boolean,
  run: (op: () => Promise<unknown>) => void,
  on: { forceOff: () => void; exportCompose: () => void; remove: () => void },
): MenuItem[] {
  const { status, id } = machine;
  const api = porthole();
  const items: MenuItem[] = [];
  // A failure whose fix is the primary action: starting as it is would fail the same way, so it is not offered.
  if (status.failure && fixApplies(machine) && canStart(status))
    items.push({ label: 'Start without the fix', onSelect: () => run(() => api.startMachine({ id })) });
  if (canRestart(status))
    items.push({ label: 'Restart', disabled: busy, onSelect: () => run(() => api.restartMachine({ id })) });
  if (canStop(status) && status.running)
    items.push({ label: 'Shut down', disabled: busy, onSelect: () => run(() => api.stopMachine({ id })) });
  if (status.running) items.push({ label: 'Force off…', danger: true, onSelect: on.forceOff });
  if (where === 'tile') {
    items.push({ label: 'Settings', onSelect: () => navigate(machineRoute(id, 'settings')) });
    items.push({ label: 'Details and logs', onSelect: () => navigate(machineRoute(id, 'overview')) });
    items.push({ label: 'Apps', onSelect: () => navigate(machineRoute(id, 'apps')) });
  }
  items.push({ label: 'Export as compose file…', onSelect: on.exportCompose });
  items.push({ label: 'Delete…', danger: true, onSelect: on.remove });
  return items;
}

/**
 * What can be done to a machine, as one primary action for its state (Start, Show screen, its failure's
 * fix, Try again, Cancel download) and a menu for the rest. The tile and the machine page's header
 * both show it; on the page the tabs already lead to settings, logs and apps.
 */
export function MachineActions({
  machine,
  onOpenScreen,
  where,
}: {
  machine: MachineView;
  onOpenScreen: (id: string) => void;
  where: 'tile' | 'page';
}) {
  const { status, id, name } = machine;
  const { busy, error, run } = useAction();
  const [confirmForce, setConfirmForce] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const api = porthole();

  const exportCompose = async (): Promise<void> => {
    setNotice(null);
    try {
      const { yaml } = await api.exportCompose({ id });
      const file = await saveText(yaml, fileNameFor(name, '.compose.yml'), { private: true });
      setNotice(file ? `Saved ${file}. It holds the Windows password: keep it private.` : 'Not saved.');
    } catch (err) {
      setNotice(errorText(err));
    }
  };

  const primary = (label: string, onClick: () => void, tone = 'primary') => (
    <button className={tone} disabled={busy} onClick={onClick} data-testid="primary-action">
      {label}
      <NameForReaders name={name} />
    </button>
  );
  let main = null;
  if (status.phase === 'pulling') main = primary('Cancel download', () => run(() => api.stopMachine({ id })), '');
  else if (status.failure && fixApplies(machine)) main = <FailureFix machine={machine} />;
  else if (status.failure && canStart(status)) main = primary('Try again', () => run(() => api.startMachine({ id })));
  else if (canShowScreen(status)) main = primary('Show screen', () => onOpenScreen(id));
  else if (canStart(status)) main = primary('Start', () => run(() => api.startMachine({ id })));

  const items = menuItems(machine, where, busy, run, {
    forceOff: () => setConfirmForce(true),
    exportCompose: () => void exportCompose(),
    remove: () => setDeleting(true),
  });

  return (
    <>
      <div className="machine-actions">
        {main}
        <MenuButton label={`More for ${name}`} className="ghost icon" items={items} testId="machine-menu">
          <span aria-hidden="true">⋯</span>
        </MenuButton>
      </div>
      <WorkNotes error={error} />
      {notice ? (
        <p className="muted" role="status">
          {notice}
        </p>
      ) : null}
      {confirmForce && status.running ? (
        <ForceOffDialog
          name={name}
          onCancel={() => setConfirmForce(false)}
          onForceOff={() => {
            setConfirmForce(false);
            run(() => api.forceStopMachine({ id }));
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteMachine machine={machine} onClose={() => setDeleting(false)} onDeleted={() => navigate('/')} />
      ) : null}
    </>
  );
}
