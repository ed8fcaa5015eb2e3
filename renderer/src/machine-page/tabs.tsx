import type { ReactNode } from 'react';
import type { MachineView } from '@porthole/api';
import { AppsPage } from '../apps/AppsPage';
import { GraphsPanel } from './GraphsPanel';
import { LogsPanel } from './LogsPanel';
import { OverviewPanel } from './OverviewPanel';
import { SnapshotsPanel } from './SnapshotsPanel';
import { MachineSettingsPage } from '../settings/MachineSettingsPage';

export interface TabContext {
  machine: MachineView;
  /** Every machine (the settings check a new name or port against the others). */
  machines: readonly MachineView[];
  onOpenScreen(id: string): void;
  /** The rest of the route after the tab (e.g. `cause` for Logs). */
  detail: string | undefined;
}

export interface MachineTab {
  /** The route segment: `#/machines/<id>/<id of the tab>`. */
  id: string;
  label: string;
  render(ctx: TabContext): ReactNode;
}

/**
 * The machine page's tabs, in order. Adding one is one line here: an id (its route), a label,
 * and what it renders. The first is the default.
 */
export const MACHINE_TABS: MachineTab[] = [
  {
    id: 'overview',
    label: 'Overview',
    render: (c) => <OverviewPanel machine={c.machine} onOpenScreen={c.onOpenScreen} />,
  },
  {
    id: 'logs',
    label: 'Logs',
    render: (c) => (
      <LogsPanel machine={c.machine} cause={c.detail === 'cause' ? c.machine.status.failure?.logLine : undefined} />
    ),
  },
  { id: 'graphs', label: 'Graphs', render: (c) => <GraphsPanel machine={c.machine} /> },
  { id: 'snapshots', label: 'Snapshots', render: (c) => <SnapshotsPanel machine={c.machine} /> },
  { id: 'apps', label: 'Apps', render: (c) => <AppsPage machine={c.machine} loaded /> },
  {
    id: 'settings',
    label: 'Settings',
    render: (c) => <MachineSettingsPage machine={c.machine} loaded machines={c.machines} />,
  },
];
