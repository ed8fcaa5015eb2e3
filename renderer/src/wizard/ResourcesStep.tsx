import type { ReactNode } from 'react';
import { versionName } from '@porthole/api';
import { ResourceFields } from '../machine-form/controls/ResourceFields';
import { SharedFoldersEditor } from '../machine-form/controls/SharedFoldersEditor';
import { AccelerationField, ImageField, StorageField } from '../machine-form/controls/StorageFields';
import { diskRange, type Problems } from '../machine-form/form/checks';
import type { WizardFormState } from './use-wizard-form';

/** Step 3: memory, cores and disk, where the machine is stored, acceleration, shared folders and the advanced options. */
export function ResourcesStep({
  wizard,
  visible,
  machineFolder,
  existingNotice,
}: {
  wizard: WizardFormState;
  /** The problems shown so far. */
  visible: Problems;
  /** The folder the machine's files will be in (null while the storage location is wrong). */
  machineFolder: string | null;
  /** A Windows already installed in the machine's folder, and the choice about it. */
  existingNotice: ReactNode;
}) {
  const { form, effective, ctx, host, warnings, update } = wizard;
  return (
    <>
      <ResourceFields
        value={form}
        onChange={update}
        host={host}
        diskRange={diskRange(effective, ctx)}
        diskHint={diskHint(wizard)}
        errors={visible}
        warnings={warnings}
      />
      <StorageField
        location={form.storageLocation}
        machineFolder={machineFolder}
        onChange={(storageLocation) => update({ storageLocation })}
        host={wizard.measured}
        measuring={wizard.measuring}
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
            Object.entries(wizard.folderChecks)
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
            <input type="checkbox" checked={form.autoStart} onChange={(e) => update({ autoStart: e.target.checked })} />
            Start this machine when Porthole starts
          </label>
        </div>
      </details>
    </>
  );
}

function diskHint({ form, effective, ctx, existingInstall }: WizardFormState): string {
  const kept = effective.useExistingInstall ? existingInstall?.diskGiB : undefined;
  if (kept !== undefined) return `The disk kept in this folder is ${kept} GB: it can grow, never shrink.`;
  const windows = form.source === 'iso' ? 'Your ISO' : versionName(form.version);
  return `${windows} needs at least ${diskRange(effective, ctx).min} GB. The disk file takes space only as Windows fills it; it can grow later, never shrink.`;
}
