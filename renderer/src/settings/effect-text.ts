import type { ChangeEffect, MachineSettings } from '@porthole/api';

/** Set by Windows Setup only (the answer file): an installed Windows keeps its own. */
export const INSTALL_ONLY: ReadonlyArray<keyof MachineSettings> = [
  'language',
  'region',
  'keyboard',
  'username',
  'password',
];

/** When a change takes effect, in a person's words. A recreate on a stopped machine simply waits for its next start. */
export function effectText(effect: ChangeEffect, running: boolean): string {
  if (effect === 'now') return 'Applies at once.';
  if (effect === 'next-start' || !running) {
    return 'The machine is stopped: this applies at its next start (Porthole recreates it then, keeping the disk).';
  }
  return 'Applies when you press Apply: Porthole shuts Windows down gracefully, recreates the machine and starts it again. The disk is kept.';
}

/** The tag of a changed section: when its change applies. */
export function effectTag(effect: ChangeEffect, running: boolean): string {
  if (effect === 'now') return 'Changed · applies at once';
  return running ? 'Changed · applies after a restart' : 'Changed · applies at next start';
}
