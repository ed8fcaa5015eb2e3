import { useState } from 'react';
import type { Problems } from '../machine-form/form/checks';
import type { FormField } from '../machine-form/form/machine-form';
import { STEPS, stepOf } from './steps';

/** Which step the wizard is on, which problems it shows yet, and which steps can be reached. */
export function useWizardSteps(errors: Problems, touched: ReadonlySet<FormField>) {
  const [step, setStep] = useState(0);
  const [attempted, setAttempted] = useState<ReadonlySet<number>>(() => new Set());

  const visible: Problems = {};
  for (const [field, message] of Object.entries(errors) as Array<[FormField, string]>) {
    const at = stepOf(field);
    if (touched.has(field) || attempted.has(at) || at < step) visible[field] = message;
  }
  // Every problem holds up its own step, the software-emulation consent too: it is asked where it is shown.
  const stepProblems = (index: number): FormField[] =>
    (STEPS[index]?.fields ?? []).filter((f) => errors[f] !== undefined);
  const reachable = (index: number): boolean =>
    index <= step || STEPS.slice(0, index).every((_, i) => stepProblems(i).length === 0);

  return {
    step,
    setStep,
    visible,
    stepProblems,
    reachable,
    /** Goes on to the next step; false, and the step's problems shown, when this one has problems. */
    advance: (): boolean => {
      if (stepProblems(step).length > 0) {
        setAttempted((a) => new Set([...a, step]));
        return false;
      }
      setStep((s) => Math.min(STEPS.length - 1, s + 1));
      return true;
    },
    /** Shows every problem of every step (the person tried to create). */
    attemptAll: (): void => setAttempted(new Set(STEPS.map((_, i) => i))),
  };
}
