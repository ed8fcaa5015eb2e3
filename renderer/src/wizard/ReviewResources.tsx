import { DEFAULT_IMAGE, type CreationDefaults } from '@porthole/api';
import { windowsShareName } from '../machine-form/controls/windows-share-name';
import { needsSoftwareEmulation, type Problems } from '../machine-form/form/checks';
import type { MachineForm } from '../machine-form/form/machine-form';
import { ReviewRow as Row } from './ReviewSection';

/** The review's lines about resources and sharing: memory, cores, disk, folders, acceleration, image, autostart. */
export function ReviewResources({
  form,
  host,
  machineFolder,
  errors,
}: {
  form: MachineForm;
  host: CreationDefaults;
  machineFolder: string | null;
  errors: Problems;
}) {
  const needsEmulation = needsSoftwareEmulation(host);
  return (
    <>
      <Row label="Memory" field="ramGiB" errors={errors}>
        {form.ramGiB} GB
      </Row>
      <Row label="Processor cores" field="cpuCores" errors={errors}>
        {form.cpuCores}
      </Row>
      <Row label="Disk" field="diskGiB" errors={errors}>
        {form.diskGiB} GB
      </Row>
      <Row label="Stored in" field="storageLocation" errors={errors}>
        <code>{machineFolder ?? form.storageLocation}</code>
      </Row>
      <Row label="Shared folders" field="sharedFolders" errors={errors}>
        {form.sharedFolders.length === 0 ? (
          <span className="muted">None</span>
        ) : (
          <ul className="plain">
            {form.sharedFolders.map((f, i) => (
              <li key={i}>
                <code>{f.hostPath}</code> → <code>{windowsShareName(i)}</code>
                {f.readOnly ? ' · read-only' : ' · Windows can change it'}
              </li>
            ))}
          </ul>
        )}
      </Row>
      <Row label="Acceleration" field="softwareEmulation" errors={errors}>
        {form.softwareEmulation
          ? 'Software emulation (no KVM, about 10× slower)'
          : needsEmulation
            ? 'Hardware acceleration is not available on this computer'
            : 'Hardware (KVM)'}
      </Row>
      <Row label="Image" field="image" errors={errors}>
        <code>{form.image.trim() || host.image || DEFAULT_IMAGE}</code>
      </Row>
      <Row label="Starts with Porthole" errors={errors}>
        {form.autoStart ? 'Yes' : 'No'}
      </Row>
    </>
  );
}
