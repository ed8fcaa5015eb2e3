import type { CreationDefaults } from '@porthole/api';
import { SharedFoldersEditor } from '../machine-form/controls/SharedFoldersEditor';
import { freeSpaceText } from '../machine-form/controls/StorageFields';
import { SettingsSection as Section, type SettingsSectionProps } from './SettingsSection';

/** Where the machine is stored (and the free space there), and the folders it shares with Windows. */
export function StorageSharingSection({
  form,
  update,
  errors,
  tagFor,
  storageDir,
  host,
  measuring,
  missing,
}: SettingsSectionProps & {
  storageDir: string;
  host: CreationDefaults | null;
  measuring: boolean;
  /** Shared folders found not to exist. */
  missing: ReadonlySet<string>;
}) {
  return (
    <Section title="Storage and sharing" tag={tagFor(['sharedFolders'])}>
      <p className="storage-now">
        Stored in <code>{storageDir}</code>
        {host?.storageHost ? ` on ${host.storageHost}, the computer the engine runs machines on` : ''} ·{' '}
        {freeSpaceText(host, measuring)}
      </p>
      <SharedFoldersEditor
        folders={form.sharedFolders}
        onChange={(sharedFolders) => update({ sharedFolders })}
        error={errors.sharedFolders}
        missing={missing}
        engineHost={host?.storageHost}
      />
    </Section>
  );
}
