import { useEffect, useState } from 'react';
import type { HostReport } from '@porthole/api';
import { navigate } from '../app/hash-route';
import { withStatus } from './report';

const CONTINUED_KEY = 'porthole.checklist.continued';
/** If the report or the machine list never comes, open on the list rather than wait forever. */
const GATE_TIMEOUT_MS = 4000;

/**
 * Where the app opens. On the checklist when the latest report has a failure (Windows cannot run here:
 * say why before anything else), or when there are no machines yet and the user has never continued
 * past the checklist (a newcomer first sees what this computer can do, warnings included).
 * Otherwise on the machine list. null: not known yet (no failure, machines still loading).
 */
export function opensOnChecklist(report: HostReport, machineCount: number | null, continued: boolean): boolean | null {
  if (withStatus(report, 'fail').length > 0) return true;
  if (machineCount === null) return null;
  return machineCount === 0 && !continued;
}

export function hasContinued(): boolean {
  return localStorage.getItem(CONTINUED_KEY) === '1';
}

/** Leaves the checklist for the machine list, and remembers it: the next start opens on the list. */
export function continueToMachines(): void {
  localStorage.setItem(CONTINUED_KEY, '1');
  navigate('/');
}

type GateState = 'pending' | 'checklist' | 'done';

const onList = (): boolean => window.location.hash.replace(/^#\/?/, '') === '';
const onChecklist = (): boolean => /^#\/check\/?$/.test(window.location.hash);

/**
 * The first-run gate. Decided once, when the app opens on the machine list: it moves to `#/check` if
 * `opensOnChecklist` says so. A user who goes elsewhere before the answer comes keeps their way.
 * `pending`: still deciding (the list waits, so it does not flash before the checklist).
 * `firstRun`: the user is on the checklist the gate opened; it ends when they leave it.
 */
export function useFirstRunGate(
  report: HostReport | null,
  machineCount: number | null,
): { pending: boolean; firstRun: boolean } {
  const [state, setState] = useState<GateState>(() => (onList() ? 'pending' : 'done'));

  if (state === 'pending' && report) {
    // Read the address now, not the last hashchange: a click may have just moved the user on.
    const opens = onList() ? opensOnChecklist(report, machineCount, hasContinued()) : false;
    if (opens !== null) setState(opens ? 'checklist' : 'done');
  }

  useEffect(() => {
    if (state === 'done') return;
    if (state === 'checklist' && onList()) navigate('/check');
    const onHashChange = (): void => {
      if (state === 'pending' || !onChecklist()) setState('done');
    };
    window.addEventListener('hashchange', onHashChange);
    const timer = state === 'pending' ? setTimeout(() => setState('done'), GATE_TIMEOUT_MS) : undefined;
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      clearTimeout(timer);
    };
  }, [state]);

  return { pending: state === 'pending', firstRun: state === 'checklist' };
}
