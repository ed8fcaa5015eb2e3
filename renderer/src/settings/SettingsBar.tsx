import type { MachineView } from '@porthole/api';
import { ApplyFailureFix } from './ApplyFailureFix';
import type { ApplyOutcome } from './apply-outcome';
import { effectText } from './effect-text';
import type { SettingsChanges } from './settings-changes';

/** What the bar at the bottom says: working, the outcome of a restart, an error, the changes, or none. */
function BarText({
  plan,
  working,
  outcome,
  error,
  notice,
  problem,
}: {
  plan: SettingsChanges;
  working: string | null;
  outcome: ApplyOutcome | null;
  error: string | null;
  notice: string | null;
  /** The first problem that holds Apply back. */
  problem: string | undefined;
}) {
  const { changed, lines, installOnly, effect, running } = plan;
  if (working) return <span role="status">{working}</span>;
  if (outcome && !changed) {
    return (
      <span
        className={outcome.kind === 'failed' ? 'field-error' : 'muted'}
        role={outcome.kind === 'failed' ? 'alert' : 'status'}
        data-testid="apply-outcome"
      >
        {outcome.text}
      </span>
    );
  }
  if (error) {
    return (
      <span className="field-error" role="alert">
        {error}
      </span>
    );
  }
  if (!changed) {
    return (
      <span className="muted" role="status">
        {notice ?? 'No changes.'}
      </span>
    );
  }
  return (
    <>
      <strong>
        {lines.length} change{lines.length === 1 ? '' : 's'}.
      </strong>{' '}
      <span data-testid="applies-when">
        {installOnly
          ? 'Windows is installed: this is kept for a new installation, and the installed Windows keeps its own.'
          : effectText(effect, running)}
      </span>
      {problem !== undefined ? <span className="field-error"> {problem}</span> : null}
    </>
  );
}

/** The bar at the bottom of the settings: what changed and when it applies, with Discard and Apply. */
export function SettingsBar({
  machine,
  plan,
  working,
  outcome,
  error,
  notice,
  problems,
  onDiscard,
  onApply,
}: {
  machine: MachineView;
  plan: SettingsChanges;
  working: string | null;
  outcome: ApplyOutcome | null;
  error: string | null;
  notice: string | null;
  problems: readonly string[];
  onDiscard: () => void;
  onApply: () => void;
}) {
  const { changed } = plan;
  return (
    <footer className={`settings-bar${changed ? ' settings-bar-changed' : ''}`} data-testid="settings-bar">
      <div className="settings-bar-text">
        <BarText plan={plan} working={working} outcome={outcome} error={error} notice={notice} problem={problems[0]} />
      </div>
      {outcome?.kind === 'failed' && !changed ? <ApplyFailureFix machine={machine} /> : null}
      <button type="button" className="ghost" disabled={!changed || working !== null} onClick={onDiscard}>
        Discard
      </button>
      <button
        type="button"
        className="primary"
        disabled={!changed || problems.length > 0 || working !== null}
        onClick={onApply}
      >
        Apply
      </button>
    </footer>
  );
}
