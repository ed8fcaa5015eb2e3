import type { CreationDefaults } from '@porthole/api';
import { AccelerationField } from '../machine-form/controls/StorageFields';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** Hardware acceleration (KVM) or software emulation. */
export function AccelerationSection({
  form,
  update,
  errors,
  warnings,
  tagFor,
  host,
}: SettingsSectionProps & { host: CreationDefaults | null }) {
  return (
    <Section title="Hardware acceleration" tag={tagFor(['kvm'])}>
      <AccelerationField
        host={host}
        emulation={form.softwareEmulation}
        onChange={(softwareEmulation) => update({ softwareEmulation })}
        mode="change"
        heading={false}
        error={errors.softwareEmulation}
        warning={warnings.softwareEmulation}
      />
    </Section>
  );
}
