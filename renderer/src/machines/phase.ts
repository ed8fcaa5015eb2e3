import type { MachinePhase, MachineStatus } from '../../../app/api';
import { formatBytes } from '../app/format';

export const phaseLabel: Record<MachinePhase, string> = {
  absent: 'Not created yet',
  pulling: 'Downloading the image',
  created: 'Ready to start',
  preparing: 'Preparing',
  booting: 'Booting',
  installing: 'Installing Windows',
  'running-iso': 'Running from ISO',
  ready: 'Running',
  stopping: 'Shutting down',
  stopped: 'Stopped',
  failed: 'Failed',
  unknown: 'Engine not reachable',
};

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

/** Start is offered when nothing runs; Stop while anything runs (or downloads). Neither while the engine is away. */
export function canStart(status: MachineStatus): boolean {
  return !status.running && status.phase !== 'pulling' && status.phase !== 'stopping' && status.phase !== 'unknown';
}
export function canStop(status: MachineStatus): boolean {
  return status.running || status.phase === 'pulling';
}


export function progressText(status: MachineStatus): string | null {
  if (status.shutdown) return `Shutting down (${status.shutdown.step}/${status.shutdown.of})`;
  const p = status.progress;
  if (!p) return null;
  if (p.bytesTotal) return `${formatBytes(p.bytesDone ?? 0)} of ${formatBytes(p.bytesTotal)}`;
  if (p.fraction !== undefined) return `${Math.round(p.fraction * 100)}%`;
  return null;
}
