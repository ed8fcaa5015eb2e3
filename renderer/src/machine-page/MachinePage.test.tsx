// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { MachinePage } from './MachinePage';
import { LogsPanel } from './LogsPanel';
import { AdoptionBanner } from './AdoptionBanner';
import { MACHINE_TABS } from './tabs';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

beforeEach(() => {
  state.fake = fakeApi({ lastFrame: async () => ({ png: null }) });
  // jsdom has no layout: one frame is one task.
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(0), 0) as unknown as number);
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('MachinePage', () => {
  it('shows a tab bar from the tab list, the chosen tab current', () => {
    const machine = machineView({ name: 'Office' });
    render(
      <MachinePage
        machine={machine}
        machines={[machine]}
        loaded
        tab="apps"
        detail={undefined}
        onOpenScreen={() => undefined}
      />,
    );
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(MACHINE_TABS.map((t) => t.label));
    expect(screen.getByRole('tab', { selected: true }).textContent).toBe('Apps');
    expect(MACHINE_TABS.map((t) => t.id)).toEqual(['overview', 'logs', 'graphs', 'snapshots', 'apps', 'settings']);
    // A way back to the list, on every tab.
    expect(screen.getByRole('link', { name: '← All machines' }).getAttribute('href')).toBe('#/');
  });

  it('offers Start on a stopped machine and Shut down on a running one, on every tab, through the backend', async () => {
    const stopped = machineView({ name: 'Office' });
    const { rerender } = render(
      <MachinePage
        machine={stopped}
        machines={[stopped]}
        loaded
        tab="snapshots"
        detail={undefined}
        onOpenScreen={() => undefined}
      />,
    );
    expect(screen.queryByRole('button', { name: /Shut down/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Start Office' }));
    await waitFor(() => expect(state.fake!.callsOf('startMachine')).toEqual([{ id: stopped.id }]));
    const running = machineView({ name: 'Office', status: { phase: 'ready', running: true, screenReady: true } });
    rerender(
      <MachinePage
        machine={running}
        machines={[running]}
        loaded
        tab="graphs"
        detail={undefined}
        onOpenScreen={() => undefined}
      />,
    );
    expect(screen.queryByRole('button', { name: /^Start/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'More for Office' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Shut down' }));
    await waitFor(() => expect(state.fake!.callsOf('stopMachine')).toEqual([{ id: running.id }]));
    expect(screen.getByTestId('page-phase').getAttribute('data-phase')).toBe('ready');
  });

  it('says so when the machine is gone', () => {
    render(
      <MachinePage
        machine={null}
        machines={[]}
        loaded
        tab={undefined}
        detail={undefined}
        onOpenScreen={() => undefined}
      />,
    );
    expect(screen.getByText(/does not exist/)).toBeTruthy();
  });
});

describe('LogsPanel', () => {
  it('follows the log through one stream, marks ❯ lines and phases, filters by search, and closes the stream when it goes', async () => {
    const machine = machineView({ name: 'Office' });
    const { unmount } = render(<LogsPanel machine={machine} />);
    const fake = state.fake!;
    expect(fake.streams).toHaveLength(1);
    expect(fake.streams[0]).toMatchObject({ stream: 'machineLog', request: { id: machine.id } });
    act(() => {
      fake.streams[0]!.onItem({
        kind: 'lines',
        lines: ['\x1b[1;34m❯ \x1b[1;36mBooting Windows\x1b[0m', 'BdsDxe: loading', '❯ ERROR: no KVM'],
      });
      fake.streams[0]!.onItem({ kind: 'phase', phase: 'booting', at: '2026-01-01T00:00:00Z' });
    });
    await waitFor(() => expect(screen.getByTestId('log-count').textContent).toBe('4 lines'));
    const kinds = [...screen.getByTestId('log-view').querySelectorAll('[data-kind]')].map((el) => [
      el.textContent,
      el.getAttribute('data-kind'),
    ]);
    expect(kinds).toEqual([
      ['❯ Booting Windows', 'image'],
      ['BdsDxe: loading', 'plain'],
      ['❯ ERROR: no KVM', 'error'],
      ['Porthole: booting', 'phase'],
    ]);
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'booting' } });
    expect(screen.getByTestId('log-count').textContent).toBe('2 matching of 4 lines');
    unmount();
    expect(fake.streams[0]!.closed).toBe(true);
  });

  it('renders a long log in a bounded number of rows', async () => {
    render(<LogsPanel machine={machineView({})} />);
    act(() =>
      state.fake!.streams[0]!.onItem({ kind: 'lines', lines: Array.from({ length: 50_000 }, (_, i) => `line ${i}`) }),
    );
    await waitFor(() => expect(screen.getByTestId('log-count').textContent).toBe('20000 lines'));
    expect(screen.getByTestId('log-view').querySelectorAll('.log-line').length).toBeLessThan(100);
  });

  it('stops following while the page is hidden and follows again when it shows', () => {
    render(<LogsPanel machine={machineView({})} />);
    const fake = state.fake!;
    const hidden = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    expect(fake.streams[0]!.closed).toBe(true);
    hidden.mockReturnValue('visible');
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    expect(fake.streams).toHaveLength(2);
    expect(fake.streams[1]!.closed).toBe(false);
  });
});

describe('AdoptionBanner', () => {
  it('counts hand-made containers, warns what adopting means, and shows the adoption’s warnings', async () => {
    let listed = [
      { containerId: 'c1', name: 'windows', image: 'dockurr/windows', running: true, porthole: false, foreign: false },
      {
        containerId: 'c2',
        name: 'porthole-x-abc',
        image: 'dockurr/windows',
        running: false,
        porthole: false,
        foreign: true,
      },
    ];
    state.fake = fakeApi({
      adoptableContainers: async () => listed,
      adoptContainer: async ({ containerId }) => {
        listed = listed.filter((c) => c.containerId !== containerId);
        return {
          machine: machineView({ name: 'windows' }),
          warnings: ['Its ports are published on 127.0.0.1 only from now on.'],
        };
      },
    });
    render(<AdoptionBanner machineCount={0} />);
    await waitFor(() => expect(screen.getByText('Found 2 Windows containers Porthole did not create.')).toBeTruthy());
    expect(screen.getByText(/Another Porthole configuration’s/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Adopt windows' }));
    await waitFor(() =>
      expect(screen.getByTestId('adoption-result').textContent).toContain('Adopted windows as windows.'),
    );
    expect(screen.getByTestId('adoption-result').textContent).toContain(
      'Warning: Its ports are published on 127.0.0.1 only',
    );
    await waitFor(() => expect(screen.getByText('Found 1 Windows container Porthole did not create.')).toBeTruthy());
  });
});
