import { navigate } from '../app/hash-route';

/** The wizard's buttons: Cancel, Back, and Next (or, on the review, Create and start with what holds it up). */
export function WizardFooter({
  step,
  review,
  blocking,
  creating,
  onBack,
}: {
  step: number;
  /** The review step: the submit button creates. */
  review: boolean;
  /** Every problem that stops the machine from being created. */
  blocking: readonly string[];
  creating: string | null;
  onBack: () => void;
}) {
  return (
    <footer className="wizard-actions">
      <button type="button" className="ghost" onClick={() => navigate('/')} disabled={creating !== null}>
        Cancel
      </button>
      <span className="push-right" />
      {review && blocking.length > 0 ? (
        <span className="wizard-blocked" data-testid="create-blocked">
          {blocking[0]}
        </span>
      ) : null}
      {creating ? (
        <span className="muted" role="status">
          {creating}
        </span>
      ) : null}
      {step > 0 ? (
        <button type="button" onClick={onBack} disabled={creating !== null}>
          Back
        </button>
      ) : null}
      {review ? (
        <button type="submit" className="primary" disabled={blocking.length > 0 || creating !== null}>
          Create and start
        </button>
      ) : (
        <button type="submit" className="primary">
          Next
        </button>
      )}
    </footer>
  );
}
