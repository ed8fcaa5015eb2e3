// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { machineView } from '../testing/fake-api';
import { PhaseAnnouncer } from './PhaseAnnouncer';
import { redirectOf } from './hash-route';

afterEach(cleanup);

describe('PhaseAnnouncer', () => {
  it('says a machine’s phase change politely, with its name; nothing on the first load', () => {
    const stopped = machineView({ name: 'Office' });
    const { rerender } = render(<PhaseAnnouncer machines={[stopped]} />);
    const region = screen.getByRole('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent).toBe('');
    rerender(
      <PhaseAnnouncer machines={[{ ...stopped, status: { phase: 'installing', running: true, screenReady: true } }]} />,
    );
    expect(region.textContent).toBe('Office: Installing Windows');
  });
});

describe('redirectOf', () => {
  it('sends a machine’s old homes to its page’s tabs, and leaves the rest alone', () => {
    expect(redirectOf(['machine', 'win11'])).toBe('/machines/win11/settings');
    expect(redirectOf(['apps', 'win11'])).toBe('/machines/win11/apps');
    expect(redirectOf(['machines', 'win11', 'logs'])).toBeNull();
    expect(redirectOf(['machine'])).toBeNull();
    expect(redirectOf([])).toBeNull();
  });
});
