import type { ReactNode } from 'react';
import type { MachineSettings } from '@porthole/api';
import type { Problems } from '../machine-form/form/checks';
import type { MachineForm } from '../machine-form/form/machine-form';

/** One titled part of the settings page, tagged when its settings changed. */
export function SettingsSection({
  title,
  tag,
  children,
  testId,
}: {
  title: string;
  tag?: string | null | undefined;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="settings-section" data-testid={testId}>
      <header>
        <h3>{title}</h3>
        {tag ? <span className="change-tag">{tag}</span> : null}
      </header>
      {children}
    </section>
  );
}

/** What each section of the settings form gets: the form, its problems, and the tag of changed settings. */
export interface SettingsSectionProps {
  form: MachineForm;
  update: (part: Partial<MachineForm>) => void;
  errors: Problems;
  warnings: Problems;
  tagFor: (fields: ReadonlyArray<keyof MachineSettings>) => string | null;
}
