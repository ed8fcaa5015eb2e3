// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENGINE_DOWN_STATUS, type MachineView } from '../../../app/api';
import { fakeApi, machineView, type FakeApi } from '../settings/testing/fake-api';
import { MachineCard } from './MachineCard';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const running: MachineView['status'] = { phase: 'ready', running: true, screenReady: true };

function setup(status: MachineView['status']): FakeApi {
  state.fake = fakeApi({
    forceStopMachine: async () => ({ ok: true }),
    restartMachine: async () => ({ ok: true }),
    stopMachine: async () => ({ ok: true }),
  });
  render(<MachineCard machine={machineView({ status })} onOpenScreen={() => undefined} />);
  return state.fake;
}

afterEach(cleanup);

describe('MachineCard', () => {
  it('asks before forcing a machine off, and a cancel changes nothing', async () => {
    const fake = setup(running);
    await userEvent.click(screen.getByRole('button', { name: 'Force off' }));
    expect(screen.getByRole('alertdialog', { name: 'Force off' }).textContent).toMatch(/unsaved work is lost/);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('forceStopMachine')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Force off' }));
    await userEvent.click(screen.getByRole('button', { name: 'Force off now' }));
    await waitFor(() => expect(fake.callsOf('forceStopMachine')).toEqual([{ id: 'win11' }]));
  });

  it('offers Restart and Stop while running, Start when stopped', async () => {
    const fake = setup(running);
    await userEvent.click(screen.getByRole('button', { name: 'Restart' }));
    await waitFor(() => expect(fake.callsOf('restartMachine')).toEqual([{ id: 'win11' }]));
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    cleanup();
    setup({ phase: 'stopped', running: false, screenReady: false });
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByRole('button', { name: 'Force off' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Restart' })).toBeNull();
  });

  it('says the engine is not reachable while it is down, and offers no Start or Stop', () => {
    setup({ ...ENGINE_DOWN_STATUS });
    expect(screen.getByTestId('phase').textContent).toBe('Engine not reachable');
    expect(screen.getByTestId('message').textContent).toMatch(/engine is not reachable/);
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
  });

  it('shows a failure with its cause and remedy', () => {
    setup({ phase: 'failed', running: false, screenReady: false, failure: { exitCode: 88, cause: 'No KVM.', remedy: 'Turn on virtualization.' } });
    expect(screen.getByTestId('failure').textContent).toBe('No KVM.Turn on virtualization.');
  });

  it('a machine booting an ISO that is not Windows setup says "Running from ISO", never "Installing Windows"', () => {
    setup({ phase: 'running-iso', running: true, screenReady: true, message: 'Running from ISO' });
    expect(screen.getByTestId('phase').textContent).toBe('Running from ISO');
    expect(screen.queryByText(/Installing/)).toBeNull();
  });
});
