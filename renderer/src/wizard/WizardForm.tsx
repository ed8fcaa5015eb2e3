import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import {
  validateHostPath,
  versionName,
  versionRequirements,
  type CreationDefaults,
  type IsoInfo,
  type MachineView,
} from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hooks';
import { useIsoDropClaim } from '../drop/claim';
import { AccountFields, LocaleFields } from '../machine-form/controls/AccountFields';
import { ResourceFields } from '../machine-form/controls/ResourceFields';
import {
  AccelerationField,
  ImageField,
  SharedFoldersEditor,
  StorageField,
} from '../machine-form/controls/StorageFields';
import { WindowsPicker } from '../machine-form/controls/WindowsPicker';
import {
  diskRange,
  formErrors,
  formWarnings,
  freeGiB,
  type FormContext,
  type Problems,
} from '../machine-form/form/checks';
import { useExistingInstall, useFolderChecks, useHostDefaults, useIsoCheck } from '../machine-form/form/host-checks';
import { nameFromIso } from '../machine-form/form/iso-choice';
import {
  draftFromForm,
  newMachineFolder,
  newMachineForm,
  suggestName,
  type FormField,
  type MachineForm,
} from '../machine-form/form/machine-form';
import { Field } from '../ui/Field';
import { errorText } from '../ui/errors';
import { clearOfferedIso, offeredIso } from './handoff';
import { ExistingInstallChoice } from './ExistingInstall';
import { Review } from './Review';
import { startAndWatch } from './start-and-settle';
import { STEPS, stepOf } from './steps';

/** `#/new`: a new machine in four steps. Measures the host first: every default comes from it. */

function autoName(form: MachineForm, otherNames: readonly string[]): string {
  const base =
    form.source === 'iso'
      ? form.customIso.trim()
        ? nameFromIso(form.customIso)
        : 'My ISO'
      : versionName(form.version);
  return suggestName(base, otherNames);
}

interface CreatedButStopped {
  name: string;
  message: string;
}

