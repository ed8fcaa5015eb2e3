// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MachineView } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { MachineSettingsPage } from './MachineSettingsPage';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

function show(machine: MachineView): FakeApi {
  state.fake = fakeApi({
    creationDefaults: async () => hostDefaults(),
    listUsbDevices: async () => ({ devices: [], busAvailable: true }),
    updateMachine: async ({ changes }) => ({
      machine: { ...machine, ...changes } as MachineView,
      appliesAt: 'recreate',
    }),
  });
  render(<MachineSettingsPage machine={machine} loaded machines={[machine]} />);
  return state.fake;
}

const checkbox = (): HTMLInputElement =>
  within(screen.getByTestId('settings-audio')).getByRole('checkbox', { name: 'Play the machine’s sound' });

beforeEach(() => {
  window.location.hash = '#/machine/win11';
});
afterEach(cleanup);

describe('the sound setting on a machine’s settings page', () => {
  it('shows a machine without the setting as playing sound; turning it off is a change for the next start', async () => {
    const { audio: _audio, ...older } = machineView();
    const fake = show(older);
    expect(checkbox().checked).toBe(true);
    await userEvent.setup().click(checkbox());
    expect(checkbox().checked).toBe(false);
    expect(within(screen.getByTestId('settings-audio')).getByText('Changed · applies at next start')).toBeTruthy();
    await userEvent.setup().click(within(screen.getByTestId('settings-bar')).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { audio: false } }]));
  });

  it('shows sound off as off, and turning it on again is the one change', async () => {
    const fake = show(machineView({ audio: false }));
    expect(checkbox().checked).toBe(false);
    await userEvent.setup().click(checkbox());
    await userEvent.setup().click(within(screen.getByTestId('settings-bar')).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { audio: true } }]));
  });
});
