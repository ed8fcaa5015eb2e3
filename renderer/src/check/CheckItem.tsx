import type { CheckResult } from '@porthole/api';
import { FixCommands } from './FixCommands';
import { STATUS_LABEL, StatusIcon } from './StatusIcon';

/** One probe: its state, what was found, why it matters and, when it is not fine, how to fix it. */
export function CheckItem({ check }: { check: CheckResult }) {
  const problem = check.status !== 'ok';
  return (
    <li className={`check check-${check.status}`} data-testid={`check-${check.id}`} data-status={check.status}>
      <StatusIcon status={check.status} />
      <div className="check-body">
        <div className="check-head">
          <h3>{check.title}</h3>
          {problem ? <span className={`check-pill pill-${check.status}`}>{STATUS_LABEL[check.status]}</span> : null}
        </div>
        <p className="check-found">{check.found}</p>
        <p className="check-why">
          {problem ? <strong>Why it matters: </strong> : null}
          {check.why}
        </p>
        {problem && check.fix && (check.fix.text || check.fix.commands.length > 0) ? (
          <div className="check-fix">
            <h4>How to fix it</h4>
            {check.fix.text ? <p>{check.fix.text}</p> : null}
            <FixCommands commands={check.fix.commands} />
          </div>
        ) : null}
      </div>
    </li>
  );
}
