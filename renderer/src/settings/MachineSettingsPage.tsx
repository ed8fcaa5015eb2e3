import { useState } from 'react';
import type { MachineView } from '@porthole/api';
import { navigate } from '../app/hash-route';
import { DeleteMachine } from '../machines/DeleteMachine';
import { diskRange } from '../machine-form/form/checks';
import '../ui/ui.css';
import '../machine-form/machine-form.css';
import { AccelerationSection } from './AccelerationSection';
import { AdvancedSection } from './AdvancedSection';
import { applyOutcome } from './apply-outcome';
import { ApplyDialog } from './ApplyDialog';
import { DeleteSection } from './DeleteSection';
import { GeneralSection } from './GeneralSection';
import { LanguageAccountSection } from './LanguageAccountSection';
import { MemoryCpuDiskSection } from './MemoryCpuDiskSection';
import { settingsChanges } from './settings-changes';
import { SettingsBar } from './SettingsBar';
import { SettingsHeader } from './SettingsHeader';
import { StorageSharingSection } from './StorageSharingSection';
import { useApplySettings } from './use-apply-settings';
import { useSettingsForm } from './use-settings-form';
import { SoundSection } from './SoundSection';
import { UsbSection } from './UsbSection';
import { WindowsSection } from './WindowsSection';
import './settings.css';

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

function SettingsForm({ machine, machines }: { machine: MachineView; machines: readonly MachineView[] }) {
  const settings = useSettingsForm(machine, machines);
  const { form, setForm, host, errors } = settings;
  const plan = settingsChanges(machine, form);
  const actions = useApplySettings(machine, plan, setForm);
  const [deleting, setDeleting] = useState(false);
  const outcome = actions.following ? applyOutcome(machine.status) : null;
  const working = actions.working !== null;
  const update = (part: Partial<typeof form>): void => {
    actions.clear();
    setForm((f) => ({ ...f, ...part }));
  };
  const section = { form, update, errors, warnings: settings.warnings, tagFor: plan.tagFor };

  return (
    <div className="settings-page" aria-label={`Settings of ${machine.name}`} role="region">
      {/* The machine page around this tab has the name, the way back and the menu: here, only what settings need of its power. */}
      <SettingsHeader machine={machine} working={working} onPower={actions.power} />
      <GeneralSection {...section} />
      <WindowsSection
        {...section}
        machine={machine}
        iso={settings.iso}
        isoChanged={settings.isoChanged}
        engineHost={host?.storageHost}
      />
      <LanguageAccountSection
        {...section}
        installed={plan.installed}
        hasPassword={machine.hasPassword}
        hostKeyboard={host?.keyboard}
      />
      <MemoryCpuDiskSection
        {...section}
        host={host}
        diskRange={diskRange(form, settings.ctx)}
        diskGiB={machine.diskGiB}
      />
      <StorageSharingSection
        {...section}
        storageDir={machine.storageDir}
        host={host}
        measuring={settings.measuring}
        missing={settings.missing}
      />
      <AccelerationSection {...section} host={host} />
      <SoundSection {...section} />
      <UsbSection {...section} running={plan.running} machineId={machine.id} />
      <AdvancedSection {...section} />
      <DeleteSection onDelete={() => setDeleting(true)} disabled={working} />

      <SettingsBar
        machine={machine}
        plan={plan}
        working={actions.working}
        outcome={outcome}
        error={actions.error}
        notice={actions.notice}
        problems={Object.values(errors)}
        onDiscard={() => setForm(settings.live)}
        onApply={actions.onApply}
      />

      {actions.confirming ? (
        <ApplyDialog
          machineName={machine.name}
          plan={plan}
          asked={actions.asked}
          onCancel={actions.cancel}
          onConfirm={() => void actions.apply(true)}
        />
      ) : null}

      {deleting ? (
        <DeleteMachine machine={machine} onClose={() => setDeleting(false)} onDeleted={() => navigate('/')} />
      ) : null}
    </div>
  );
}
