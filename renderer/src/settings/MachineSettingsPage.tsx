import { useState, type ReactNode } from 'react';
import {
  canStart,
  canStop,
  changedFields,
  changeEffect,
  changeWarnings,
  describeChanges,
  findVersion,
  phaseLabels,
  type ChangeEffect,
  type MachineSettings,
  type MachineView,
} from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hooks';
import { DeleteMachine } from '../machines/DeleteMachine';
import { UsbDevicesSection } from '../machine-page/UsbDevicesSection';
import { phaseTone } from '../machines/phase';
import { AccountFields, LocaleFields } from '../machine-form/controls/AccountFields';
import { ResourceFields } from '../machine-form/controls/ResourceFields';
import {
  AccelerationField,
  freeSpaceText,
  ImageField,
  SharedFoldersEditor,
} from '../machine-form/controls/StorageFields';
import { WindowsPicker } from '../machine-form/controls/WindowsPicker';
import { diskRange, formErrors, formWarnings, type FormContext } from '../machine-form/form/checks';
import { useFolderChecks, useHostDefaults, useIsoCheck } from '../machine-form/form/hooks';
import {
  changesBetween,
  formFromMachine,
  probablyInstalled,
  rebaseForm,
  settingsAfter,
  settingsOf,
  type MachineForm,
} from '../machine-form/form/machine-form';
import { Dialog } from '../ui/Dialog';
import { errorText } from '../ui/errors';
import { Field } from '../ui/Field';
import '../ui/ui.css';
import '../machine-form/machine-form.css';
import { applyOutcome } from './apply-outcome';
import { ApplyFailureFix } from './ApplyFailureFix';
import { AudioField } from './AudioField';
import './settings.css';

/** Set by Windows Setup only (the answer file): an installed Windows keeps its own. */
const INSTALL_ONLY: ReadonlyArray<keyof MachineSettings> = ['language', 'region', 'keyboard', 'username', 'password'];

/** When a change takes effect, in a person's words. A recreate on a stopped machine simply waits for its next start. */
export function effectText(effect: ChangeEffect, running: boolean): string {
  if (effect === 'now') return 'Applies at once.';
  if (effect === 'next-start' || !running) {
    return 'The machine is stopped: this applies at its next start (Porthole recreates it then, keeping the disk).';
  }
  return 'Applies when you press Apply: Porthole shuts Windows down gracefully, recreates the machine and starts it again. The disk is kept.';
}

function effectTag(effect: ChangeEffect, running: boolean): string {
  if (effect === 'now') return 'Changed · applies at once';
  return running ? 'Changed · applies after a restart' : 'Changed · applies at next start';
}

/** `#/machine/<id>`: the same controls as the wizard, for a machine that exists. */
export function MachineSettingsPage({
  machine,
  loaded,
  machines,
}: {
  machine: MachineView | null;
  loaded: boolean;
  machines: readonly MachineView[];
}) {
  if (!machine) {
    return (
      <section className="panel settings-missing">
        <p className="muted">{loaded ? 'This machine does not exist (any more).' : 'Loading…'}</p>
        <button type="button" onClick={() => navigate('/')}>
          Back to machines
        </button>
      </section>
    );
  }
  return <SettingsForm key={machine.id} machine={machine} machines={machines} />;
}

function Section({
  title,
  tag,
  children,
  testId,
}: {
  title: string;
  tag?: string | null | undefined;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="settings-section" data-testid={testId}>
      <header>
        <h3>{title}</h3>
        {tag ? <span className="change-tag">{tag}</span> : null}
      </header>
      {children}
    </section>
  );
}

