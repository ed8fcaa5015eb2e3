import { nameFieldMaxLength } from '@porthole/api';
import { Field } from '../ui/Field';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** The machine's name, and whether it starts with Porthole. */
export function GeneralSection({ form, update, errors, tagFor }: SettingsSectionProps) {
  return (
    <Section title="General" tag={tagFor(['name', 'autoStart'])}>
      <div className="field-grid">
        <Field label="Name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              value={form.name}
              maxLength={nameFieldMaxLength('machine')}
              onChange={(e) => update({ name: e.target.value })}
            />
          )}
        </Field>
      </div>
      <label className="checkbox-row">
        <input type="checkbox" checked={form.autoStart} onChange={(e) => update({ autoStart: e.target.checked })} />
        Start this machine when Porthole starts
      </label>
    </Section>
  );
}
