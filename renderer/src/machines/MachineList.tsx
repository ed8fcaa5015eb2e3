import type { MachineView } from '../../../app/api';
import { navigate } from '../app/hooks';
import { MachineCard } from './MachineCard';

export function MachineList({ machines, loaded, onOpenScreen }: { machines: MachineView[]; loaded: boolean; onOpenScreen: (id: string) => void }) {
  if (!loaded) return <p className="muted">Loading machines…</p>;
  if (machines.length === 0) {
    return (
      <section className="empty">
        <h2>No Windows machine yet</h2>
        <p>Create one: Porthole downloads Windows, installs it and shows its screen here.</p>
        <button className="primary" onClick={() => navigate('/new')}>
          New machine
        </button>
      </section>
    );
  }
  return (
    <section className="machine-list">
      {machines.map((m) => (
        <MachineCard key={m.id} machine={m} onOpenScreen={onOpenScreen} />
      ))}
    </section>
  );
}
