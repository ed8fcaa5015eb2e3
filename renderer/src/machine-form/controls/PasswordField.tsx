import { useState } from 'react';
import { generatePassword } from '@porthole/api';
import { Field } from '../../ui/Field';

/** The Windows account's password: shown or hidden, and generated where Windows is still to be installed. */
export function PasswordField({
  value,
  onChange,
  error,
  mode,
  hasPassword,
  existingInstall,
}: {
  value: string;
  onChange: (password: string) => void;
  error?: string | undefined;
  mode: 'create' | 'change';
  hasPassword?: boolean | undefined;
  /** Create: the machine starts into a Windows already installed on its disk, whose password is its own. */
  existingInstall?: boolean | undefined;
}) {
  const [reveal, setReveal] = useState(false);
  // A generated password only helps a Windows that is still to be installed with it.
  const canGenerate = mode === 'create' && !existingInstall;
  return (
    <Field
      className={canGenerate ? 'field-span' : undefined}
      label={mode === 'create' ? 'Password' : 'New password'}
      error={error}
      hint={
        existingInstall
          ? 'The password that Windows already has: Remote Desktop signs in with it. Porthole cannot set a new one there.'
          : mode === 'create'
            ? 'Windows signs in by itself; the password is for Remote Desktop and the lock screen. Generate makes a strong one; the machine’s card shows it.'
            : hasPassword
              ? 'Leave empty to keep the current password.'
              : 'This machine has no password yet.'
      }
    >
      {(control) => (
        <div className="path-row">
          <input
            {...control}
            type={reveal ? 'text' : 'password'}
            value={value}
            maxLength={200}
            autoComplete="new-password"
            placeholder={mode === 'change' && hasPassword ? 'Unchanged' : ''}
            onChange={(e) => onChange(e.target.value)}
          />
          <button type="button" className="ghost" aria-pressed={reveal} onClick={() => setReveal((r) => !r)}>
            {reveal ? 'Hide' : 'Show'}
          </button>
          {canGenerate ? (
            <button
              type="button"
              onClick={() => {
                onChange(generatePassword());
                setReveal(true);
              }}
            >
              Generate
            </button>
          ) : null}
        </div>
      )}
    </Field>
  );
}
