// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult, HostReport, PortholeBridge } from '@porthole/api';
import { HostChecklist, type HostChecklistProps } from './HostChecklist';

const ok = (id: string, title: string): CheckResult => ({
  id,
  title,
  status: 'ok',
  found: `${title} found fine.`,
  why: `${title} matters.`,
});

const kvmWarn: CheckResult = {
  id: 'kvm',
  title: 'KVM acceleration',
  status: 'warn',
  found: '/dev/kvm opens read-write, but /proc/cpuinfo shows neither vmx nor svm.',
  why: 'Windows will run in software emulation.',
  fix: {
    text: 'Make the flags visible to this computer.',
    commands: [
      '# on the VM host:',
      'cat /sys/module/kvm_amd/parameters/nested',
      '# then, in this computer:',
      "grep -cwE 'vmx|svm' /proc/cpuinfo",
    ],
  },
};

const engineFail: CheckResult = {
  id: 'engine',
  title: 'Container engine',
  status: 'fail',
  found: 'No container engine answers: the engine is not running, or not installed.',
  why: 'Porthole runs each Windows machine as a container.',
  fix: {
    text: 'The engine is not running: start it.',
    commands: ['sudo systemctl enable --now docker', '# or use the engine that answers:', 'unset DOCKER_HOST'],
  },
};

function report(checks: CheckResult[]): HostReport {
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
      kvmFlagsVisible: false,
    },
  };
}

const allOk = report([ok('kvm', 'KVM acceleration'), ok('engine', 'Container engine'), ok('memory', 'Memory')]);
const withWarning = report([kvmWarn, ok('engine', 'Container engine'), ok('memory', 'Memory')]);
const withFailure = report([kvmWarn, engineFail, ok('memory', 'Memory')]);

function props(overrides: Partial<HostChecklistProps> = {}): HostChecklistProps {
  return {
    report: withWarning,
    onRecheck: vi.fn(),
    checking: false,
    onContinue: vi.fn(),
    moveOnDelayMs: 0,
    ...overrides,
  };
}

const writeText = vi.fn<(text: string) => Promise<void>>();

