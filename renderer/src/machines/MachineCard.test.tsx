// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENGINE_DOWN_STATUS, type MachineView } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { MachineCard } from './MachineCard';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const running: MachineView['status'] = { phase: 'ready', running: true, screenReady: true };

function setup(status: MachineView['status'], machine: Partial<MachineView> = {}): FakeApi {
  state.fake = fakeApi({
    forceStopMachine: async () => ({ ok: true }),
    restartMachine: async () => ({ ok: true }),
    stopMachine: async () => ({ ok: true }),
    fixMachine: async ({ fix }) => (fix === 'make-room' ? { ok: true, folder: '/home/ada/.local/share/porthole/machines/win11' } : { ok: true }),
  });
  render(<MachineCard machine={machineView({ ...machine, status })} onOpenScreen={() => undefined} />);
  return state.fake;
}

const failedWith = (fix: NonNullable<MachineView['status']['failure']>['fix']): MachineView['status'] => ({
  phase: 'failed',
  running: false,
  screenReady: false,
  failure: { exitCode: null, cause: 'It failed.', remedy: 'Fix it.', ...(fix ? { fix } : {}) },
});

afterEach(() => {
  cleanup();
  delete (window as { porthole?: unknown }).porthole;
});

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
    setup({ phase: 'running-iso', running: true, screenReady: true, message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.' });
    expect(screen.getByTestId('phase').textContent).toBe('Running from ISO');
    expect(screen.queryByText(/Installing/)).toBeNull();
  });

  it('KVM refused: software emulation only after the consent, applied by the backend', async () => {
    const fake = setup(failedWith('software-emulation'), { kvm: true });
    const button = screen.getByRole('button', { name: 'Use software emulation and start' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await userEvent.click(screen.getByRole('checkbox'));
    await userEvent.click(button);
    await waitFor(() => expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'software-emulation' }]));
    expect(fake.callsOf('updateMachine')).toEqual([]);
  });

  it('a port taken at start: "Pick other ports and start", applied by the backend', async () => {
    const fake = setup(failedWith('other-ports'));
    await userEvent.click(screen.getByRole('button', { name: 'Pick other ports and start' }));
    await waitFor(() => expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'other-ports' }]));
  });

  it('a full disk in the web host: "Make room…" names the storage folder with a copy button', async () => {
    const fake = setup(failedWith('make-room'));
    await userEvent.click(screen.getByRole('button', { name: 'Make room…' }));
    await waitFor(() => expect(screen.getByTestId('make-room-folder').textContent).toContain('/home/ada/.local/share/porthole/machines/win11'));
    expect(screen.getByRole('button', { name: 'Copy: /home/ada/.local/share/porthole/machines/win11' })).toBeTruthy();
    expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'make-room' }]);
  });

  it('a full disk in the desktop app: "Make room…" also opens the folder through the desktop bridge', async () => {
    const openMachineFolder = vi.fn(async () => undefined);
    (window as { porthole?: unknown }).porthole = { desktop: { openMachineFolder } };
    setup(failedWith('make-room'));
    await userEvent.click(screen.getByRole('button', { name: 'Make room…' }));
    await waitFor(() => expect(openMachineFolder).toHaveBeenCalledWith('win11'));
  });

  it('a refused ISO: "Choose another ISO…" picks one in the desktop app and the backend applies it and starts', async () => {
    const pickIso = vi.fn(async () => '/home/ada/isos/other.iso');
    (window as { porthole?: unknown }).porthole = { desktop: { pickIso } };
    const fake = setup(failedWith('choose-iso'));
    await userEvent.click(screen.getByRole('button', { name: 'Choose another ISO…' }));
    await waitFor(() => expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'choose-iso', iso: '/home/ada/isos/other.iso' }]));
  });

  it('a refused ISO in the web host: "Choose another ISO…" opens the settings, where the ISO path is entered', async () => {
    setup(failedWith('choose-iso'));
    await userEvent.click(screen.getByRole('button', { name: 'Choose another ISO…' }));
    expect(window.location.hash).toBe('#/machine/win11');
  });

  it('no fix, no button', () => {
    setup(failedWith(undefined));
    expect(screen.getByTestId('failure').querySelectorAll('button')).toHaveLength(0);
  });
});
