import { useEffect, useState } from 'react';
import type { CreationDefaults, MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hash-route';
import { needsSoftwareEmulation } from '../machine-form/form/checks';
import { fileName, nameFromIso } from '../machine-form/form/iso-choice';
import { suggestName } from '../machine-form/form/machine-form';
import { Dialog } from '../ui/Dialog';
import { WorkNotes } from '../ui/WorkNotes';
import { errorText } from '../ui/error-text';
import { offerIsoToWizard } from '../wizard/handoff';
import { startAndWatch } from '../wizard/start-and-settle';
import { IsoFacts, type ConfirmProps, type WorkReport } from './IsoFacts';

/** Create the machine booting from the ISO, then start it: each failure said in plain words. */
async function createFromIso(
  request: { name: string; path: string; emulation: boolean },
  { setWorking, setError, onDone }: WorkReport & { onDone: (message: string) => void },
): Promise<void> {
  const api = porthole();
  setError(null);
  setWorking('Creating the machine…');
  let created: MachineView;
  try {
    created = await api.createMachine({ name: request.name, customIso: request.path, kvm: !request.emulation });
  } catch (e) {
    setWorking(null);
    setError(`${errorText(e)} Nothing was created.`);
    return;
  }
  try {
    setWorking(`Starting “${created.name}”…`);
    await startAndWatch(api, created.id);
    navigate('/');
    onDone(`“${created.name}” is starting from ${fileName(request.path)}.`);
  } catch (e) {
    setWorking(null);
    setError(
      `“${created.name}” was created, but it did not start: ${errorText(e)} Start it from the machine list once fixed.`,
    );
  }
}

/** This computer's creation defaults and the names already taken, read once; a failed read goes to `setError`. */
function useCreationFacts(setError: (error: string) => void): { host: CreationDefaults | null; names: string[] } {
  const [host, setHost] = useState<CreationDefaults | null>(null);
  const [names, setNames] = useState<string[]>([]);
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
  }, [setError]);
  return { host, names };
}

/** Without KVM: the warning that Windows would run in software emulation, and the box that agrees to it. */
function EmulationConsent({ consent, onConsent }: { consent: boolean; onConsent: (consent: boolean) => void }) {
  return (
    <>
      <p className="notice">
        Hardware acceleration (KVM) does not work for machines on this computer, so Windows would run in software
        emulation: it works, but about ten times slower.
      </p>
      <label className="checkbox-row">
        <input type="checkbox" checked={consent} onChange={(e) => onConsent(e.target.checked)} />
        Run it in software emulation (about 10× slower)
      </label>
    </>
  );
}

/** A dropped ISO on the main window: a new machine from it with this computer's defaults, or the wizard to adjust them. */
export function NewMachineFromIsoDialog({ path, info, onClose, onDone }: ConfirmProps) {
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const [consent, setConsent] = useState(false);
  const { host, names } = useCreationFacts(setError);

  const emulation = host ? needsSoftwareEmulation(host) : false;
  const name = suggestName(nameFromIso(path), names);
  const blocked = !host
    ? 'Measuring this computer…'
    : emulation && !consent
      ? 'Tick the box above to run Windows in software emulation.'
      : null;

  const create = async (): Promise<void> => {
    if (!host || blocked) return;
    await createFromIso({ name, path, emulation }, { setWorking, setError, onDone });
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
      {emulation ? <EmulationConsent consent={consent} onConsent={setConsent} /> : null}
      {blocked && host ? <p className="field-hint">{blocked}</p> : null}
      <WorkNotes working={working} error={error} />
    </Dialog>
  );
}
