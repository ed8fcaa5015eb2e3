import type { CheckResult, HostReport } from '../../api';

const MARK: Record<CheckResult['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

/**
 * The report as text for `porthole check`: a line per check (✓ ok, ! warning, ✗ failure); under each
 * warning or failure why it matters, what to do, and the commands to copy, indented.
 */
export function formatHostReport(report: HostReport): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]} ${check.title}: ${check.found}`);
    if (check.status === 'ok') continue;
    lines.push(`    ${check.why}`);
    if (check.fix) {
      if (check.fix.text) lines.push(`    ${check.fix.text}`);
      for (const command of check.fix.commands) lines.push(`        ${command}`);
    }
  }
  const failures = report.checks.filter((c) => c.status === 'fail').length;
  const warnings = report.checks.filter((c) => c.status === 'warn').length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push('');
  lines.push(
    report.ready
      ? `Ready to run Windows machines${warnings ? ` (${plural(warnings, 'warning')})` : ''}.`
      : `Not ready: ${plural(failures, 'problem')} to fix first${warnings ? `, ${plural(warnings, 'warning')}` : ''}.`,
  );
  return lines.join('\n') + '\n';
}
