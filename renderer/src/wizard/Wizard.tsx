import { useEffect, useState } from 'react';
import type { CreationDefaults, MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';
import { WizardForm } from './WizardForm';
import '../ui/ui.css';
import '../machine-form/machine-form.css';
import './wizard.css';

/** The new-machine wizard: measures this computer for its defaults first (WizardForm.tsx is the form itself). */
export function Wizard({ machines }: { machines: readonly MachineView[] }) {
  const [initial, setInitial] = useState<CreationDefaults | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    porthole()
      .creationDefaults({})
      .then(
        (d) => live && setInitial(d),
        (e: unknown) => live && setError(errorText(e)),
      );
    return () => {
      live = false;
    };
  }, [attempt]);

  if (!initial) {
    return (
      <section className="panel wizard-loading" aria-label="New machine">
        {error ? (
          <div className="failure" role="alert">
            Porthole could not measure this computer for a new machine: {error}{' '}
            <button
              type="button"
              onClick={() => {
                setError(null);
                setAttempt((a) => a + 1);
              }}
            >
              Try again
            </button>
          </div>
        ) : (
          <p className="muted">Measuring this computer…</p>
        )}
      </section>
    );
  }
  return <WizardForm initial={initial} machines={machines} />;
}
