import type { IsoCheck } from '../form/checks';
import type { MachineForm } from '../form/machine-form';
import { WindowsPicker } from './WindowsPicker';

/** The Windows picker bound to a machine's form: its choice, its ISO check and the problems shown with it. */
export function FormWindowsPicker({
  form,
  iso,
  onChange,
  errors,
  dropHint,
  engineHost,
}: {
  form: Pick<MachineForm, 'source' | 'version' | 'customIso'>;
  iso: IsoCheck;
  onChange: (part: Partial<MachineForm>) => void;
  /** The version's and the ISO's problems, as far as the page shows them now. */
  errors: { version?: string | undefined; customIso?: string | undefined };
  /** Offer dropping a file onto the window (where a drop zone listens). */
  dropHint?: boolean;
  /** A remote engine's computer: the ISO is a file there. */
  engineHost?: string | undefined;
}) {
  return (
    <WindowsPicker
      source={form.source}
      version={form.version}
      customIso={form.customIso}
      iso={iso}
      onChange={onChange}
      versionError={errors.version}
      isoError={errors.customIso}
      dropHint={dropHint === true}
      engineHost={engineHost}
    />
  );
}
