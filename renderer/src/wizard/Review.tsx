import type { ReactNode } from 'react';
import { cultureName, DEFAULT_IMAGE, findVersion, languageName, type CreationDefaults } from '@porthole/api';
import { formatBytes } from '../app/format';
import { windowsShareName } from '../machine-form/controls/StorageFields';
import {
  needsSoftwareEmulation,
  type ExistingInstallFound,
  type IsoCheck,
  type Problems,
} from '../machine-form/form/checks';
import { describeIso } from '../machine-form/form/iso-choice';
import type { FormField, MachineForm } from '../machine-form/form/machine-form';
import { STEPS, stepOf } from './steps';

function Row({
  label,
  children,
  field,
  errors,
}: {
  label: string;
  children: ReactNode;
  field?: FormField;
  errors: Problems;
}) {
  const error = field ? errors[field] : undefined;
  return (
    <div className={`review-row${error ? ' review-row-bad' : ''}`}>
      <dt>{label}</dt>
      <dd>
        {children}
        {error ? <span className="field-error">{error}</span> : null}
      </dd>
    </div>
  );
}

function Section({ step, onEdit, children }: { step: number; onEdit: (step: number) => void; children: ReactNode }) {
  const title = STEPS[step]?.title ?? '';
  return (
    <section className="review-section">
      <header>
        <h4>{title}</h4>
        <button
          type="button"
          className="link"
          onClick={() => onEdit(step)}
          aria-label={`Change ${title.toLowerCase()}`}
        >
          Change
        </button>
      </header>
      <dl>{children}</dl>
    </section>
  );
}

/** Everything the machine will be, with a way back to each step. */
export function Review({
  form,
  host,
  iso,
  machineFolder,
  existingInstall,
  errors,
  onEdit,
}: {
  form: MachineForm;
  host: CreationDefaults;
  iso: IsoCheck;
  machineFolder: string | null;
  /** The machine starts into the Windows already installed in its folder. */
  existingInstall: ExistingInstallFound | null;
  errors: Problems;
  onEdit: (step: number) => void;
}) {
  const version = findVersion(form.version);
  const needsEmulation = needsSoftwareEmulation(host);
  return (
    <div className="review" data-testid="review">
      <Section step={stepOf('version')} onEdit={onEdit}>
        <Row label="Name" field="name" errors={errors}>
          {form.name}
        </Row>
        {existingInstall ? (
          <Row label="Windows" field="useExistingInstall" errors={errors}>
            <span data-testid="review-existing-install">
              Already installed in <code>{existingInstall.folder}</code>
              {existingInstall.diskGiB !== undefined ? ` (a ${existingInstall.diskGiB} GB disk)` : ''}{' '}
              <span className="muted">· nothing is downloaded or installed</span>
            </span>
          </Row>
        ) : form.source === 'download' ? (
          <Row label="Windows" field="version" errors={errors}>
            {version ? (
              <>
                <span>
                  {version.name} <span className="muted">· {formatBytes(version.downloadBytes)} download</span>
                </span>
                {version.note ? <div className="muted">{version.note}</div> : null}
              </>
            ) : (
              form.version
            )}
          </Row>
        ) : (
          <Row label="Install from" field="customIso" errors={errors}>
            <code>{form.customIso}</code>
            {iso.state === 'ok' ? <div className="muted">{describeIso(iso.info)}</div> : null}
          </Row>
        )}
      </Section>

      <Section step={stepOf('language')} onEdit={onEdit}>
        <Row label="Language" field="language" errors={errors}>
          {languageName(form.language)}
        </Row>
        <Row label="Region" field="region" errors={errors}>
          {form.region ? cultureName(form.region) : <span className="muted">Same as the language</span>}
        </Row>
        <Row label="Keyboard" field="keyboard" errors={errors}>
          {form.keyboard ? cultureName(form.keyboard) : <span className="muted">Same as the language</span>}
        </Row>
        <Row label={existingInstall ? 'User name (as installed)' : 'User name'} field="username" errors={errors}>
          {form.username}
        </Row>
        <Row label={existingInstall ? 'Password (as installed)' : 'Password'} field="password" errors={errors}>
          {form.password ? '•'.repeat(Math.min(12, form.password.length)) : <span className="muted">Not set</span>}
        </Row>
      </Section>

      <Section step={stepOf('ramGiB')} onEdit={onEdit}>
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
      </Section>
    </div>
  );
}
