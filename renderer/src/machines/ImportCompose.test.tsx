// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PortholeError } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { ImportCompose } from './ImportCompose';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

const YAML = 'services:\n  windows:\n    image: dockurr/windows\n    volumes: ["./windows:/storage"]\n';

function pick(): void {
  fireEvent.change(screen.getByTestId('import-compose-file'), { target: { files: [new File([YAML], 'compose.yml')] } });
}

beforeEach(() => {
  state.fake = fakeApi({
    importCompose: async ({ adopt }) =>
      adopt
        ? {
            machines: [machineView({ name: 'windows' })],
            warnings: [],
            notes: ['Adopted the container “windows” (service “windows”) as “windows”.'],
            adoptable: [],
          }
        : {
            machines: [],
            warnings: ['service "windows": restart: always is not carried over.'],
            notes: [],
            adoptable: [
              {
                containerId: 'c1',
                name: 'windows',
                running: false,
                storageDir: '/home/ada/dockur/windows',
                service: 'windows',
              },
            ],
          },
  });
});
afterEach(() => {
  cleanup();
  delete window.porthole;
});

describe('Import a dockur compose file…', () => {
  it('sends the file with its folder in the desktop app, offers the container on its disk, and adopts it on one click', async () => {
    Object.assign(window, { porthole: { pathForFile: () => '/home/ada/dockur/compose.yml' } });
    render(<ImportCompose />);
    pick();
    const dialog = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(dialog.textContent).toContain('The container “windows” already uses /home/ada/dockur/windows'),
    );
    expect(dialog.textContent).toContain('restart: always is not carried over.');
    expect(state.fake!.callsOf('importCompose')).toEqual([{ yaml: YAML, baseDir: '/home/ada/dockur' }]);
    await userEvent.click(screen.getByRole('button', { name: 'Adopt “windows”' }));
    await screen.findByText('Adopted the container “windows” (service “windows”) as “windows”.');
    expect(state.fake!.callsOf('importCompose')[1]).toEqual({ yaml: YAML, baseDir: '/home/ada/dockur', adopt: true });
  });

  it('in the web host sends no folder, and shows the refusal with what to do', async () => {
    state.fake = fakeApi({
      importCompose: async () => {
        throw new PortholeError(
          'INVALID_ARGUMENT',
          'the relative path ./windows (for /storage) cannot be placed.',
          'Use porthole import.',
        );
      },
    });
    render(<ImportCompose />);
    pick();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'the relative path ./windows (for /storage) cannot be placed. Use porthole import.',
    );
    expect(state.fake.callsOf('importCompose')).toEqual([{ yaml: YAML }]);
  });
});
