import { useCallback, useEffect, useState } from 'react';
import {
  validateHostPath,
  versionName,
  versionRequirements,
  type CreationDefaults,
  type MachineView,
} from '@porthole/api';
import { formErrors, formWarnings, freeGiB, type FormContext } from '../machine-form/form/checks';
import { useExistingInstall, useFolderChecks, useHostDefaults, useIsoCheck } from '../machine-form/form/host-checks';
import { nameFromIso } from '../machine-form/form/iso-choice';
import {
  newMachineFolder,
  newMachineForm,
  suggestName,
  type FormField,
  type MachineForm,
} from '../machine-form/form/machine-form';
import { clearOfferedIso, offeredIso } from './handoff';

function autoName(form: MachineForm, otherNames: readonly string[]): string {
  const base =
    form.source === 'iso'
      ? form.customIso.trim()
        ? nameFromIso(form.customIso)
        : 'My ISO'
      : versionName(form.version);
  return suggestName(base, otherNames);
}

/**
 * The new machine's form, checked against what the host measured (free space where it goes, the ISO,
 * the shared folders, a Windows already in its folder): what the person typed, and what it will be.
 */
export function useWizardForm(initial: CreationDefaults, machines: readonly MachineView[]) {
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
  const [touched, setTouched] = useState<ReadonlySet<FormField>>(() => new Set());

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
  const editName = (name: string): void => {
    setNameEdited(true);
    update({ name });
  };

  return {
    form,
    effective,
    host,
    measured,
    measuring,
    iso,
    folderChecks,
    existingInstall,
    ctx,
    errors: formErrors(effective, ctx),
    warnings: formWarnings(effective, ctx),
    touched,
    update,
    editName,
    /** Holds the list of other machines still while this one is being created (null lets it go). */
    freeze: setFrozen,
  };
}

export type WizardFormState = ReturnType<typeof useWizardForm>;
