import { cultureName, languageName, type CreationDefaults } from '@porthole/api';
import type { ExistingInstallFound, IsoCheck, Problems } from '../machine-form/form/checks';
import type { MachineForm } from '../machine-form/form/machine-form';
import { ReviewResources } from './ReviewResources';
import { ReviewRow as Row, ReviewSection as Section } from './ReviewSection';
import { ReviewWindows } from './ReviewWindows';
import { stepOf } from './steps';

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
  return (
    <div className="review" data-testid="review">
      <Section step={stepOf('version')} onEdit={onEdit}>
        <Row label="Name" field="name" errors={errors}>
          {form.name}
        </Row>
        <ReviewWindows form={form} iso={iso} existingInstall={existingInstall} errors={errors} />
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
        <ReviewResources form={form} host={host} machineFolder={machineFolder} errors={errors} />
      </Section>
    </div>
  );
}