function SettingsForm({ machine, machines }: { machine: MachineView; machines: readonly MachineView[] }) {
  const live = formFromMachine(machine);
  const [base, setBase] = useState<MachineForm>(live);
  const [form, setForm] = useState<MachineForm>(live);
  if (JSON.stringify(live) !== JSON.stringify(base)) {
    setBase(live);
    setForm(rebaseForm(form, base, live));
  }
  const [pickWindows, setPickWindows] = useState(false);
  const [confirming, setConfirming] = useState(false);
  /** What the backend asked the person to agree to before it saves (a disk that can outgrow the free space). */
  const [asked, setAsked] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [working, setWorking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // After "Restart and apply": the outcome follows the machine's live phase, not the call's answer alone.
  const [following, setFollowing] = useState(false);

  const { defaults: host, measuring } = useHostDefaults(machine.storageDir);
  const isoChanged = form.source === 'iso' && form.customIso.trim() !== (machine.customIso ?? '');
  const iso = useIsoCheck(isoChanged ? form.customIso : '');
  const folderChecks = useFolderChecks(form.sharedFolders.map((f) => f.hostPath));
  const others = machines.filter((m) => m.id !== machine.id);
  const ctx: FormContext = {
    mode: 'change',
    host,
    others,
    currentDiskGiB: machine.diskGiB,
    currentEmulation: !machine.kvm,
    iso,
    folders: folderChecks,
  };
  const errors = formErrors(form, ctx);
  if (form.source === 'iso' && !isoChanged) delete errors.customIso;
  const warnings = formWarnings(form, ctx);

  const running = machine.status.running;
  const before = settingsOf(machine);
  const after = settingsAfter(before, form);
  const changes = changesBetween(before, after);
  const changed = Object.keys(changes).length > 0;
  const effect = changeEffect(before, after);
  const lines = describeChanges(before, after);
  const installed = probablyInstalled(machine);
  const cautions = changeWarnings(before, after, { installed });
  const problems = Object.values(errors);
  // Language, region, keyboard, account: written by Windows Setup only. On an installed Windows a change is
  // kept for a new installation and changes nothing now, so it neither says "after a restart" nor restarts.
  const installOnly = installed && changed && changedFields(before, after).every((f) => INSTALL_ONLY.includes(f));
  const outcome = following ? applyOutcome(machine.status) : null;

  /** The tag of a section whose settings changed: when that part applies. */
  const tagFor = (fields: ReadonlyArray<keyof MachineSettings>): string | null => {
    const partial: Record<string, unknown> = { ...before };
    for (const f of fields) partial[f] = after[f];
    const only = partial as unknown as MachineSettings;
    const fieldsChanged = changedFields(before, only);
    if (fieldsChanged.length === 0) return null;
    if (installed && fieldsChanged.every((f) => INSTALL_ONLY.includes(f))) return 'Changed · for a new install only';
    return effectTag(changeEffect(before, only), running);
  };

  const update = (part: Partial<MachineForm>): void => {
    setNotice(null);
    setError(null);
    setFollowing(false);
    setForm((f) => ({ ...f, ...part }));
  };

  /** `confirmed`: the person agreed in the dialog to everything it said (the cautions, and what the backend asked). */
  const apply = async (confirmed = false): Promise<void> => {
    setConfirming(false);
    setError(null);
    setNotice(null);
    setFollowing(false);
    const api = porthole();
    setWorking('Saving…');
    let appliesAt: ChangeEffect;
    try {
      ({ appliesAt } = await api.updateMachine({ id: machine.id, changes, ...(confirmed ? { confirmed: true } : {}) }));
    } catch (e) {
      setWorking(null);
      if ((e as { code?: unknown }).code === 'CONFIRMATION_NEEDED' && !confirmed) {
        // Asked, not refused: say what it means in the dialog, and save only once the person agrees.
        setAsked((e as Error).message.replace(/ Nothing was changed\.$/, ''));
        setConfirming(true);
        return;
      }
      setError(`${errorText(e)} Nothing was changed.`);
      return;
    }
    setAsked(null);
    setForm((f) => ({ ...f, password: '' }));
    if (installOnly) {
      setNotice('Saved for a new installation: the installed Windows keeps its own. Change it inside Windows.');
    } else if (appliesAt === 'recreate' && running) {
      setWorking('Shutting Windows down, recreating the machine and starting it again…');
      try {
        await api.applyMachine({ id: machine.id });
        setFollowing(true);
      } catch (e) {
        setError(
          `The settings are saved, but the machine did not restart with them: ${errorText(e)} They apply at its next start.`,
        );
      }
    } else {
      setNotice(appliesAt === 'now' ? 'Saved.' : 'Saved: the changes apply at the machine’s next start.');
    }
    setWorking(null);
  };

  const onApply = (): void => {
    if ((effect === 'recreate' && running && !installOnly) || cautions.length > 0) setConfirming(true);
    else void apply();
  };

  const power = (op: 'start' | 'stop'): void => {
    setError(null);
    setNotice(null);
    const api = porthole();
    (op === 'start' ? api.startMachine({ id: machine.id }) : api.stopMachine({ id: machine.id })).catch((e: unknown) =>
      setError(errorText(e)),
    );
  };

  const version = findVersion(machine.version);
  const windowsNow = machine.customIso ? `Custom ISO ${machine.customIso}` : (version?.name ?? machine.version);
  const missing = new Set(
    Object.entries(folderChecks)
      .filter(([, exists]) => !exists)
      .map(([p]) => p),
  );

  return (
    <div className="settings-page" aria-label={`Settings of ${machine.name}`} role="region">
      {/* The machine page around this tab has the name, the way back and the menu: here, only what settings need of its power. */}
      <header className="settings-header">
        <span
          className={`phase phase-${phaseTone(machine.status.phase)}`}
          data-testid="settings-phase"
          data-phase={machine.status.phase}
        >
          {phaseLabels[machine.status.phase]}
        </span>
        <span className="push-right" />
        {canStart(machine.status) ? (
          <button type="button" onClick={() => power('start')} disabled={working !== null}>
            Start
          </button>
        ) : null}
        {canStop(machine.status) ? (
          <button
            type="button"
            onClick={() => power('stop')}
            disabled={working !== null || machine.status.phase === 'stopping'}
          >
            Shut down
          </button>
        ) : null}
      </header>

      <Section title="General" tag={tagFor(['name', 'autoStart'])}>
        <div className="field-grid">
          <Field label="Name" error={errors.name}>
            {(control) => (
              <input {...control} value={form.name} maxLength={80} onChange={(e) => update({ name: e.target.value })} />
            )}
          </Field>
        </div>
        <label className="checkbox-row">
          <input type="checkbox" checked={form.autoStart} onChange={(e) => update({ autoStart: e.target.checked })} />
          Start this machine when Porthole starts
        </label>
      </Section>

      <Section title="Windows" tag={tagFor(['version', 'customIso'])}>
        {pickWindows ||
        form.source !== (machine.customIso ? 'iso' : 'download') ||
        form.version !== machine.version ||
        isoChanged ? (
          <WindowsPicker
            source={form.source}
            version={form.version}
            customIso={form.customIso}
            iso={iso}
            onChange={update}
            versionError={errors.version}
            isoError={errors.customIso}
            engineHost={host?.storageHost}
          />
        ) : (
          <p className="windows-now">
            <span>{windowsNow}</span>
            <button type="button" onClick={() => setPickWindows(true)}>
              Change…
            </button>
          </p>
        )}
        <p className="field-hint">
          Another Windows or ISO means a new installation: the image keeps the old disk in a backups folder.
        </p>
      </Section>

      <Section title="Language and account" tag={tagFor(['language', 'region', 'keyboard', 'username', 'password'])}>
        {installed ? (
          <p className="field-hint" data-testid="install-only">
            Windows is installed: its language, region, keyboard and account were set then. Changing them here changes
            nothing in this Windows (change them inside Windows); they apply if Windows is installed again.
          </p>
        ) : null}
        <LocaleFields value={form} onChange={update} errors={errors} hostKeyboard={host?.keyboard} />
        <AccountFields value={form} onChange={update} errors={errors} mode="change" hasPassword={machine.hasPassword} />
      </Section>

      <Section
        title="Resources"
        tag={tagFor(['ramGiB', 'cpuCores', 'diskGiB', 'ballooning'])}
        testId="settings-resources"
      >
        <ResourceFields
          value={form}
          onChange={update}
          host={host}
          diskRange={diskRange(form, ctx)}
          diskHint={`The disk is ${machine.diskGiB} GB and cannot shrink: Windows’ partition fills it. It can grow; Windows then shows the added space as unallocated.`}
          errors={errors}
          warnings={warnings}
        />
        <label className="checkbox-row">
          <input
            type="checkbox"
            checked={form.ballooning ?? false}
            onChange={(e) => update({ ballooning: e.target.checked })}
          />
          Let Windows give unused memory back to Linux
        </label>
        <p className="field-hint">
          Windows then returns memory only while this computer runs short of it, always keeps a third, and needs the
          balloon driver its installation adds.
        </p>
      </Section>

      <Section title="Storage and sharing" tag={tagFor(['sharedFolders'])}>
        <p className="storage-now">
          Stored in <code>{machine.storageDir}</code>
          {host?.storageHost ? ` on ${host.storageHost}, the computer the engine runs machines on` : ''} ·{' '}
          {freeSpaceText(host, measuring)}
        </p>
        <SharedFoldersEditor
          folders={form.sharedFolders}
          onChange={(sharedFolders) => update({ sharedFolders })}
          error={errors.sharedFolders}
          missing={missing}
          engineHost={host?.storageHost}
        />
      </Section>

      <Section title="Hardware acceleration" tag={tagFor(['kvm'])}>
        <AccelerationField
          host={host}
          emulation={form.softwareEmulation}
          onChange={(softwareEmulation) => update({ softwareEmulation })}
          mode="change"
          heading={false}
          error={errors.softwareEmulation}
          warning={warnings.softwareEmulation}
        />
      </Section>

      <Section title="Sound" tag={tagFor(['audio'])} testId="settings-audio">
        <AudioField checked={form.audio ?? true} onChange={(audio) => update({ audio })} />
      </Section>

      <Section title="USB devices" tag={tagFor(['usbDevices'])} testId="settings-usb">
        <UsbDevicesSection
          value={form.usbDevices ?? []}
          onChange={(usbDevices) => update({ usbDevices })}
          running={running}
          machineId={machine.id}
        />
      </Section>

      <Section title="Advanced" tag={tagFor(['image'])}>
        <ImageField
          image={form.image}
          onChange={(image) => update({ image })}
          error={errors.image}
          warning={warnings.image}
        />
      </Section>

      <Section title="Delete">
        <p className="muted">Removes the machine from Porthole. You choose whether its Windows disk is kept.</p>
        <button type="button" className="danger" onClick={() => setDeleting(true)} disabled={working !== null}>
          Delete machine…
        </button>
      </Section>

      <footer className={`settings-bar${changed ? ' settings-bar-changed' : ''}`} data-testid="settings-bar">
        <div className="settings-bar-text">
          {working ? (
            <span role="status">{working}</span>
          ) : outcome && !changed ? (
            <span
              className={outcome.kind === 'failed' ? 'field-error' : 'muted'}
              role={outcome.kind === 'failed' ? 'alert' : 'status'}
              data-testid="apply-outcome"
            >
              {outcome.text}
            </span>
          ) : error ? (
            <span className="field-error" role="alert">
              {error}
            </span>
          ) : changed ? (
            <>
              <strong>
                {lines.length} change{lines.length === 1 ? '' : 's'}.
              </strong>{' '}
              <span data-testid="applies-when">
                {installOnly
                  ? 'Windows is installed: this is kept for a new installation, and the installed Windows keeps its own.'
                  : effectText(effect, running)}
              </span>
              {problems.length > 0 ? <span className="field-error"> {problems[0]}</span> : null}
            </>
          ) : (
            <span className="muted" role="status">
              {notice ?? 'No changes.'}
            </span>
          )}
        </div>
        {outcome?.kind === 'failed' && !changed ? <ApplyFailureFix machine={machine} /> : null}
        <button type="button" className="ghost" disabled={!changed || working !== null} onClick={() => setForm(live)}>
          Discard
        </button>
        <button
          type="button"
          className="primary"
          disabled={!changed || problems.length > 0 || working !== null}
          onClick={onApply}
        >
          Apply
        </button>
      </footer>

      {confirming ? (
        <Dialog
          title={
            running && effect === 'recreate' && !installOnly
              ? `Restart “${machine.name}” with the new settings?`
              : 'Apply these changes?'
          }
          onClose={() => {
            setConfirming(false);
            setAsked(null);
          }}
          testId="apply-dialog"
          actions={
            <>
              <button
                type="button"
                className="ghost"
                onClick={() => {
                  setConfirming(false);
                  setAsked(null);
                }}
              >
                Cancel
              </button>
              <button type="button" className="primary" data-autofocus onClick={() => void apply(true)}>
                {running && effect === 'recreate' && !installOnly ? 'Restart and apply' : 'Apply'}
              </button>
            </>
          }
        >
          <ul className="plain change-list">
            {lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {installOnly ? null : <p>{effectText(effect, running)}</p>}
          {[...cautions, ...(asked ? [asked] : [])].map((c) => (
            <p key={c} className="notice">
              {c}
            </p>
          ))}
        </Dialog>
      ) : null}

      {deleting ? (
        <DeleteMachine machine={machine} onClose={() => setDeleting(false)} onDeleted={() => navigate('/')} />
      ) : null}
    </div>
  );
}
