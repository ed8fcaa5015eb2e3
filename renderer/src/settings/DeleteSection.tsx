import { SettingsSection as Section } from './SettingsSection';

/** Deleting the machine: the button that opens the dialog asking whether its Windows disk is kept. */
export function DeleteSection({ onDelete, disabled }: { onDelete: () => void; disabled: boolean }) {
  return (
    <Section title="Delete">
      <p className="muted">Removes the machine from Porthole. You choose whether its Windows disk is kept.</p>
      <button type="button" className="danger" onClick={onDelete} disabled={disabled}>
        Delete machine…
      </button>
    </Section>
  );
}
