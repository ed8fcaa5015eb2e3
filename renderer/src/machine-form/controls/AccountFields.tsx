import type { Problems } from '../form/checks';
import type { MachineForm } from '../form/machine-form';
import { Field } from '../../ui/Field';
import { PasswordField } from './PasswordField';

type AccountPart = Pick<MachineForm, 'username' | 'password'>;

/** The Windows account: checked against Windows' rules as it is typed. */
export function AccountFields({
  value,
  onChange,
  errors,
  mode,
  hasPassword,
  existingInstall,
}: {
  value: AccountPart;
  onChange: (part: Partial<AccountPart>) => void;
  errors: Problems;
  mode: 'create' | 'change';
  hasPassword?: boolean;
  /** Create: the machine starts into a Windows already installed on its disk, whose account is its own. */
  existingInstall?: boolean;
}) {
  return (
    <div className="field-grid">
      <Field
        label="User name"
        error={errors.username}
        hint={
          existingInstall
            ? 'The account of the Windows already on this disk, as it was installed: Porthole cannot change it there.'
            : 'The Windows account. Up to 20 characters, without \\ / [ ] : ; | = , + * ? < > % @ or quotes.'
        }
      >
        {(control) => (
          <input
            {...control}
            value={value.username}
            maxLength={40}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange({ username: e.target.value })}
          />
        )}
      </Field>
      <PasswordField
        value={value.password}
        onChange={(password) => onChange({ password })}
        error={errors.password}
        mode={mode}
        hasPassword={hasPassword}
        existingInstall={existingInstall}
      />
    </div>
  );
}
