import { AccountFields } from '../machine-form/controls/AccountFields';
import { LocaleFields } from '../machine-form/controls/LocaleFields';
import type { Problems } from '../machine-form/form/checks';
import type { WizardFormState } from './use-wizard-form';

/** Step 2: the language, region and keyboard Windows is installed with, and its account. */
export function AccountStep({ wizard, visible }: { wizard: WizardFormState; visible: Problems }) {
  return (
    <>
      <LocaleFields value={wizard.form} onChange={wizard.update} errors={visible} hostKeyboard={wizard.host.keyboard} />
      <AccountFields
        value={wizard.form}
        onChange={wizard.update}
        errors={visible}
        mode="create"
        existingInstall={wizard.effective.useExistingInstall}
      />
    </>
  );
}
