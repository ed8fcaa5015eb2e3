import { useState } from 'react';
import type { MachineView } from '@porthole/api';
import { formErrors, formWarnings, type FormContext } from '../machine-form/form/checks';
import { useFolderChecks, useHostDefaults, useIsoCheck } from '../machine-form/form/host-checks';
import { formFromMachine, rebaseForm, type MachineForm } from '../machine-form/form/machine-form';

/**
 * The settings form of a machine that exists: kept over the machine's live settings (a change made
 * elsewhere shows up, the person's own edits stay), and checked against the host.
 */
export function useSettingsForm(machine: MachineView, machines: readonly MachineView[]) {
  const live = formFromMachine(machine);
  const [base, setBase] = useState<MachineForm>(live);
  const [form, setForm] = useState<MachineForm>(live);
  if (JSON.stringify(live) !== JSON.stringify(base)) {
    setBase(live);
    setForm(rebaseForm(form, base, live));
  }

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
  const missing = new Set(
    Object.entries(folderChecks)
      .filter(([, exists]) => !exists)
      .map(([p]) => p),
  );

  return {
    live,
    form,
    setForm,
    host,
    measuring,
    isoChanged,
    iso,
    ctx,
    errors,
    warnings: formWarnings(form, ctx),
    /** Shared folders found not to exist. */
    missing,
  };
}

export type SettingsFormState = ReturnType<typeof useSettingsForm>;
