import { useId, type ReactNode } from 'react';
import './ui.css';

/** What a control needs to be tied to its label and messages. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: ReactNode;
  /** Shown in red: the value cannot be used, and what to do. */
  error?: string | undefined;
  /** Shown in amber: allowed, but worth knowing. */
  warning?: string | undefined;
  hint?: ReactNode;
  /** Extra content beside the label (a badge, a "when it applies" note). */
  aside?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** A labelled control with its hint, error and warning, tied together for screen readers. */
export function Field({ label, error, warning, hint, aside, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const warningId = `${id}-warning`;
  const describedBy = [hint ? hintId : null, error ? errorId : null, warning ? warningId : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        {aside}
      </div>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {hint ? (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error" aria-live="polite">
          {error}
        </p>
      ) : null}
      {warning ? (
        <p id={warningId} className="field-warning" aria-live="polite">
          {warning}
        </p>
      ) : null}
    </div>
  );
}

/** A message under a group of controls that is not a single field. */
export function FieldMessage({ error, warning }: { error?: string | undefined; warning?: string | undefined }) {
  return (
    <>
      {error ? (
        <p className="field-error" aria-live="polite">
          {error}
        </p>
      ) : null}
      {warning ? (
        <p className="field-warning" aria-live="polite">
          {warning}
        </p>
      ) : null}
    </>
  );
}
