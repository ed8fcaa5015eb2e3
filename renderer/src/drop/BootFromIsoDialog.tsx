import { useEffect, useState } from 'react';
import { changeWarnings, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { fileName } from '../machine-form/form/iso-choice';
import { probablyInstalled, settingsOf } from '../machine-form/form/machine-form';
import { Dialog } from '../ui/Dialog';
import { WorkNotes } from '../ui/WorkNotes';
import { errorText } from '../ui/error-text';
import { startAndWatch } from '../wizard/start-and-settle';
import { IsoFacts, type ConfirmProps, type WorkReport } from './IsoFacts';

/** Set the machine's DVD to the ISO, then start it (or restart it when running): each failure said in plain words. */
async function bootFromIso(
  machine: MachineView,
  path: string,
  running: boolean,
  { setWorking, setError, onDone }: WorkReport & { onDone: (message: string) => void },
): Promise<void> {
  const api = porthole();
  setError(null);
  setWorking('Saving…');
  try {
    await api.updateMachine({ id: machine.id, changes: { customIso: path } });
  } catch (e) {
    setWorking(null);
    setError(`${errorText(e)} Nothing was changed.`);
    return;
  }
  try {
    if (running) {
      setWorking('Shutting Windows down, then starting again from the ISO…');
      await api.applyMachine({ id: machine.id });
    } else {
      setWorking('Starting from the ISO…');
      await startAndWatch(api, machine.id);
    }
    onDone(`“${machine.name}” is starting from ${fileName(path)}.`);
  } catch (e) {
    setWorking(null);
    setError(`“${machine.name}” is set to boot from ${fileName(path)}, but it did not start: ${errorText(e)}`);
  }
}

/** The machine the ISO was dropped on, read once; a failed read goes to `setError`. */
function useDroppedOnMachine(machineId: string, setError: (error: string) => void): MachineView | null {
  const [machine, setMachine] = useState<MachineView | null>(null);
  useEffect(() => {
    let live = true;
    porthole()
      .getMachine({ id: machineId })
      .then(
        (m) => live && setMachine(m),
        (e: unknown) => live && setError(`Porthole could not find the machine: ${errorText(e)} Nothing was changed.`),
      );
    return () => {
      live = false;
    };
  }, [machineId, setError]);
  return machine;
}

/** A dropped ISO on a machine's window: boot (or install) that machine from it, after one confirmation. */
export function BootFromIsoDialog({ machineId, path, info, onClose, onDone }: ConfirmProps & { machineId: string }) {
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const machine = useDroppedOnMachine(machineId, setError);

  const running = machine?.status.running ?? false;
  const warnings = machine
    ? changeWarnings(
        settingsOf(machine),
        { ...settingsOf(machine), customIso: path },
        { installed: probablyInstalled(machine) },
      )
    : [];

  const go = async (): Promise<void> => {
    if (!machine) return;
    await bootFromIso(machine, path, running, { setWorking, setError, onDone });
  };

  return (
    <Dialog
      title={machine ? `Boot “${machine.name}” from this ISO?` : 'Boot this machine from the ISO?'}
      onClose={working ? undefined : onClose}
      testId="drop-dialog"
      actions={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={working !== null}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            data-autofocus
            onClick={() => void go()}
            disabled={!machine || working !== null}
          >
            {running ? 'Restart from this ISO' : 'Start from this ISO'}
          </button>
        </>
      }
    >
      <IsoFacts path={path} info={info} />
      {machine ? (
        <p>
          {running
            ? `Porthole shuts “${machine.name}” down gracefully, recreates it with this ISO in its DVD drive and starts it again; the machine boots from the ISO. Its disk is kept.`
            : `Porthole starts “${machine.name}” with this ISO in its DVD drive; the machine boots from it. Its disk is kept.`}
        </p>
      ) : null}
      {warnings.map((w) => (
        <p key={w} className="notice">
          {w}
        </p>
      ))}
      <WorkNotes working={working} error={error} />
    </Dialog>
  );
}
