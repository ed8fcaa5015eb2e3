import type { CheckResult, HostReport } from '@porthole/api';

export type CheckStatus = CheckResult['status'];

const SEVERITY: Record<CheckStatus, number> = { fail: 0, warn: 1, ok: 2 };

/** Problems first (failures, then warnings), each group in the order the probes report them. */
export function bySeverity(checks: CheckResult[]): CheckResult[] {
  return checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => SEVERITY[a.check.status] - SEVERITY[b.check.status] || a.index - b.index)
    .map((x) => x.check);
}

export function withStatus(report: HostReport | null, status: CheckStatus): CheckResult[] {
  return report ? report.checks.filter((c) => c.status === status) : [];
}

/** Nothing failed and nothing warned: no reason to stay on the checklist. */
export function allPassed(report: HostReport | null): boolean {
  return report !== null && report.checks.every((c) => c.status === 'ok');
}

/** The report says the engine check fails: its own explanation (and fix) beats a bare "not answering". */
export function engineFails(report: HostReport | null): boolean {
  return withStatus(report, 'fail').some((c) => c.id === 'engine');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
