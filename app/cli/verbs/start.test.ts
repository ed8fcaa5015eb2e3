import { describe, expect, it } from 'vitest';
import { sampleView } from '../../api/testing/sample-machine';
import type { MachinePhase } from '../../api';
import { reportStart } from './start';

function report(phase: MachinePhase): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const view = sampleView({
    status: { phase, running: phase !== 'unknown', message: phase } as ReturnType<typeof sampleView>['status'],
  });
  const code = reportStart(
    view,
    'w',
    'start',
    false,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

describe('what a start reports', () => {
  it('done only once past the image’s checks', () => {
    for (const phase of ['booting', 'installing', 'running-iso', 'ready'] as const)
      expect(report(phase)).toMatchObject({ code: 0, err: '' });
  });

  it('a machine stopping, or an engine gone quiet, during the start is no success', () => {
    const stopping = report('stopping');
    expect(stopping.code).toBe(1);
    expect(stopping.out).toBe('');
    expect(stopping.err).toMatch(/^w did not start: Something stopped the machine while it was starting/);
    const unknown = report('unknown');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/engine stopped answering during the start/);
  });
});
