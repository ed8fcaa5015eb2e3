import { phaseLabels, type MachineView } from '@porthole/api';
import { navigate } from '../app/hooks';
import { MACHINE_TABS } from './tabs';
import { PowerButtons } from './PowerButtons';
import './machine-page.css';

/** The route of a machine's page (and tab): the card, the screen's bar and the failure link lead here. */
export function machinePageRoute(id: string, tab?: string, detail?: string): string {
  return `/machines/${id}${tab ? `/${tab}` : ''}${detail ? `/${detail}` : ''}`;
}

/** `#/machines/<id>/<tab>[/<detail>]`: one machine, in tabs (MACHINE_TABS). */
export function MachinePage({
  machine,
  loaded,
  tab,
  detail,
  onOpenScreen,
}: {
  machine: MachineView | null;
  loaded: boolean;
  tab: string | undefined;
  detail: string | undefined;
  onOpenScreen: (id: string) => void;
}) {
  if (!machine) {
    return <p className="muted">{loaded ? 'This machine does not exist (any more).' : 'Loading…'}</p>;
  }
  const current = MACHINE_TABS.find((t) => t.id === tab) ?? MACHINE_TABS[0]!;
  return (
    <div className="machine-page" data-testid="machine-page">
      <header className="machine-page-header">
        <h1>{machine.name}</h1>
        <span className="muted" data-testid="page-phase" data-phase={machine.status.phase}>
          {phaseLabels[machine.status.phase]}
        </span>
        <PowerButtons machine={machine} />
        <button className="ghost" onClick={() => navigate(`/machine/${machine.id}`)}>
          Settings
        </button>
      </header>
      <div className="tab-bar" role="tablist" aria-label={`${machine.name}`}>
        {MACHINE_TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={t.id === current.id}
            className={t.id === current.id ? 'tab tab-current' : 'tab'}
            onClick={() => navigate(machinePageRoute(machine.id, t.id))}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={current.label}>
        {current.render({ machine, onOpenScreen, detail })}
      </div>
    </div>
  );
}
