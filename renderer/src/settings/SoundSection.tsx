import { AudioField } from './AudioField';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** The settings section of the machine's sound (docs/audio.md). */
export function SoundSection({ form, update, tagFor }: SettingsSectionProps) {
  return (
    <Section title="Sound" tag={tagFor(['audio'])} testId="settings-audio">
      <AudioField checked={form.audio ?? true} onChange={(audio) => update({ audio })} />
    </Section>
  );
}
