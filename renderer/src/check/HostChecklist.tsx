import { useEffect, useEffectEvent, useState } from 'react';
import type { HostReport } from '@porthole/api';
import { CheckItem } from './CheckItem';
import { allPassed, bySeverity, plural, withStatus } from './report';
import { StatusIcon } from './StatusIcon';
import './check.css';

export interface HostChecklistProps {
  report: HostReport | null;
  onRecheck: () => void;
  checking: boolean;
  /** Leaves for the machine list: the Continue button, or by itself once everything passes. */
  onContinue: () => void;
  /** The first-run gate opened this checklist: move on when everything passes, even from the start. */
  firstRun?: boolean;
  /** How long "everything is ready" stays on screen before moving on. */
  moveOnDelayMs?: number;
}

/**
 * Can Windows run here, and if not, exactly why and how to fix it. Problems come first. The report stays
 * live (the backend re-checks when /dev/kvm or an engine socket appears or goes), so a fix made in a
 * terminal shows up here by itself.
 *
 * Moving on: failures block (no Continue); warnings never do (Continue). When every check passes it moves
 * on by itself, but only when that is news: at first run, or after this visit showed a problem. A user
 * who opened the checklist to look at a healthy computer is not sent away.
 */
export function HostChecklist({
  report,
  onRecheck,
  checking,
  onContinue,
  firstRun = false,
  moveOnDelayMs = 1200,
}: HostChecklistProps) {
  const passed = allPassed(report);
  const [sawProblem, setSawProblem] = useState(false);
  if (report && !passed && !sawProblem) setSawProblem(true);
  const movingOn = passed && (firstRun || sawProblem);

  const moveOn = useEffectEvent(onContinue);
  useEffect(() => {
    if (!movingOn) return;
    const timer = setTimeout(moveOn, moveOnDelayMs);
    return () => clearTimeout(timer);
  }, [movingOn, moveOnDelayMs]);

  const failures = withStatus(report, 'fail').length;
  const warnings = withStatus(report, 'warn').length;

  return (
    <section className="checklist" aria-labelledby="checklist-title" aria-busy={checking || !report}>
      <header
        className={`checklist-summary summary-${!report ? 'checking' : failures ? 'fail' : warnings ? 'warn' : 'ok'}`}
      >
        <div className="summary-icon" aria-hidden="true">
          {report ? (
            <StatusIcon status={failures ? 'fail' : warnings ? 'warn' : 'ok'} size={44} />
          ) : (
            <span className="spinner spinner-large" />
          )}
        </div>
        <div className="summary-text">
          <h2 id="checklist-title">{headline(report, failures, warnings)}</h2>
          <p data-testid="checklist-summary">{summary(report, failures, warnings, movingOn)}</p>
        </div>
        <div className="summary-actions">
          <button type="button" onClick={onRecheck} disabled={checking || !report}>
            {checking ? <span className="spinner" aria-hidden="true" /> : null}
            Check again
          </button>
          {report?.ready && !movingOn ? (
            <button type="button" className="primary" onClick={onContinue}>
              Continue
            </button>
          ) : null}
        </div>
        {report ? (
          // Every check at a glance, in the probes' own order, before the details below.
          <ul className="summary-overview" aria-label="All checks at a glance">
            {report.checks.map((check) => (
              <li key={check.id} className={`overview-${check.status}`}>
                <StatusIcon status={check.status} size={15} />
                {check.title}
              </li>
            ))}
          </ul>
        ) : null}
      </header>

      {report ? (
        <ol className="checks" aria-label="Checks">
          {bySeverity(report.checks).map((check) => (
            <CheckItem key={check.id} check={check} />
          ))}
        </ol>
      ) : null}

      {report ? (
        <p className="checklist-footnote">
          Checked at {new Date(report.checkedAt).toLocaleTimeString()}. Porthole checks again by itself when KVM or a
          container engine appears or goes away; after other changes, press Check again. <code>porthole check</code>{' '}
          prints the same list in a terminal.
        </p>
      ) : null}
    </section>
  );
}

function headline(report: HostReport | null, failures: number, warnings: number): string {
  if (!report) return 'Checking this computer…';
  if (failures) return 'Windows can’t run on this computer yet';
  if (warnings) return 'This computer can run Windows';
  return 'This computer is ready to run Windows';
}

function summary(report: HostReport | null, failures: number, warnings: number, movingOn: boolean): string {
  if (!report)
    return 'Porthole looks at hardware virtualization (KVM), the container engine, memory, processor, disk space and networking.';
  if (failures) {
    const also = warnings ? `, and ${plural(warnings, 'warning')} worth reading` : '';
    return `${plural(failures, 'problem')} to fix first${also}. Each one says what Porthole found and what to do about it.`;
  }
  if (warnings)
    return `Nothing blocks you. ${warnings === 1 ? 'One warning is' : `${warnings} warnings are`} worth reading before you create a machine.`;
  return movingOn
    ? 'Everything Porthole needs is in place. Opening your machines…'
    : 'Everything Porthole needs is in place.';
}
