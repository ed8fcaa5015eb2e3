import type { MachinePhase, MachineStatus } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';

export type PhaseTone = 'idle' | 'busy' | 'good' | 'bad';

export function phaseTone(phase: MachinePhase): PhaseTone {
  switch (phase) {
    case 'ready':
    case 'running-iso':
      return 'good';
    case 'failed':
    case 'unknown':
      return 'bad';
    case 'pulling':
    case 'preparing':
    case 'booting':
    case 'installing':
    case 'stopping':
      return 'busy';
    default:
      return 'idle';
  }
}

export function progressText(status: MachineStatus): string | null {
  if (status.shutdown) return `Shutting down (${status.shutdown.step}/${status.shutdown.of})`;
  const p = status.progress;
  if (!p) return null;
  if (p.bytesTotal) return `${formatBytes(p.bytesDone ?? 0)} of ${formatBytes(p.bytesTotal)}`;
  if (p.fraction !== undefined) return `${Math.round(p.fraction * 100)}%`;
  return null;
}
