import { useState, type ReactElement } from 'react';
import type { MachineView } from '@porthole/api';
import { desktopBridge } from '../api/desktop';
import { porthole } from '../api/porthole';
import { useAction } from '../app/use-action';
import { navigate } from '../app/hash-route';
import { FixCommands } from '../check/FixCommands';
import { machineRoute, NameForReaders } from './names';

/** The one button of the KVM failure: its label is the consent, so one click both agrees and starts. */
export const EMULATION_FIX_LABEL = 'Run in software emulation (about 10× slower) and start';

/** Whether the failure's fix would change anything (software emulation on a machine already in it would not). */
export function fixApplies(machine: MachineView): boolean {
  const fix = machine.status.failure?.fix;
  if (!fix) return false;
  return fix !== 'software-emulation' || machine.kvm;
}

/** Make room: the button, then the folder whose disk needs free space (the backend names it). */
function MakeRoomFix({
  busy,
  name,
  folder,
  onMakeRoom,
}: {
  busy: boolean;
  name: string;
  folder: string | null;
  onMakeRoom: () => void;
}) {
  return (
    <>
      <button className="primary" disabled={busy} onClick={onMakeRoom}>
        Make room…
        <NameForReaders name={name} />
      </button>
      {folder ? (
        <div data-testid="make-room-folder">
          <p>
            Free space on the disk that holds this folder (delete files there or elsewhere on that disk), then start
            again:
          </p>
          <FixCommands commands={[folder]} />
        </div>
      ) : null}
    </>
  );
}

/**
 * The remedy the backend offers on a failure (`failure.fix`), as one button that the backend applies
 * (`fixMachine`), so the app, the web host and the CLI fix a machine the same way.
 */
export function FailureFix({ machine }: { machine: MachineView }) {
  const fix = machine.status.failure?.fix;
  const { busy, error, run } = useAction();
  const [folder, setFolder] = useState<string | null>(null);
  const api = porthole();
  const desktop = desktopBridge();
  const { id } = machine;

  let body: ReactElement | null = null;
  switch (fix) {
    case 'software-emulation':
      // Already in software emulation: the button would change nothing.
      if (!machine.kvm) return null;
      body = (
        <button className="primary" disabled={busy} onClick={() => run(() => api.fixMachine({ id, fix }))}>
          {EMULATION_FIX_LABEL}
          <NameForReaders name={machine.name} />
        </button>
      );
      break;
    case 'other-ports':
      body = (
        <button className="primary" disabled={busy} onClick={() => run(() => api.fixMachine({ id, fix }))}>
          Pick other ports and start
          <NameForReaders name={machine.name} />
        </button>
      );
      break;
    case 'choose-iso':
      body = (
        <button
          className="primary"
          disabled={busy}
          onClick={() =>
            desktop
              ? run(async () => {
                  const iso = await desktop.pickIso();
                  if (iso) await api.fixMachine({ id, fix, iso });
                })
              : // The web host has no file picker that gives a path: the settings page takes the ISO's path.
                navigate(machineRoute(id, 'settings'))
          }
        >
          Choose another ISO…
          <NameForReaders name={machine.name} />
        </button>
      );
      break;
    case 'make-room':
      body = (
        <MakeRoomFix
          busy={busy}
          name={machine.name}
          folder={folder}
          onMakeRoom={() =>
            run(async () => {
              const result = await api.fixMachine({ id, fix });
              setFolder(result.folder ?? null);
              await desktop?.openMachineFolder(id);
            })
          }
        />
      );
      break;
    default:
      return null;
  }
  return (
    <div className="failure-fix">
      {body}
      {error ? <p role="alert">{error}</p> : null}
    </div>
  );
}
