import { useRef, type KeyboardEvent } from 'react';
import type { MachineView } from '@porthole/api';
import { navigate } from '../app/hash-route';
import { MACHINE_TABS } from './tabs';
import { MachineActions } from '../machines/MachineActions';
import { PhaseChip } from '../machines/MachineCard';
import { machineRoute } from '../machines/names';
import './machine-page.css';

/** The route of a machine's page (and tab): the tile, the screen's bar and the failure link lead here. */
export const machinePageRoute = machineRoute;

/** `#/machines/<id>/<tab>[/<detail>]`: a machine's one home, in tabs (MACHINE_TABS). */
export function MachinePage({
  machine,
  machines,
  loaded,
  tab,
  detail,
  onOpenScreen,
}: {
  machine: MachineView | null;
  machines: readonly MachineView[];
  loaded: boolean;
  tab: string | undefined;
  detail: string | undefined;
  onOpenScreen: (id: string) => void;
}) {
  const tabs = useRef<HTMLDivElement>(null);
  if (!machine) {
    return (
      <div className="machine-page">
        <a className="back-link" href="#/">
          ← All machines
        </a>
        <p className="muted">{loaded ? 'This machine does not exist (any more).' : 'Loading…'}</p>
      </div>
    );
  }
  const current = MACHINE_TABS.find((t) => t.id === tab) ?? MACHINE_TABS[0]!;
  // Tabs after WAI-ARIA's pattern: one tab stop, arrows (and Home/End) move between them.
  const onTabKey = (e: KeyboardEvent, index: number): void => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    const next = step
      ? (index + step + MACHINE_TABS.length) % MACHINE_TABS.length
      : e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? MACHINE_TABS.length - 1
          : -1;
    if (next < 0) return;
    e.preventDefault();
    navigate(machineRoute(machine.id, MACHINE_TABS[next]!.id));
    tabs.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div className="machine-page" data-testid="machine-page">
      <a className="back-link" href="#/">
        ← All machines
      </a>
      <header className="machine-page-header">
        <h1>{machine.name}</h1>
        <span data-testid="page-phase" data-phase={machine.status.phase}>
          <PhaseChip machine={machine} />
        </span>
        <span className="machine-page-actions">
          <MachineActions machine={machine} onOpenScreen={onOpenScreen} where="page" />
        </span>
      </header>
      <div className="tab-bar" role="tablist" aria-label={`${machine.name}`} ref={tabs}>
        {MACHINE_TABS.map((t, i) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            aria-selected={t.id === current.id}
            aria-controls="machine-tabpanel"
            tabIndex={t.id === current.id ? 0 : -1}
            className={t.id === current.id ? 'tab tab-current' : 'tab'}
            onClick={() => navigate(machineRoute(machine.id, t.id))}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="machine-tabpanel" aria-labelledby={`tab-${current.id}`}>
        {current.render({ machine, machines, onOpenScreen, detail })}
      </div>
    </div>
  );
}
