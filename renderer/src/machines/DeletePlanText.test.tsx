// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeletePlan } from '@porthole/api';
import { PlanText } from './DeletePlanText';

afterEach(cleanup);

const plan: DeletePlan = {
  path: '/srv/vms/win',
  kind: 'files',
  remove: ['data.img'],
  keep: ['notes.txt'],
  allocatedBytes: 2 * 1024 ** 3,
  apparentBytes: 64 * 1024 ** 3,
};

describe('the delete plan in words', () => {
  it('on a remote engine, says which computer the folder is on, what goes and what stays', () => {
    render(<PlanText plan={{ ...plan, host: 'build-box' }} />);
    const text = screen.getByTestId('delete-plan').textContent ?? '';
    expect(text).toContain('The folder /srv/vms/win on build-box was not made by Porthole');
    expect(text).toContain('Deleted: data.img.');
    expect(text).toContain('Kept: the folder, notes.txt.');
    expect(screen.getByTestId('delete-host').textContent).toBe('build-box');
  });

  it('on this computer, names no host', () => {
    render(<PlanText plan={{ ...plan, kind: 'folder', keep: [] }} />);
    expect(screen.getByTestId('delete-plan').textContent).toContain('This deletes the folder /srv/vms/win and');
    expect(screen.queryByTestId('delete-host')).toBeNull();
  });
});
