import { describe, expect, it } from 'vitest';
import { ENGINE_DOWN_STATUS } from '../api';
import { machine } from '../main/test-machines';
import { formatMachines } from './format';

describe('porthole machines', () => {
  it('says "engine not reachable" while the engine is down, never "absent"', () => {
    const text = formatMachines([{ ...machine('win11', 'stopped'), status: { ...ENGINE_DOWN_STATUS } }]);
    expect(text).toMatch(/^win11\s+\S.*\s+engine not reachable\s/m);
    expect(text).not.toMatch(/absent/);
    expect(text).toContain('"porthole check" says why');
  });

  it('shows the phase as it is when the engine answers', () => {
    const text = formatMachines([machine('win11', 'stopped')]);
    expect(text).toMatch(/^win11\s+\S.*\s+stopped\s/m);
    expect(text).not.toContain('not reachable');
  });
});
