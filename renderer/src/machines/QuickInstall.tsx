import { useEffect, useState } from 'react';
import { versionName, type CreationDefaults } from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hash-route';
import { needsSoftwareEmulation } from '../machine-form/form/checks';
import { draftFromForm, newMachineForm } from '../machine-form/form/machine-form';
import { errorText } from '../ui/error-text';
import { startAndWatch } from '../wizard/start-and-settle';
import { ImportCompose } from './ImportCompose';

/**
 * The empty machine list's one primary action: a machine with the defaults the wizard would pick
 * (Windows version, language and keyboard from the host, RAM/CPU/disk bounded by this host), created
 * and started in one click. The backend generates its password; the card shows it on request.
 * Where the host has no hardware acceleration the button itself says "software emulation": pressing
 * it is the consent, asked where the action is.
 */
export function QuickInstall() {
  const [defaults, setDefaults] = useState<CreationDefaults | null>(null);
  const [state, setState] = useState<{ busy: string | null; error: string | null }>({ busy: null, error: null });
  useEffect(() => {
    let live = true;
    porthole()
      .creationDefaults({})
      .then(
        (d) => live && setDefaults(d),
        (e: unknown) =>
          live && setState({ busy: null, error: `Porthole could not measure this computer: ${errorText(e)}` }),
      );
    return () => {
      live = false;
    };
  }, []);

  const emulation = defaults ? needsSoftwareEmulation(defaults) : false;
  const form = defaults ? { ...newMachineForm(defaults), softwareEmulation: emulation } : null;
  const label = form
    ? `Install ${versionName(form.version)}${emulation ? ' in software emulation' : ''}`
    : 'Install Windows';

  const install = async (): Promise<void> => {
    if (!defaults || !form) return;
    const api = porthole();
    setState({ busy: 'Creating the machine…', error: null });
    try {
      // No password in the draft: the backend generates a strong one.
      const { password: _none, ...draft } = draftFromForm(form, defaults.storageRoot);
      const view = await api.createMachine(draft);
      setState({ busy: `Starting “${view.name}”…`, error: null });
      await startAndWatch(api, view.id).catch((e: unknown) => {
        // The machine exists: its card takes over and shows why it did not start.
        setState({ busy: null, error: `“${view.name}” was created but did not start: ${errorText(e)}` });
      });
    } catch (e) {
      setState({ busy: null, error: `Porthole could not create the machine: ${errorText(e)} Nothing was created.` });
    }
  };

  return (
    <section className="empty">
      <h2>No Windows machine yet</h2>
      <p>Porthole downloads Windows, installs it and shows its screen here.</p>
      {form ? (
        <p className="muted" data-testid="quick-install-summary">
          {form.ramGiB} GB RAM · {form.cpuCores} CPU · {form.diskGiB} GB disk · {form.language}
          {emulation
            ? ' · this computer has no hardware acceleration: Windows runs in software emulation, much slower'
            : ''}
        </p>
      ) : null}
      {state.error ? (
        <div className="failure" role="alert">
          {state.error}
        </div>
      ) : null}
      <div className="confirm-actions">
        <button className="primary" disabled={!form || state.busy !== null} onClick={() => void install()}>
          {state.busy ?? label}
        </button>
        <button className="ghost" disabled={state.busy !== null} onClick={() => navigate('/new')}>
          Customize…
        </button>
      </div>
      <p className="muted">
        Already running Windows with dockur’s compose file? Import it: Porthole keeps the Windows it installed.
      </p>
      <ImportCompose />
    </section>
  );
}