beforeEach(() => {
  writeText.mockReset().mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => {
  cleanup();
  delete window.porthole;
});

describe('HostChecklist', () => {
  it('says it is checking until the first report comes', () => {
    render(<HostChecklist {...props({ report: null })} />);
    expect(screen.getByRole('heading', { name: 'Checking this computer…' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Check again' })).toHaveProperty('disabled', true);
    expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();
  });

  it('shows each probe with its state, what was found and why it matters; problems first', () => {
    render(<HostChecklist {...props({ report: withFailure })} />);
    const items = within(screen.getByRole('list', { name: 'Checks' })).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('data-status'))).toEqual(['fail', 'warn', 'ok']);
    expect(items.map((li) => li.getAttribute('data-testid'))).toEqual(['check-engine', 'check-kvm', 'check-memory']);

    const engine = within(screen.getByTestId('check-engine'));
    expect(engine.getByRole('img', { name: 'Problem' })).toBeTruthy();
    expect(engine.getByText('Problem', { selector: '.check-pill' })).toBeTruthy();
    expect(engine.getByText(engineFail.found)).toBeTruthy();
    expect(engine.getByText(engineFail.why)).toBeTruthy();
    expect(engine.getByText(engineFail.fix!.text)).toBeTruthy();

    const kvm = within(screen.getByTestId('check-kvm'));
    expect(kvm.getByRole('img', { name: 'Warning' })).toBeTruthy();
    expect(kvm.getByText(kvmWarn.found)).toBeTruthy();

    const memory = within(screen.getByTestId('check-memory'));
    expect(memory.getByRole('img', { name: 'Passed' })).toBeTruthy();
    expect(memory.getByText('Memory found fine.')).toBeTruthy();
    expect(memory.getByText('Memory matters.')).toBeTruthy();
    expect(memory.queryByText('How to fix it')).toBeNull();

    const overview = within(screen.getByRole('list', { name: 'All checks at a glance' })).getAllByRole('listitem');
    expect(overview.map((li) => li.textContent)).toEqual(['KVM acceleration', 'Container engine', 'Memory']);
    expect(overview.map((li) => li.className)).toEqual(['overview-warn', 'overview-fail', 'overview-ok']);
    expect(screen.getByRole('heading', { name: 'Windows can’t run on this computer yet' })).toBeTruthy();
    expect(screen.getByTestId('checklist-summary').textContent).toMatch(/^1 problem to fix first, and 1 warning/);
  });

  it('shows comment lines as comments, and a Copy button for each command only', () => {
    render(<HostChecklist {...props({ report: withFailure })} />);
    const kvm = screen.getByTestId('check-kvm');
    const comments = [...kvm.querySelectorAll('.fix-comment')].map((el) => el.textContent);
    expect(comments).toEqual(['# on the VM host:', '# then, in this computer:']);
    const commands = [...kvm.querySelectorAll('.fix-command code')].map((el) => el.textContent);
    expect(commands).toEqual(['cat /sys/module/kvm_amd/parameters/nested', "grep -cwE 'vmx|svm' /proc/cpuinfo"]);
    expect(within(kvm).getAllByRole('button', { name: /^Copy/ })).toHaveLength(2);
    expect(within(screen.getByTestId('check-engine')).getAllByRole('button', { name: /^Copy/ })).toHaveLength(2);
  });

  it('copies one command (never its comment or the other alternative) and says so', async () => {
    render(<HostChecklist {...props({ report: withFailure })} />);
    const button = screen.getByRole('button', { name: 'Copy: unset DOCKER_HOST' });
    fireEvent.click(button);
    expect(writeText).toHaveBeenCalledWith('unset DOCKER_HOST');
    await waitFor(() => expect(button.textContent).toBe('Copied'));
  });

  it('says when the clipboard refuses', async () => {
    writeText.mockRejectedValue(new Error('denied'));
    render(<HostChecklist {...props()} />);
    const button = screen.getByRole('button', { name: "Copy: grep -cwE 'vmx|svm' /proc/cpuinfo" });
    fireEvent.click(button);
    await waitFor(() => expect(button.textContent).toBe('Copy failed'));
  });

  it('copies through the desktop bridge in Electron', async () => {
    const writeClipboard = vi.fn(async () => undefined);
    window.porthole = { desktop: { writeClipboard } } as unknown as PortholeBridge;
    render(<HostChecklist {...props()} />);
    fireEvent.click(screen.getByRole('button', { name: "Copy: grep -cwE 'vmx|svm' /proc/cpuinfo" }));
    await waitFor(() => expect(writeClipboard).toHaveBeenCalledWith("grep -cwE 'vmx|svm' /proc/cpuinfo"));
    expect(writeText).not.toHaveBeenCalled();
  });

  it('checks again on request, and not while a check runs', () => {
    const p = props();
    const { rerender } = render(<HostChecklist {...p} />);
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(p.onRecheck).toHaveBeenCalledTimes(1);
    rerender(<HostChecklist {...p} checking />);
    expect(screen.getByRole('button', { name: 'Check again' })).toHaveProperty('disabled', true);
  });

  it('never blocks on warnings: they stay visible with Continue, and it does not move on by itself', async () => {
    const p = props({ report: withWarning, firstRun: true });
    render(<HostChecklist {...p} />);
    expect(screen.getByRole('heading', { name: 'This computer can run Windows' })).toBeTruthy();
    expect(screen.getByTestId('check-kvm').getAttribute('data-status')).toBe('warn');
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(p.onContinue).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(p.onContinue).toHaveBeenCalledTimes(1);
  });

  it('offers no Continue while something fails', () => {
    render(<HostChecklist {...props({ report: withFailure })} />);
    expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();
  });

  it('moves on by itself once a failure is fixed', async () => {
    const p = props({ report: withFailure });
    const { rerender } = render(<HostChecklist {...p} />);
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(p.onContinue).not.toHaveBeenCalled();
    // The hostChanged event brings the new report.
    rerender(<HostChecklist {...p} report={allOk} />);
    expect(screen.getByTestId('checklist-summary').textContent).toMatch(/Opening your machines/);
    await waitFor(() => expect(p.onContinue).toHaveBeenCalledTimes(1));
  });

  it('moves on by itself at first run when everything passes', async () => {
    const p = props({ report: allOk, firstRun: true });
    render(<HostChecklist {...p} />);
    expect(screen.getByRole('heading', { name: 'This computer is ready to run Windows' })).toBeTruthy();
    await waitFor(() => expect(p.onContinue).toHaveBeenCalledTimes(1));
  });

  it('stays when the user opened it to look at a healthy computer', async () => {
    const p = props({ report: allOk });
    render(<HostChecklist {...p} />);
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(p.onContinue).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
  });
});
