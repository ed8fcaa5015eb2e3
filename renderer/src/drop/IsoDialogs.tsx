import { useEffect, useState } from 'react';
import { changeWarnings, type CreationDefaults, type IsoInfo, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hooks';
import { needsSoftwareEmulation } from '../machine-form/form/checks';
import { describeIso, fileName, isoOutcome, nameFromIso } from '../machine-form/form/iso-choice';
import { probablyInstalled, settingsOf, suggestName } from '../machine-form/form/machine-form';
import { Dialog } from '../ui/Dialog';
import { WorkNotes } from '../ui/WorkNotes';
import { errorText } from '../ui/errors';
import { offerIsoToWizard } from '../wizard/handoff';
import { startAndWatch } from '../wizard/start-and-settle';

interface ConfirmProps {
  path: string;
  info: IsoInfo;
  onClose: () => void;
  /** The work is done: say so briefly. */
  onDone: (message: string) => void;
}

function IsoFacts({ path, info }: { path: string; info: IsoInfo }) {
  return (
    <div className="iso-facts">
      <code>{path}</code>
      <p className="muted">
        {describeIso(info)}. {isoOutcome(info)}
      </p>
    </div>
  );
}

/** A dropped ISO on a machine's window: boot (or install) that machine from it, after one confirmation. */
export function BootFromIsoDialog({ machineId, path, info, onClose, onDone }: ConfirmProps & { machineId: string }) {
  const [machine, setMachine] = useState<MachineView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);
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
  }, [machineId]);

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

/** A dropped ISO on the main window: a new machine from it with this computer's defaults, or the wizard to adjust them. */
export function NewMachineFromIsoDialog({ path, info, onClose, onDone }: ConfirmProps) {
  const [host, setHost] = useState<CreationDefaults | null>(null);
  const [names, setNames] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const [consent, setConsent] = useState(false);
  useEffect(() => {
    let live = true;
    const api = porthole();
    Promise.all([api.creationDefaults({}), api.listMachines({})]).then(
      ([defaults, machines]) => {
        if (!live) return;
        setHost(defaults);
        setNames(machines.map((m) => m.name));
      },
      (e: unknown) => live && setError(`Porthole could not measure this computer: ${errorText(e)}`),
    );
    return () => {
      live = false;
    };
  }, []);

  const emulation = host ? needsSoftwareEmulation(host) : false;
  const name = suggestName(nameFromIso(path), names);
  const blocked = !host
    ? 'Measuring this computer…'
    : emulation && !consent
      ? 'Tick the box above to run Windows in software emulation.'
      : null;

  const create = async (): Promise<void> => {
    if (!host || blocked) return;
    const api = porthole();
    setError(null);
    setWorking('Creating the machine…');
    let created: MachineView;
    try {
      created = await api.createMachine({ name, customIso: path, kvm: !emulation });
    } catch (e) {
      setWorking(null);
      setError(`${errorText(e)} Nothing was created.`);
      return;
    }
    try {
      setWorking(`Starting “${created.name}”…`);
      await startAndWatch(api, created.id);
      navigate('/');
      onDone(`“${created.name}” is starting from ${fileName(path)}.`);
    } catch (e) {
      setWorking(null);
      setError(
        `“${created.name}” was created, but it did not start: ${errorText(e)} Start it from the machine list once fixed.`,
      );
    }
  };

  return (
    <Dialog
      title="Create a new machine from this ISO?"
      onClose={working ? undefined : onClose}
      testId="drop-dialog"
      actions={
        <>
          <button type="button" className="ghost" onClick={onClose} disabled={working !== null}>
            Cancel
          </button>
          <button
            type="button"
            onClick={() => {
              offerIsoToWizard(path);
              onClose();
              navigate('/new');
            }}
            disabled={working !== null}
          >
            Change settings first…
          </button>
          <button
            type="button"
            className="primary"
            data-autofocus
            onClick={() => void create()}
            disabled={blocked !== null || working !== null}
          >
            Create and start
          </button>
        </>
      }
    >
      <IsoFacts path={path} info={info} />
      {host ? (
        <p>
          A new machine “{name}” boots from it, with {host.ramGiB} GB of memory, {host.cpuCores} processor cores and a{' '}
          {host.diskGiB} GB disk stored in <code>{host.storageRoot}</code>. You can change these later.
        </p>
      ) : null}
      {emulation ? (
        <>
          <p className="notice">
            Hardware acceleration (KVM) does not work for machines on this computer, so Windows would run in software
            emulation: it works, but about ten times slower.
          </p>
          <label className="checkbox-row">
            <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} />
            Run it in software emulation (about 10× slower)
          </label>
        </>
      ) : null}
      {blocked && host ? <p className="field-hint">{blocked}</p> : null}
      <WorkNotes working={working} error={error} />
    </Dialog>
  );
}
