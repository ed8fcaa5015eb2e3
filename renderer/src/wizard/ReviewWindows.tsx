import { findVersion } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';
import type { ExistingInstallFound, IsoCheck, Problems } from '../machine-form/form/checks';
import { describeIso } from '../machine-form/form/iso-choice';
import type { MachineForm } from '../machine-form/form/machine-form';
import { ReviewRow as Row } from './ReviewSection';

/** The review's line about Windows: already installed, downloaded (which, how large) or installed from an ISO. */
export function ReviewWindows({
  form,
  iso,
  existingInstall,
  errors,
}: {
  form: MachineForm;
  iso: IsoCheck;
  existingInstall: ExistingInstallFound | null;
  errors: Problems;
}) {
  const version = findVersion(form.version);
  if (existingInstall) {
    return (
      <Row label="Windows" field="useExistingInstall" errors={errors}>
        <span data-testid="review-existing-install">
          Already installed in <code>{existingInstall.folder}</code>
          {existingInstall.diskGiB !== undefined ? ` (a ${existingInstall.diskGiB} GB disk)` : ''}{' '}
          <span className="muted">· nothing is downloaded or installed</span>
        </span>
      </Row>
    );
  }
  if (form.source === 'download') {
    return (
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
    );
  }
  return (
    <Row label="Install from" field="customIso" errors={errors}>
      <code>{form.customIso}</code>
      {iso.state === 'ok' ? <div className="muted">{describeIso(iso.info)}</div> : null}
    </Row>
  );
}
