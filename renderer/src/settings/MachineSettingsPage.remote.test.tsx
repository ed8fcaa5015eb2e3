// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { MachineSettingsPage } from './MachineSettingsPage';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

beforeEach(() => {
  window.location.hash = '#/machine/win11';
  (window as unknown as { porthole?: unknown }).porthole = {
    desktop: { pickFolder: async () => '/picked/here', pickIso: async () => '/picked/here.iso' },
  };
});
afterEach(() => {
  cleanup();
  delete (window as unknown as { porthole?: unknown }).porthole;
});

describe('a machine’s settings page on a remote engine', () => {
  it('says the storage folder and its free space are on the engine’s computer, and offers no local folder chooser', async () => {
    const machine = machineView({
      storageDir: '/srv/vms/win11',
      sharedFolders: [{ hostPath: '/srv/share', readOnly: true }],
    });
    state.fake = fakeApi({
      creationDefaults: async () =>
        hostDefaults({ storageHost: 'box', freeDiskBytes: 300 * 1024 ** 3, storageExists: true }),
    });
    render(<MachineSettingsPage machine={machine} loaded machines={[machine]} />);
    await waitFor(() => expect(screen.getByText(/300 GB free there on box\./)).toBeTruthy());
    expect(screen.getByText(/300 GB free there on box\./).closest('p')!.textContent).toBe(
      'Stored in /srv/vms/win11 on box, the computer the engine runs machines on · 300 GB free there on box.',
    );
    expect(screen.getByTestId('shared-remote')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
  });
});
