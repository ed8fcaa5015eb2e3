import type { ReactNode } from 'react';
import type { Problems } from '../machine-form/form/checks';
import { AccountStep } from './AccountStep';
import { ResourcesStep } from './ResourcesStep';
import { Review } from './Review';
import type { WizardStep } from './steps';
import type { WizardFormState } from './use-wizard-form';
import { WindowsStep } from './WindowsStep';

/** The current step's controls (or the review). */
export function WizardStepBody({
  current,
  wizard,
  visible,
  machineFolder,
  existingNotice,
  onEdit,
}: {
  current: WizardStep;
  wizard: WizardFormState;
  /** The problems shown so far. */
  visible: Problems;
  /** The folder the machine's files will be in (null while the storage location is wrong). */
  machineFolder: string | null;
  /** A Windows already installed in the machine's folder, and the choice about it. */
  existingNotice: ReactNode;
  onEdit: (step: number) => void;
}) {
  const { effective, existingInstall } = wizard;
  return (
    <>
      {current.id === 'windows' ? (
        <WindowsStep wizard={wizard} visible={visible} existingNotice={existingNotice} />
      ) : null}
      {current.id === 'account' ? <AccountStep wizard={wizard} visible={visible} /> : null}
      {current.id === 'resources' ? (
        <ResourcesStep
          wizard={wizard}
          visible={visible}
          machineFolder={machineFolder}
          existingNotice={existingNotice}
        />
      ) : null}
      {current.id === 'review' ? (
        <Review
          form={effective}
          host={wizard.host}
          iso={wizard.iso}
          machineFolder={machineFolder}
          existingInstall={effective.useExistingInstall ? existingInstall : null}
          errors={wizard.errors}
          onEdit={onEdit}
        />
      ) : null}
    </>
  );
}
