import type { MachineView } from '@porthole/api';
import { MachineCard } from './MachineCard';
import { QuickInstall } from './QuickInstall';

export function MachineList({
  machines,
  loaded,
  onOpenScreen,
}: {
  machines: MachineView[];
  loaded: boolean;
  onOpenScreen: (id: string) => void;
}) {
  if (!loaded) return <p className="muted">Loading machines…</p>;
  if (machines.length === 0) {
    return <QuickInstall />;
  }
  return (
    <section className="machine-list">
      {machines.map((m) => (
        <MachineCard key={m.id} machine={m} onOpenScreen={onOpenScreen} />
      ))}
    </section>
  );
}
