import type { MenuItemConstructorOptions } from 'electron';
import {
  canRestart,
  canShowScreen,
  canStart,
  canStop,
  phaseSummary,
  usbKey,
  type MachinePhase,
  type MachineView,
} from '../api';

export interface TrayActions {
  start(id: string): void;
  stop(id: string): void;
  restart(id: string): void;
  showScreen(id: string): void;
  /** Attaches one of the machine's USB devices to it while it runs, or detaches it (attachUsb/detachUsb). */
  usb?(id: string, device: { vendorId: string; productId: string }, attach: boolean): void;
  openApp(): void;
  quit(): void;
}

export type TrayState = 'stopped' | 'starting' | 'running' | 'failed';

// Which tray icon a phase asks for (the tray's own concern); what a phase is called and allows is app/api/phase.ts.
const BUSY: ReadonlySet<MachinePhase> = new Set(['pulling', 'preparing', 'booting', 'stopping']);
const UP: ReadonlySet<MachinePhase> = new Set(['installing', 'running-iso', 'ready']);

function machineItems(m: MachineView, actions: TrayActions): MenuItemConstructorOptions[] {
  const id = m.id;
  return [
    { id: `machine:${id}:state`, label: `${m.name}: ${phaseSummary(m.status)}`, enabled: false },
    { id: `machine:${id}:start`, label: 'Start', enabled: canStart(m.status), click: () => actions.start(id) },
    { id: `machine:${id}:stop`, label: 'Stop', enabled: canStop(m.status), click: () => actions.stop(id) },
    { id: `machine:${id}:restart`, label: 'Restart', enabled: canRestart(m.status), click: () => actions.restart(id) },
    {
      id: `machine:${id}:screen`,
      label: 'Show Screen',
      enabled: canShowScreen(m.status),
      click: () => actions.showScreen(id),
    },
    ...usbItems(m, actions),
  ];
}

/** A running machine's USB devices, each to attach now or detach now. */
function usbItems(m: MachineView, actions: TrayActions): MenuItemConstructorOptions[] {
  const usb = actions.usb;
  if (!usb || !m.status.running || !m.usbDevices?.length) return [];
  const id = m.id;
  return [
    {
      id: `machine:${id}:usb`,
      label: 'USB Devices',
      submenu: m.usbDevices.map((d) => ({
        id: `machine:${id}:usb:${usbKey(d)}`,
        label: d.name,
        submenu: [
          { id: `machine:${id}:usb:${usbKey(d)}:attach`, label: 'Attach Now', click: () => usb(id, d, true) },
          { id: `machine:${id}:usb:${usbKey(d)}:detach`, label: 'Detach Now', click: () => usb(id, d, false) },
        ],
      })),
    },
  ];
}

/**
 * The whole tray menu for the machines as they are now; rebuilt on every change.
 * One machine: its items inline. Several: a submenu each, under the machine's name and state.
 * Item ids are stable (`machine:<id>:start`, `open`, `quit`, ...) so tests and hooks can find them.
 */
export function buildTrayTemplate(
  machines: MachineView[],
  opts: { actions: TrayActions },
): MenuItemConstructorOptions[] {
  const { actions } = opts;
  const sorted = [...machines].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const machineSection: MenuItemConstructorOptions[] =
    sorted.length === 0
      ? [{ id: 'no-machines', label: 'No machines yet', enabled: false }]
      : sorted.length === 1
        ? machineItems(sorted[0]!, actions)
        : sorted.map((m) => ({
            id: `machine:${m.id}`,
            label: `${m.name}: ${phaseSummary(m.status)}`,
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
