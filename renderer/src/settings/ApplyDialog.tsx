import { Dialog } from '../ui/Dialog';
import { effectText } from './effect-text';
import type { SettingsChanges } from './settings-changes';

/** Asks before applying: the changes, when they apply, the cautions, and what the backend asked. */
export function ApplyDialog({
  machineName,
  plan,
  asked,
  onCancel,
  onConfirm,
}: {
  machineName: string;
  plan: SettingsChanges;
  asked: string | null;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { running, effect, installOnly, lines, cautions } = plan;
  const restarts = running && effect === 'recreate' && !installOnly;
  return (
    <Dialog
      title={restarts ? `Restart “${machineName}” with the new settings?` : 'Apply these changes?'}
      onClose={onCancel}
      testId="apply-dialog"
      actions={
        <>
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" data-autofocus onClick={onConfirm}>
            {restarts ? 'Restart and apply' : 'Apply'}
          </button>
        </>
      }
    >
      <ul className="plain change-list">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {installOnly ? null : <p>{effectText(effect, running)}</p>}
      {[...cautions, ...(asked ? [asked] : [])].map((c) => (
        <p key={c} className="notice">
          {c}
        </p>
      ))}
    </Dialog>
  );
}
