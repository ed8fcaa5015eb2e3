import type { HostReport, MachineView } from '@porthole/api';
import { MachineList } from '../machines/MachineList';
import { HostChecklist } from '../check/HostChecklist';
import { continueToMachines } from '../check/first-run';
import { Wizard } from '../wizard/Wizard';
import { MachinePage } from '../machine-page/MachinePage';
import { AppLogPanel } from '../machine-page/AppLogPanel';

/** The page the hash route names (every route but a screen's). */
export function MainRoute({
  route,
  machines,
  loaded,
  host,
  gate,
  onOpenScreen,
}: {
  route: readonly string[];
  machines: MachineView[];
  loaded: boolean;
  host: { report: HostReport | null; recheck: () => void; checking: boolean };
  gate: { pending: boolean; firstRun: boolean };
  onOpenScreen: (id: string) => void;
}) {
  const [page, id] = route;
  if (page === 'new') return <Wizard machines={machines} />;
  if (page === 'machines' && id) {
    return (
      <MachinePage
        machine={machines.find((m) => m.id === id) ?? null}
        machines={machines}
        loaded={loaded}
        tab={route[2]}
        detail={route[3]}
        onOpenScreen={onOpenScreen}
      />
    );
  }
  if (page === 'app-log') return <AppLogPanel />;
  if (page === 'check') {
    return (
      <HostChecklist
        report={host.report}
        onRecheck={host.recheck}
        checking={host.checking}
        onContinue={continueToMachines}
        firstRun={gate.firstRun}
      />
    );
  }
  if (page === undefined && gate.pending) return <p className="muted">Checking this computer…</p>;
  return <MachineList machines={machines} loaded={loaded} onOpenScreen={onOpenScreen} />;
}
