import { useEffect, useRef } from 'react';
import { phaseLabels, type MachinePhase, type MachineView } from '@porthole/api';

/**
 * Says each machine's phase changes ("Windows 11: Installing Windows") to screen readers, politely:
 * one live region for the whole app, so a change is read once wherever the person is.
 */
export function PhaseAnnouncer({ machines }: { machines: readonly MachineView[] }) {
  const seen = useRef(new Map<string, MachinePhase>());
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const changes: string[] = [];
    for (const m of machines) {
      const before = seen.current.get(m.id);
      if (before !== undefined && before !== m.status.phase) changes.push(`${m.name}: ${phaseLabels[m.status.phase]}`);
      seen.current.set(m.id, m.status.phase);
    }
    // Written straight into the live region: what it says is not state React renders from.
    if (changes.length > 0 && region.current) region.current.textContent = changes.join('. ');
  }, [machines]);
  return (
    <div ref={region} className="visually-hidden" role="status" aria-live="polite" data-testid="phase-announcer" />
  );
}
