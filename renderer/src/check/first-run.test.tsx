// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult, HostReport } from '@porthole/api';
import { continueToMachines, hasContinued, opensOnChecklist, useFirstRunGate } from './first-run';
import { HostBanner } from './HostBanner';

function report(statuses: Record<string, CheckResult['status']>): HostReport {
  const checks = Object.entries(statuses).map(([id, status]) => ({
    id,
    title: id === 'engine' ? 'Container engine' : 'KVM acceleration',
    status,
    found: `${id} is ${status}.`,
    why: '',
  }));
  return {
    checkedAt: '2026-01-01T10:00:00.000Z',
    ready: checks.every((c) => c.status !== 'fail'),
    checks,
    facts: {
      ramTotalBytes: 8e9,
      ramAvailableBytes: 6e9,
      cpuThreads: 4,
      freeDiskBytes: 1e11,
      kvmUsable: true,
      kvmFlagsVisible: true,
    },
  };
}

interface GateProps {
  r: HostReport | null;
  n: number | null;
}

const healthy = report({ kvm: 'ok', engine: 'ok' });
const warned = report({ kvm: 'warn', engine: 'ok' });
const engineDown = report({ kvm: 'ok', engine: 'fail' });

beforeEach(() => {
  localStorage.clear();
  window.location.hash = '';
});
afterEach(cleanup);

describe('opensOnChecklist', () => {
  it('opens on the checklist whenever something fails, machines or not', () => {
    expect(opensOnChecklist(engineDown, 3, true)).toBe(true);
    expect(opensOnChecklist(engineDown, null, true)).toBe(true);
  });

  it('opens on it at first use: no machines and never continued, warnings or not', () => {
    expect(opensOnChecklist(healthy, 0, false)).toBe(true);
    expect(opensOnChecklist(warned, 0, false)).toBe(true);
  });

  it('opens on the list once the user continued, or has machines', () => {
    expect(opensOnChecklist(warned, 0, true)).toBe(false);
    expect(opensOnChecklist(warned, 2, false)).toBe(false);
  });

  it('waits for the machines when nothing fails', () => {
    expect(opensOnChecklist(healthy, null, false)).toBeNull();
  });
});

describe('continueToMachines', () => {
  it('remembers the choice and goes to the list', async () => {
    window.location.hash = '#/check';
    expect(hasContinued()).toBe(false);
    continueToMachines();
    expect(hasContinued()).toBe(true);
    expect(window.location.hash).toBe('#/');
  });
});

describe('useFirstRunGate', () => {
  it('holds the list until it knows, then opens the checklist at first use', async () => {
    const { result, rerender } = renderHook(({ r, n }: GateProps) => useFirstRunGate(r, n), {
      initialProps: { r: null, n: null } as GateProps,
    });
    expect(result.current).toEqual({ pending: true, firstRun: false });
    rerender({ r: warned, n: 0 });
    await waitFor(() => expect(window.location.hash).toBe('#/check'));
    expect(result.current).toEqual({ pending: false, firstRun: true });
  });

  it('opens on the checklist when something fails, before the machines are known', async () => {
    localStorage.setItem('porthole.checklist.continued', '1');
    renderHook(() => useFirstRunGate(engineDown, null));
    await waitFor(() => expect(window.location.hash).toBe('#/check'));
  });

  it('opens on the list for a returning user', async () => {
    continueToMachines();
    window.location.hash = '';
    const { result } = renderHook(() => useFirstRunGate(warned, 0));
    expect(result.current).toEqual({ pending: false, firstRun: false });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(window.location.hash).toBe('');
  });

  it('leaves alone a user who went somewhere before the answer came', async () => {
    const { result, rerender } = renderHook(({ r }: GateProps) => useFirstRunGate(r, 0), {
      initialProps: { r: null, n: 0 } as GateProps,
    });
    window.location.hash = '#/new';
    await waitFor(() => expect(result.current.pending).toBe(false));
    rerender({ r: engineDown, n: 0 });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(window.location.hash).toBe('#/new');
  });

  it('does not undo a click that moved on just before the answer came', async () => {
    const { result, rerender } = renderHook(({ r }: GateProps) => useFirstRunGate(r, 0), {
      initialProps: { r: null, n: 0 } as GateProps,
    });
    window.location.hash = '#/new';
    rerender({ r: engineDown, n: 0 }); // before the hashchange event is delivered
    expect(result.current).toEqual({ pending: false, firstRun: false });
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(window.location.hash).toBe('#/new');
  });

  it('does not gate windows opened elsewhere (a screen window)', () => {
    window.location.hash = '#/screen/m1';
    const { result } = renderHook(() => useFirstRunGate(engineDown, 0));
    expect(result.current).toEqual({ pending: false, firstRun: false });
  });

  it('ends first run when the user leaves the checklist', async () => {
    const { result } = renderHook(() => useFirstRunGate(warned, 0));
    await waitFor(() => expect(result.current.firstRun).toBe(true));
    window.location.hash = '#/';
    await waitFor(() => expect(result.current.firstRun).toBe(false));
  });
});

describe('HostBanner', () => {
  it('shows nothing while nothing fails', () => {
    const { container } = render(<HostBanner report={warned} />);
    expect(container.innerHTML).toBe('');
  });

  it('names the failing check and what was found, and links to the checklist', async () => {
    render(<HostBanner report={engineDown} />);
    expect(screen.getByTestId('host-banner').textContent).toContain('Container engine: engine is fail.');
    fireEvent.click(screen.getByRole('button', { name: 'See what to do' }));
    await waitFor(() => expect(window.location.hash).toBe('#/check'));
  });

  it('lists several failing checks by name', () => {
    render(<HostBanner report={report({ kvm: 'fail', engine: 'fail' })} />);
    expect(screen.getByTestId('host-banner').textContent).toContain(
      '2 checks fail: KVM acceleration, Container engine.',
    );
  });
});
