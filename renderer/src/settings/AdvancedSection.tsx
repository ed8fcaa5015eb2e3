import { ImageField } from '../machine-form/controls/StorageFields';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** The container image the machine runs. */
export function AdvancedSection({ form, update, errors, warnings, tagFor }: SettingsSectionProps) {
  return (
    <Section title="Advanced" tag={tagFor(['image'])}>
      <ImageField
        image={form.image}
        onChange={(image) => update({ image })}
        error={errors.image}
        warning={warnings.image}
      />
    </Section>
  );
}
