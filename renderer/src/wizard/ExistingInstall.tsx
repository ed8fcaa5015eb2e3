import { describeExistingInstall, type ExistingInstallFound } from '../machine-form/form/checks';
import { FieldMessage } from '../ui/Field';

/**
 * The new machine's folder already holds an installed Windows: say so where the folder is decided,
 * and let the person start straight into it or go choose another folder (never a silent reuse).
 */
export function ExistingInstallChoice({
  found,
  using,
  onUse,
  onChooseAnother,
  error,
}: {
  found: ExistingInstallFound;
  using: boolean;
  onUse: () => void;
  onChooseAnother: () => void;
  error?: string | undefined;
}) {
  return (
    <div
      className="existing-install"
      role="group"
      aria-labelledby="existing-install-text"
      data-testid="existing-install"
    >
      <p id="existing-install-text" className="notice">
        {describeExistingInstall(found)}{' '}
        {using
          ? 'The machine starts straight into that Windows: nothing is downloaded or installed, and Windows keeps its own account.'
          : 'A new machine there would start into that Windows, not install a fresh one.'}
      </p>
      <div className="actions">
        <button type="button" className={using ? 'primary' : undefined} aria-pressed={using} onClick={onUse}>
          Use it
        </button>
        <button type="button" onClick={onChooseAnother}>
          Choose another folder
        </button>
      </div>
      {using ? null : <FieldMessage error={error} />}
    </div>
  );
}
