import { phaseLabels, type MachineStatus } from '@porthole/api';

/**
 * What "Restart and apply" really did, from the machine's live phase after applyMachine answered (it
 * answers once the new container started; the image may still refuse it a moment later, e.g. exit 88).
 */
export type ApplyOutcome =
  | { kind: 'applied'; text: string }
  | { kind: 'starting'; text: string }
  | { kind: 'failed'; text: string }
  | { kind: 'not-running'; text: string };

export function applyOutcome(status: MachineStatus): ApplyOutcome {
  switch (status.phase) {
    case 'booting':
    case 'installing':
    case 'running-iso':
    case 'ready':
      return { kind: 'applied', text: 'Applied: the machine runs with the new settings.' };
    case 'pulling':
    case 'preparing':
    case 'created':
      return { kind: 'starting', text: 'Saved; the machine is starting with the new settings…' };
    case 'failed': {
      const cause = status.failure?.cause ?? 'the machine stopped with an error (its log says why).';
      const remedy = status.failure?.remedy ? ` ${status.failure.remedy}` : '';
      return {
        kind: 'failed',
        text: `The settings are saved, but the machine failed to start with them: ${cause}${remedy}`,
      };
    }
    default:
      return {
        kind: 'not-running',
        text: `The settings are saved, but the machine is not running (${phaseLabels[status.phase].toLowerCase()}).`,
      };
  }
}
