import {
  changedFields,
  changeEffect,
  changeWarnings,
  describeChanges,
  type MachineSettings,
  type MachineView,
} from '@porthole/api';
import {
  changesBetween,
  probablyInstalled,
  settingsAfter,
  settingsOf,
  type MachineForm,
} from '../machine-form/form/machine-form';
import { effectTag, INSTALL_ONLY } from './effect-text';

/** What the form changes on the machine: the changes, when they apply, what to warn about, and each section's tag. */
export function settingsChanges(machine: MachineView, form: MachineForm) {
  const running = machine.status.running;
  const before = settingsOf(machine);
  const after = settingsAfter(before, form);
  const changes = changesBetween(before, after);
  const changed = Object.keys(changes).length > 0;
  const installed = probablyInstalled(machine);
  // Language, region, keyboard, account: written by Windows Setup only. On an installed Windows a change is
  // kept for a new installation and changes nothing now, so it neither says "after a restart" nor restarts.
  const installOnly = installed && changed && changedFields(before, after).every((f) => INSTALL_ONLY.includes(f));

  /** The tag of a section whose settings changed: when that part applies. */
  const tagFor = (fields: ReadonlyArray<keyof MachineSettings>): string | null => {
    const partial: Record<string, unknown> = { ...before };
    for (const f of fields) partial[f] = after[f];
    const only = partial as unknown as MachineSettings;
    const fieldsChanged = changedFields(before, only);
    if (fieldsChanged.length === 0) return null;
    if (installed && fieldsChanged.every((f) => INSTALL_ONLY.includes(f))) return 'Changed · for a new install only';
    return effectTag(changeEffect(before, only), running);
  };

  return {
    running,
    changes,
    changed,
    effect: changeEffect(before, after),
    lines: describeChanges(before, after),
    installed,
    cautions: changeWarnings(before, after, { installed }),
    installOnly,
    tagFor,
  };
}

export type SettingsChanges = ReturnType<typeof settingsChanges>;
