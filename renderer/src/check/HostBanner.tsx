import type { HostReport } from '@porthole/api';
import { navigate } from '../app/hash-route';
import { plural, withStatus } from './report';

/** On the machine list: a check fails now (the engine went away, say). Says which, and links to the checklist. */
export function HostBanner({ report }: { report: HostReport | null }) {
  const failed = withStatus(report, 'fail');
  if (failed.length === 0) return null;
  const what =
    failed.length === 1
      ? `${failed[0]!.title}: ${failed[0]!.found}`
      : `${plural(failed.length, 'check')} fail: ${failed.map((c) => c.title).join(', ')}.`;
  return (
    <div className="banner banner-bad" role="alert" data-testid="host-banner">
      {what} Windows machines can’t start until this is fixed.{' '}
      <button className="link" onClick={() => navigate('/check')}>
        See what to do
      </button>
    </div>
  );
}
