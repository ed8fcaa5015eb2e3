import { nameFieldMaxLength } from '@porthole/api';
import type { ReactNode } from 'react';
import { FormWindowsPicker } from '../machine-form/controls/FormWindowsPicker';
import type { Problems } from '../machine-form/form/checks';
import { Field } from '../ui/Field';
import type { WizardFormState } from './use-wizard-form';

/** Step 1: the machine's name and the Windows it installs (a version to download, or an ISO). */
export function WindowsStep({
  wizard,
  visible,
  existingNotice,
}: {
  wizard: WizardFormState;
  /** The problems shown so far. */
  visible: Problems;
  /** A Windows already installed in the machine's folder, and the choice about it. */
  existingNotice: ReactNode;
}) {
  const { form, effective, errors } = wizard;
  return (
    <>
      <Field label="Name" error={visible.name} hint="How Porthole lists the machine.">
        {(control) => (
          <input
            {...control}
            value={effective.name}
            maxLength={nameFieldMaxLength('machine')}
            autoComplete="off"
            onChange={(e) => wizard.editName(e.target.value)}
          />
        )}
      </Field>
      {/* Right under the name: the name gives the folder, and the folder holds that Windows. */}
      {existingNotice}
      <FormWindowsPicker
        form={form}
        iso={wizard.iso}
        onChange={wizard.update}
        errors={{
          version: visible.version,
          customIso: form.source === 'iso' && form.customIso.trim() ? errors.customIso : visible.customIso,
        }}
        dropHint
        engineHost={wizard.host.storageHost}
      />
    </>
  );
}
