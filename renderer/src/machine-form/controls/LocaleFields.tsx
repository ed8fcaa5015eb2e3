import { cultureChoices, cultureName, findLanguage, languageName, windowsLanguages } from '@porthole/api';
import type { Problems } from '../form/checks';
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
