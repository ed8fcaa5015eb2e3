import { navigate } from '../app/hash-route';
import type { CreatedButStopped } from './use-create-machine';

/** The machine was created but did not start: why, and the way to the list where it can be started. */
export function CreatedButStoppedPanel({ stopped }: { stopped: CreatedButStopped }) {
  return (
    <section className="panel wizard-done" aria-label="New machine">
      <h2>“{stopped.name}” was created, but it did not start</h2>
      <div className="failure" role="alert">
        {stopped.message}
      </div>
      <p>Fix what the message says, then start the machine from the list. Its settings are kept.</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => navigate('/')}>
          Go to the machine list
        </button>
      </div>
    </section>
  );
}
