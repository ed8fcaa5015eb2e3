import type { MenuItemConstructorOptions } from 'electron';
import type { MachinePhase, MachineStatus, MachineView } from '../api';

export interface TrayActions {
  start(id: string): void;
  stop(id: string): void;
  restart(id: string): void;
  showScreen(id: string): void;
  openApp(): void;
  quit(): void;
}

export type TrayState = 'stopped' | 'starting' | 'running' | 'failed';

const STARTABLE: ReadonlySet<MachinePhase> = new Set(['absent', 'created', 'stopped', 'failed']);
const STOPPABLE: ReadonlySet<MachinePhase> = new Set(['preparing', 'booting', 'installing', 'running-iso', 'ready']);
const RESTARTABLE: ReadonlySet<MachinePhase> = new Set(['booting', 'installing', 'running-iso', 'ready']);
const BUSY: ReadonlySet<MachinePhase> = new Set(['pulling', 'preparing', 'booting', 'stopping']);
const UP: ReadonlySet<MachinePhase> = new Set(['installing', 'running-iso', 'ready']);

export function canStart(status: MachineStatus): boolean {
  return STARTABLE.has(status.phase);
}
export function canStop(status: MachineStatus): boolean {
  return STOPPABLE.has(status.phase);
}
export function canRestart(status: MachineStatus): boolean {
  return RESTARTABLE.has(status.phase);
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

/** The state of a machine in a few words, as the tray and notifications say it. */
export function phaseLabel(status: MachineStatus): string {
  switch (status.phase) {
    case 'absent':
      return 'Not created yet';
    case 'pulling':
      return `Downloading the image${percent(status.progress?.fraction)}`;
    case 'created':
      return 'Not started';
    case 'preparing':
      return shorten(status.message ?? 'Preparing Windows');
    case 'booting':
      return 'Starting';
    case 'installing':
      return `Installing Windows${percent(status.progress?.fraction)}`;
    case 'running-iso':
      return 'Running from ISO';
    case 'ready':
      return 'Running';
    case 'stopping':
      return status.shutdown ? `Shutting down (${status.shutdown.step}/${status.shutdown.of})` : 'Shutting down';
    case 'stopped':
      return 'Stopped';
    case 'failed':
      return shorten(`Failed: ${status.failure?.cause ?? 'see the log'}`);
    case 'unknown':
      return 'Engine not reachable';
  }
}

function machineItems(m: MachineView, actions: TrayActions): MenuItemConstructorOptions[] {
  const id = m.id;
  return [
    { id: `machine:${id}:state`, label: `${m.name}: ${phaseLabel(m.status)}`, enabled: false },
    { id: `machine:${id}:start`, label: 'Start', enabled: canStart(m.status), click: () => actions.start(id) },
    { id: `machine:${id}:stop`, label: 'Stop', enabled: canStop(m.status), click: () => actions.stop(id) },
    { id: `machine:${id}:restart`, label: 'Restart', enabled: canRestart(m.status), click: () => actions.restart(id) },
    {
      id: `machine:${id}:screen`,
      label: 'Show Screen',
      enabled: canShowScreen(m.status),
      click: () => actions.showScreen(id),
    },
  ];
}

/**
 * The whole tray menu for the machines as they are now; rebuilt on every change.
 * One machine: its items inline. Several: a submenu each, under the machine's name and state.
 * Item ids are stable (`machine:<id>:start`, `open`, `quit`, ...) so tests and hooks can find them.
 */
export function buildTrayTemplate(machines: MachineView[], opts: { actions: TrayActions }): MenuItemConstructorOptions[] {
  const { actions } = opts;
  const sorted = [...machines].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const machineSection: MenuItemConstructorOptions[] =
    sorted.length === 0
      ? [{ id: 'no-machines', label: 'No machines yet', enabled: false }]
      : sorted.length === 1
        ? machineItems(sorted[0]!, actions)
        : sorted.map((m) => ({
            id: `machine:${m.id}`,
            label: `${m.name}: ${phaseLabel(m.status)}`,
            submenu: machineItems(m, actions),
          }));
  return [
    ...machineSection,
    { type: 'separator' },
    { id: 'open', label: 'Open Porthole', click: () => actions.openApp() },
    { id: 'quit', label: 'Quit Porthole', click: () => actions.quit() },
  ];
}

/** Which tray icon: a failure shows first, then anything on the move, then running, else stopped. */
export function trayIconFor(machines: MachineView[]): TrayState {
  const phases = machines.map((m) => m.status.phase);
  if (phases.includes('failed')) return 'failed';
  if (phases.some((p) => BUSY.has(p))) return 'starting';
  if (phases.some((p) => UP.has(p))) return 'running';
  return 'stopped';
}

export function trayTooltip(machines: MachineView[]): string {
  const running = machines.filter((m) => m.status.running).length;
  if (machines.length === 0) return 'Porthole';
  return running === 0 ? 'Porthole: no machine running' : `Porthole: ${running} of ${machines.length} running`;
}