/** The wizard's steps, from the defaults measured for this computer. */
export function WizardForm({ initial, machines }: { initial: CreationDefaults; machines: readonly MachineView[] }) {
  // While creating, the list is frozen: the new machine must not clash with itself.
  const [frozen, setFrozen] = useState<readonly MachineView[] | null>(null);
  const others = frozen ?? machines;
  const otherNames = others.map((m) => m.name);
  const [form, setForm] = useState<MachineForm>(() => {
    const start = newMachineForm(initial, otherNames);
    const iso = offeredIso();
    return iso ? { ...start, source: 'iso', customIso: iso } : start;
  });
  useEffect(() => clearOfferedIso(), []);
  const [nameEdited, setNameEdited] = useState(false);
  const [step, setStep] = useState(0);
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(() => new Set());
  const [attempted, setAttempted] = useState<ReadonlySet<number>>(() => new Set());
  const [creating, setCreating] = useState<string | null>(null);
  const [createError, setCreateError] = useState<string | null>(null);
  const [stopped, setStopped] = useState<CreatedButStopped | null>(null);
  const body = useRef<HTMLDivElement>(null);

  const { defaults: measured, measuring } = useHostDefaults(form.storageLocation);
  const host = measured ?? initial;
  const iso = useIsoCheck(form.source === 'iso' ? form.customIso : '');
  const folderChecks = useFolderChecks(form.sharedFolders.map((f) => f.hostPath));

  const named: MachineForm = nameEdited ? form : { ...form, name: autoName(form, otherNames) };
  const folderOk =
    validateHostPath(named.storageLocation.trim(), 'storage folder') === null && named.name.trim() !== '';
  const existingInstall = useExistingInstall(folderOk ? newMachineFolder(named) : null);
  // "Use it" holds only for the folder it was chosen for: another name or location is a fresh install again.
  const effective: MachineForm = { ...named, useExistingInstall: Boolean(existingInstall && form.useExistingInstall) };
  const ctx: FormContext = { mode: 'create', host, others, iso, folders: folderChecks, existingInstall };
  const errors = formErrors(effective, ctx);
  const warnings = formWarnings(effective, ctx);

  const update = useCallback(
    (part: Partial<MachineForm>): void => {
      setForm((f) => {
        const next = { ...f, ...part };
        // Choosing a Windows that needs a larger disk raises the disk to fit it (a typed size is left alone).
        const windowsChosen = 'version' in part || 'source' in part;
        const { minDiskGiB } = versionRequirements(next.version, next.source === 'iso' ? next.customIso || '/' : null);
        if (windowsChosen && Number.isInteger(next.diskGiB) && next.diskGiB < minDiskGiB) {
          const free = freeGiB(host);
          next.diskGiB = Math.max(minDiskGiB, Math.min(initial.diskGiB, free ?? initial.diskGiB));
        }
        return next;
      });
      setTouched((t) => new Set([...t, ...(Object.keys(part) as FormField[])]));
    },
    [host, initial.diskGiB],
  );

  // An ISO dropped on the window while the wizard is open becomes its ISO.
  const onDroppedIso = useCallback(
    (path: string, _info: IsoInfo) => {
      update({ source: 'iso', customIso: path });
      setStep(0);
    },
    [update],
  );
  useIsoDropClaim('Drop the ISO to install the new machine from it', onDroppedIso);

  const visible: Problems = {};
  for (const [field, message] of Object.entries(errors) as Array<[FormField, string]>) {
    const at = stepOf(field);
    if (touched.has(field) || attempted.has(at) || at < step) visible[field] = message;
  }
  // Every problem holds up its own step, the software-emulation consent too: it is asked where it is shown.
  const stepProblems = (index: number): FormField[] =>
    (STEPS[index]?.fields ?? []).filter((f) => errors[f] !== undefined);
  const reachable = (index: number): boolean =>
    index <= step || STEPS.slice(0, index).every((_, i) => stepProblems(i).length === 0);

  const focusFirstInvalid = (): void => {
    setTimeout(() => body.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
  };

  const next = (): void => {
    if (stepProblems(step).length > 0) {
      setAttempted((a) => new Set([...a, step]));
      focusFirstInvalid();
      return;
    }
    setStep((s) => Math.min(STEPS.length - 1, s + 1));
  };

  const create = async (): Promise<void> => {
    if (Object.keys(errors).length > 0) {
      setAttempted(new Set(STEPS.map((_, i) => i)));
      return;
    }
    const api = porthole();
    setCreateError(null);
    setCreating('Creating the machine…');
    setFrozen([...machines]);
    let view: MachineView;
    try {
      view = await api.createMachine(draftFromForm(effective, host.storageRoot));
    } catch (e) {
      setFrozen(null);
      setCreating(null);
      setCreateError(`Porthole could not create the machine: ${errorText(e)} Nothing was created.`);
      return;
    }
    setCreating(`Starting “${view.name}”…`);
    try {
      await startAndWatch(api, view.id);
      navigate('/');
    } catch (e) {
      setCreating(null);
      setStopped({ name: view.name, message: errorText(e) });
    }
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (creating) return;
    if (STEPS[step]?.id === 'review') void create();
    else next();
  };

  if (stopped) {
    return (
      <section className="panel wizard-done" aria-label="New machine">
        <h2>“{stopped.name}” was created, but it did not start</h2>
        <div className="failure" role="alert">
          {stopped.message}
        </div>
        <p>Fix what the message says, then start the machine from the list. Its settings are kept.</p>
        <div className="actions">
          <button type="button" className="primary" onClick={() => navigate('/')}>
            Go to the machine list
          </button>
        </div>
      </section>
    );
  }

  const current = STEPS[step]!;
  const blocking = Object.values(errors);
  const machineFolder = errors.storageLocation ? null : newMachineFolder(effective);
  const chooseAnotherFolder = (): void => {
    update({ useExistingInstall: false });
    setStep(stepOf('storageLocation'));
    // The storage location is typed or picked there; a new name gives a new folder too.
    setTimeout(() => body.current?.querySelector<HTMLElement>('.storage-location input')?.focus(), 0);
  };
  const existingNotice = existingInstall ? (
    <ExistingInstallChoice
      found={existingInstall}
      using={effective.useExistingInstall === true}
      onUse={() => update({ useExistingInstall: true })}
      onChooseAnother={chooseAnotherFolder}
      error={visible.useExistingInstall}
    />
  ) : null;

  return (
    <form className="wizard" aria-label="New machine" onSubmit={submit} noValidate>
      <nav className="wizard-steps" aria-label="Steps">
        <h2>New machine</h2>
        <ol>
          {STEPS.map((s, i) => {
            const done = i < step && stepProblems(i).length === 0;
            return (
              <li key={s.id}>
                <button
                  type="button"
                  className={`step${i === step ? ' step-current' : ''}${done ? ' step-done' : ''}`}
                  aria-current={i === step ? 'step' : undefined}
                  disabled={!reachable(i) || creating !== null}
                  onClick={() => setStep(i)}
                >
                  <span className="step-number" aria-hidden="true">
                    {done ? '✓' : i + 1}
                  </span>
                  {s.title}
                </button>
              </li>
            );
          })}
        </ol>
      </nav>

      <section className="wizard-page" aria-labelledby="wizard-step-title">
        <header className="wizard-header">
          <h3 id="wizard-step-title">
            <span className="muted">
              Step {step + 1} of {STEPS.length} ·{' '}
            </span>
            {current.title}
          </h3>
          <p className="muted">{current.intro}</p>
        </header>

        <div className="wizard-body" ref={body} data-testid={`wizard-step-${current.id}`}>
          {current.id === 'windows' ? (
            <>
              <Field label="Name" error={visible.name} hint="How Porthole lists the machine.">
                {(control) => (
                  <input
                    {...control}
                    value={effective.name}
                    maxLength={80}
                    autoComplete="off"
                    onChange={(e) => {
                      setNameEdited(true);
                      update({ name: e.target.value });
                    }}
                  />
                )}
              </Field>
              {/* Right under the name: the name gives the folder, and the folder holds that Windows. */}
              {existingNotice}
              <WindowsPicker
                source={form.source}
                version={form.version}
                customIso={form.customIso}
                iso={iso}
                onChange={update}
                versionError={visible.version}
                isoError={form.source === 'iso' && form.customIso.trim() ? errors.customIso : visible.customIso}
                dropHint
                engineHost={host.storageHost}
              />
            </>
          ) : null}

          {current.id === 'account' ? (
            <>
              <LocaleFields value={form} onChange={update} errors={visible} hostKeyboard={host.keyboard} />
              <AccountFields
                value={form}
                onChange={update}
                errors={visible}
                mode="create"
                existingInstall={effective.useExistingInstall}
              />
            </>
          ) : null}

          {current.id === 'resources' ? (
            <>
              <ResourceFields
                value={form}
                onChange={update}
                host={host}
                diskRange={diskRange(effective, ctx)}
                diskHint={`${form.source === 'iso' ? 'Your ISO' : versionName(form.version)} needs at least ${diskRange(effective, ctx).min} GB. The disk file takes space only as Windows fills it; it can grow later, never shrink.`}
                errors={visible}
                warnings={warnings}
              />
              <StorageField
                location={form.storageLocation}
                machineFolder={machineFolder}
                onChange={(storageLocation) => update({ storageLocation })}
                host={measured}
                measuring={measuring}
                error={visible.storageLocation}
                warning={warnings.storageLocation}
              />
              {existingNotice}
              <AccelerationField
                host={host}
                emulation={form.softwareEmulation}
                onChange={(softwareEmulation) => update({ softwareEmulation })}
                mode="create"
                error={visible.softwareEmulation}
              />
              <SharedFoldersEditor
                folders={form.sharedFolders}
                onChange={(sharedFolders) => update({ sharedFolders })}
                error={visible.sharedFolders}
                missing={
                  new Set(
                    Object.entries(folderChecks)
                      .filter(([, exists]) => !exists)
                      .map(([p]) => p),
                  )
                }
                engineHost={host.storageHost}
              />
              <details className="advanced" open={Boolean(form.image) || Boolean(visible.image)}>
                <summary>Advanced</summary>
                <div className="advanced-body">
                  <ImageField
                    image={form.image}
                    defaultImage={host.image}
                    onChange={(image) => update({ image })}
                    error={visible.image}
                    warning={warnings.image}
                  />
                  <label className="checkbox-row">
                    <input
                      type="checkbox"
                      checked={form.autoStart}
                      onChange={(e) => update({ autoStart: e.target.checked })}
                    />
                    Start this machine when Porthole starts
                  </label>
                </div>
              </details>
            </>
          ) : null}

          {current.id === 'review' ? (
            <Review
              form={effective}
              host={host}
              iso={iso}
              machineFolder={machineFolder}
              existingInstall={effective.useExistingInstall ? existingInstall : null}
              errors={errors}
              onEdit={setStep}
            />
          ) : null}
        </div>

        {createError ? (
          <div className="failure" role="alert">
            {createError}
          </div>
        ) : null}

        <footer className="wizard-actions">
          <button type="button" className="ghost" onClick={() => navigate('/')} disabled={creating !== null}>
            Cancel
          </button>
          <span className="push-right" />
          {current.id === 'review' && blocking.length > 0 ? (
            <span className="wizard-blocked" data-testid="create-blocked">
              {blocking[0]}
            </span>
          ) : null}
          {creating ? (
            <span className="muted" role="status">
              {creating}
            </span>
          ) : null}
          {step > 0 ? (
            <button type="button" onClick={() => setStep((s) => s - 1)} disabled={creating !== null}>
              Back
            </button>
          ) : null}
          {current.id === 'review' ? (
            <button type="submit" className="primary" disabled={blocking.length > 0 || creating !== null}>
              Create and start
            </button>
          ) : (
            <button type="submit" className="primary">
              Next
            </button>
          )}
        </footer>
      </section>
    </form>
  );
}
