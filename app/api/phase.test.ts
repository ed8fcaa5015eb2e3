import { describe, expect, it } from 'vitest';
import { canRestart, canShowScreen, canStart, canStop, phaseLabels, phaseSummary } from './phase';
import { machinePhases, type MachinePhase, type MachineStatus } from './state';

const RUNNING: ReadonlySet<MachinePhase> = new Set([
  'preparing',
  'booting',
  'installing',
  'running-iso',
  'ready',
  'stopping',
]);
const status = (phase: MachinePhase, extra: Partial<MachineStatus> = {}): MachineStatus => ({
  phase,
  running: RUNNING.has(phase),
  screenReady: phase === 'installing' || phase === 'ready' || phase === 'running-iso',
  ...extra,
});

describe('what each phase allows (the card, the settings page and the tray ask the same functions)', () => {
  const offered = (can: (s: MachineStatus) => boolean) => machinePhases.filter((p) => can(status(p)));

  it('offers Start only when nothing runs, downloads or shuts down, and the engine answers', () => {
    expect(offered(canStart)).toEqual(['absent', 'created', 'stopped', 'failed']);
  });

  it('offers Stop while it runs and during a download (which it cancels), not while it already shuts down', () => {
    expect(offered(canStop)).toEqual(['pulling', 'preparing', 'booting', 'installing', 'running-iso', 'ready']);
  });

  it('offers Restart once QEMU runs, and the screen once it is ready', () => {
    expect(offered(canRestart)).toEqual(['booting', 'installing', 'running-iso', 'ready']);
    expect(offered(canShowScreen)).toEqual(['installing', 'running-iso', 'ready']);
  });

  it('never offers Start and Stop at once', () => {
    for (const phase of machinePhases) expect(canStart(status(phase)) && canStop(status(phase)), phase).toBe(false);
  });
});

describe('phase words', () => {
  it('names every phase', () => {
    for (const phase of machinePhases) expect(phaseLabels[phase].length, phase).toBeGreaterThan(0);
  });

  it('sums up progress in one short line, with the same words as the labels', () => {
    expect(phaseSummary(status('created'))).toBe(phaseLabels.created);
    expect(phaseSummary(status('installing', { progress: { fraction: 0.5 } }))).toBe('Installing Windows 50%');
    expect(
      phaseSummary(status('failed', { failure: { exitCode: 88, cause: 'x'.repeat(100), remedy: '' } })).length,
    ).toBeLessThanOrEqual(60);
  });
});
