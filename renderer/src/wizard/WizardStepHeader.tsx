import type { WizardStep } from './steps';

/** The current step's number, title and what it asks. */
export function WizardStepHeader({ current, index, count }: { current: WizardStep; index: number; count: number }) {
  return (
    <header className="wizard-header">
      <h3 id="wizard-step-title">
        <span className="muted">
          Step {index + 1} of {count} ·{' '}
        </span>
        {current.title}
      </h3>
      <p className="muted">{current.intro}</p>
    </header>
  );
}
