import type { ReactNode } from 'react';
import type { Problems } from '../machine-form/form/checks';
import type { FormField } from '../machine-form/form/machine-form';
import { STEPS } from './steps';

/** One line of the review: what, its value, and its problem. */
export function ReviewRow({
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

/** The review of one step, with a way back to it. */
export function ReviewSection({
  step,
  onEdit,
  children,
}: {
  step: number;
  onEdit: (step: number) => void;
  children: ReactNode;
}) {
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
