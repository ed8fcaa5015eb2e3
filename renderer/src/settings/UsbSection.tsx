import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';
import { UsbDevicesSection } from './UsbDevicesSection';

/** The settings section of the machine's USB devices. */
export function UsbSection({
  form,
  update,
  tagFor,
  running,
  machineId,
}: SettingsSectionProps & { running: boolean; machineId: string }) {
  return (
    <Section title="USB devices" tag={tagFor(['usbDevices'])} testId="settings-usb">
      <UsbDevicesSection
        value={form.usbDevices ?? []}
        onChange={(usbDevices) => update({ usbDevices })}
        running={running}
        machineId={machineId}
      />
    </Section>
  );
}
