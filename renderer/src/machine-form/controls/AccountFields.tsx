import { useState } from 'react';
import { cultureChoices, cultureName, findLanguage, languageName, windowsLanguages } from '@porthole/api';
import type { Problems } from '../form/checks';
import { generatePassword } from '../form/password';
import type { MachineForm } from '../form/machine-form';
import { Field } from '../../ui/Field';

type LocalePart = Pick<MachineForm, 'language' | 'region' | 'keyboard'>;

/** Language Windows is downloaded in, and the region and keyboard its answer file sets: picked by name, sent as culture codes. */
export function LocaleFields({
  value,
  onChange,
  errors,
  hostKeyboard,
}: {
  value: LocalePart;
  onChange: (part: Partial<LocalePart>) => void;
  errors: Problems;
  /** This computer's keyboard as a Windows culture, to suggest. */
  hostKeyboard?: string | undefined;
}) {
  const culture = findLanguage(value.language)?.culture ?? value.language;
  const known = windowsLanguages.some((l) => l.culture === culture);
  const choices = cultureChoices([value.region.trim(), value.keyboard.trim(), hostKeyboard]);
  const options = (
    <>
      <option value="">Same as the language</option>
      {choices.map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </>
  );
  return (
    <div className="field-grid">
      <Field label="Language" error={errors.language} hint="Windows is downloaded and installed in this language.">
        {(control) => (
          <select {...control} value={culture} onChange={(e) => onChange({ language: e.target.value })}>
            {known ? null : <option value={culture}>{culture}</option>}
            {windowsLanguages.map((l) => (
              <option key={l.culture} value={l.culture}>
                {l.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Region"
        error={errors.region}
        hint={`Formats for dates, numbers and currency. “Same as the language”: ${languageName(culture)}’s.`}
      >
        {(control) => (
          <select {...control} value={value.region.trim()} onChange={(e) => onChange({ region: e.target.value })}>
            {options}
          </select>
        )}
      </Field>
      <Field
        label="Keyboard"
        error={errors.keyboard}
        hint={`The keyboard layout Windows starts with.${hostKeyboard ? ` This computer uses ${cultureName(hostKeyboard)}.` : ''}`}
      >
        {(control) => (
          <select {...control} value={value.keyboard.trim()} onChange={(e) => onChange({ keyboard: e.target.value })}>
            {options}
          </select>
        )}
      </Field>
    </div>
  );
}

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
  const [reveal, setReveal] = useState(false);
  // A generated password only helps a Windows that is still to be installed with it.
  const canGenerate = mode === 'create' && !existingInstall;
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
      <Field
        className={canGenerate ? 'field-span' : undefined}
        label={mode === 'create' ? 'Password' : 'New password'}
        error={errors.password}
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
              value={value.password}
              maxLength={200}
              autoComplete="new-password"
              placeholder={mode === 'change' && hasPassword ? 'Unchanged' : ''}
              onChange={(e) => onChange({ password: e.target.value })}
            />
            <button type="button" className="ghost" aria-pressed={reveal} onClick={() => setReveal((r) => !r)}>
              {reveal ? 'Hide' : 'Show'}
            </button>
            {canGenerate ? (
              <button
                type="button"
                onClick={() => {
                  onChange({ password: generatePassword() });
                  setReveal(true);
                }}
              >
                Generate
              </button>
            ) : null}
          </div>
        )}
      </Field>
    </div>
  );
}
