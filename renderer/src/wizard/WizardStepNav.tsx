import { STEPS } from './steps';

/** The list of steps beside the page: done ones ticked, the ones not reachable yet disabled. */
export function WizardStepNav({
  step,
  done,
  reachable,
  disabled,
  onStep,
}: {
  step: number;
  /** A step before the current one, without problems. */
  done: (index: number) => boolean;
  reachable: (index: number) => boolean;
  /** While creating, no step can be chosen. */
  disabled: boolean;
  onStep: (index: number) => void;
}) {
  return (
    <nav className="wizard-steps" aria-label="Steps">
      <h2>New machine</h2>
      <ol>
        {STEPS.map((s, i) => {
          const isDone = done(i);
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`step${i === step ? ' step-current' : ''}${isDone ? ' step-done' : ''}`}
                aria-current={i === step ? 'step' : undefined}
                disabled={!reachable(i) || disabled}
                onClick={() => onStep(i)}
              >
                <span className="step-number" aria-hidden="true">
                  {isDone ? '✓' : i + 1}
                </span>
                {s.title}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
