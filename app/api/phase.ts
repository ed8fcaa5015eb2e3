// What each phase is called and what a person may do in it: one home for the card, the settings page, the
// screen window, the tray and notifications.
import type { MachinePhase, MachineStatus } from './state';

/** A phase in a few words. */
export const phaseLabels: Record<MachinePhase, string> = {
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

/** Start is offered when nothing runs, nothing downloads or shuts down, and the engine answers. */
export function canStart(status: MachineStatus): boolean {
  return !status.running && status.phase !== 'pulling' && status.phase !== 'stopping' && status.phase !== 'unknown';
}

/** Stop is offered while the machine runs (not while it is already shutting down) and during a download, which it cancels. */
export function canStop(status: MachineStatus): boolean {
  return (status.running && status.phase !== 'stopping') || status.phase === 'pulling';
}

/** Restart once QEMU runs: a restart before that is just the start going on. */
export function canRestart(status: MachineStatus): boolean {
  return (
    status.running &&
    (status.phase === 'booting' ||
      status.phase === 'installing' ||
      status.phase === 'running-iso' ||
      status.phase === 'ready')
  );
}

export function canShowScreen(status: MachineStatus): boolean {
  return status.running && status.screenReady;
}

function percent(fraction: number | undefined): string {
  return fraction === undefined ? '' : ` ${Math.round(fraction * 100)}%`;
}

function shorten(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** The phase with what is known of its progress, in one short line (the tray, notifications). */
export function phaseSummary(status: MachineStatus): string {
  switch (status.phase) {
    case 'pulling':
    case 'installing':
      return `${phaseLabels[status.phase]}${percent(status.progress?.fraction)}`;
    case 'preparing':
      return shorten(status.message ?? 'Preparing Windows');
    case 'stopping':
      return status.shutdown ? `Shutting down (${status.shutdown.step}/${status.shutdown.of})` : phaseLabels.stopping;
    case 'failed':
      return shorten(`Failed: ${status.failure?.cause ?? 'see the log'}`);
    default:
      return phaseLabels[status.phase];
  }
}
