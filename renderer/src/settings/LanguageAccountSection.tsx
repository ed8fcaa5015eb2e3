import { AccountFields } from '../machine-form/controls/AccountFields';
import { LocaleFields } from '../machine-form/controls/LocaleFields';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** Language, region, keyboard and account: Windows Setup's, so an installed Windows keeps its own. */
export function LanguageAccountSection({
  form,
  update,
  errors,
  tagFor,
  installed,
  hasPassword,
  hostKeyboard,
}: SettingsSectionProps & {
  /** Windows is probably installed already. */
  installed: boolean;
  hasPassword: boolean;
  hostKeyboard: string | undefined;
}) {
  return (
    <Section title="Language and account" tag={tagFor(['language', 'region', 'keyboard', 'username', 'password'])}>
      {installed ? (
        <p className="field-hint" data-testid="install-only">
          Windows is installed: its language, region, keyboard and account were set then. Changing them here changes
          nothing in this Windows (change them inside Windows); they apply if Windows is installed again.
        </p>
      ) : null}
      <LocaleFields value={form} onChange={update} errors={errors} hostKeyboard={hostKeyboard} />
      <AccountFields value={form} onChange={update} errors={errors} mode="change" hasPassword={hasPassword} />
    </Section>
  );
}
