import { useState } from 'react';
import { findVersion, type MachineView } from '@porthole/api';
import { FormWindowsPicker } from '../machine-form/controls/FormWindowsPicker';
import type { IsoCheck } from '../machine-form/form/checks';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** The Windows the machine installs: said in a line, and picked again only on "Change…" (or once changed). */
export function WindowsSection({
  form,
  update,
  errors,
  tagFor,
  machine,
  iso,
  isoChanged,
  engineHost,
}: SettingsSectionProps & {
  machine: MachineView;
  iso: IsoCheck;
  /** The form's ISO is another one than the machine's. */
  isoChanged: boolean;
  engineHost: string | undefined;
}) {
  const [pickWindows, setPickWindows] = useState(false);
  const version = findVersion(machine.version);
  const windowsNow = machine.customIso ? `Custom ISO ${machine.customIso}` : (version?.name ?? machine.version);
  const picking =
    pickWindows ||
    form.source !== (machine.customIso ? 'iso' : 'download') ||
    form.version !== machine.version ||
    isoChanged;
  return (
    <Section title="Windows" tag={tagFor(['version', 'customIso'])}>
      {picking ? (
        <FormWindowsPicker form={form} iso={iso} onChange={update} errors={errors} engineHost={engineHost} />
      ) : (
        <p className="windows-now">
          <span>{windowsNow}</span>
          <button type="button" onClick={() => setPickWindows(true)}>
            Change…
          </button>
        </p>
      )}
      <p className="field-hint">
        Another Windows or ISO means a new installation: the image keeps the old disk in a backups folder.
      </p>
    </Section>
  );
}
