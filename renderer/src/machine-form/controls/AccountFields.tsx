import { useId, useState } from 'react';
import { findLanguage, windowsLanguages } from '@porthole/api';
import type { Problems } from '../form/checks';
import type { MachineForm } from '../form/machine-form';
import { Field } from '../../ui/Field';

type LocalePart = Pick<MachineForm, 'language' | 'region' | 'keyboard'>;

/** Language Windows is downloaded in, and the region and keyboard its answer file sets. */
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
  const listId = useId();
  const culture = findLanguage(value.language)?.culture ?? value.language;
  const known = windowsLanguages.some((l) => l.culture === culture);
  const suggestions = [...new Set([...(hostKeyboard ? [hostKeyboard] : []), ...windowsLanguages.map((l) => l.culture)])];
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
      <Field label="Region" error={errors.region} hint="Formats for dates, numbers and currency, such as de-CH. Empty: the language’s own.">
        {(control) => (
          <input
            {...control}
            list={listId}
            value={value.region}
            placeholder="Same as the language"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange({ region: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Keyboard"
        error={errors.keyboard}
        hint={`Keyboard layout as a culture, such as fr-CH. Empty: the language’s own.${hostKeyboard ? ` This computer uses ${hostKeyboard}.` : ''}`}
      >
        {(control) => (
          <input
            {...control}
            list={listId}
            value={value.keyboard}
            placeholder="Same as the language"
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange({ keyboard: e.target.value })}
          />
        )}
      </Field>
      <datalist id={listId}>
        {suggestions.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
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
}: {
  value: AccountPart;
  onChange: (part: Partial<AccountPart>) => void;
  errors: Problems;
  mode: 'create' | 'change';
  hasPassword?: boolean;
}) {
  const [reveal, setReveal] = useState(false);
  return (
    <div className="field-grid">
      <Field label="User name" error={errors.username} hint="The Windows account. Up to 20 characters, without \ / [ ] : ; | = , + * ? < > % @ or quotes.">
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
        label={mode === 'create' ? 'Password' : 'New password'}
        error={errors.password}
        hint={
          mode === 'create'
            ? 'Windows signs in by itself; the password is for Remote Desktop and the lock screen.'
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
          </div>
        )}
      </Field>
    </div>
  );
}
