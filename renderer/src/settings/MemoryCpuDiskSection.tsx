import type { CreationDefaults } from '@porthole/api';
import { ResourceFields } from '../machine-form/controls/ResourceFields';
import type { Range } from '../machine-form/form/checks';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** Memory, processor cores and the disk (which only grows), and whether Windows gives unused memory back. */
export function MemoryCpuDiskSection({
  form,
  update,
  errors,
  warnings,
  tagFor,
  host,
  diskRange,
  diskGiB,
}: SettingsSectionProps & {
  host: CreationDefaults | null;
  diskRange: Range;
  /** The disk's size now. */
  diskGiB: number;
}) {
  return (
    <Section
      title="Resources"
      tag={tagFor(['ramGiB', 'cpuCores', 'diskGiB', 'ballooning'])}
      testId="settings-resources"
    >
      <ResourceFields
        value={form}
        onChange={update}
        host={host}
        diskRange={diskRange}
        diskHint={`The disk is ${diskGiB} GB and cannot shrink: Windows’ partition fills it. It can grow; Windows then shows the added space as unallocated.`}
        errors={errors}
        warnings={warnings}
      />
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={form.ballooning ?? false}
          onChange={(e) => update({ ballooning: e.target.checked })}
        />
        Let Windows give unused memory back to Linux
      </label>
      <p className="field-hint">
        Windows then returns memory only while this computer runs short of it, always keeps a third, and needs the
        balloon driver its installation adds.
      </p>
    </Section>
  );
}
