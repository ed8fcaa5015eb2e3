import type { HostReport } from '../../../app/api';

/** The host readiness checklist (placeholder until the checklist screen lands). */
export function HostChecklist({ report }: { report: HostReport | null; onRecheck: () => void; checking: boolean }) {
  if (!report) return <p className="muted">Checking this computer…</p>;
  return (
    <ul>
      {report.checks.map((c) => (
        <li key={c.id}>
          {c.title}: {c.status}
        </li>
      ))}
    </ul>
  );
}
