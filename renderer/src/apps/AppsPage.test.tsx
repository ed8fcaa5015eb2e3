// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppList, WindowsApp } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { AppsPage } from './AppsPage';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const app = (id: string, name: string, inMenu = false): WindowsApp => ({
  id,
  name,
  target: 'C:\\x.exe',
  args: '',
  source: 'start-menu',
  icon: null,
  inMenu,
});
const ok = (apps: WindowsApp[]): AppList => ({
  state: 'ok',
  folder: '/s/.porthole/apps',
  written: null,
  apps,
  warnings: [],
});

afterEach(cleanup);

describe('AppsPage', () => {
  it('lists, searches, opens through the backend and pins to the app menu (pinned first)', async () => {
    let menu = false;
    state.fake = fakeApi({
      listApps: async () => ok([app('aaaaaaaaaaaa', 'Notepad', menu), app('bbbbbbbbbbbb', 'Paint')]),
      launchApp: async () => ({ launched: true, client: 'xfreerdp3' }),
      setAppInMenu: async ({ inMenu }) => ((menu = inMenu), { inMenu, desktopFile: '/d' }),
    });
    render(<AppsPage machine={machineView({ status: { phase: 'ready', running: true, screenReady: true } })} loaded />);
    expect(await screen.findByRole('heading', { name: 'Notepad' })).toBeTruthy();

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search programs' }), 'pai');
    expect(screen.queryByRole('heading', { name: 'Notepad' })).toBeNull();
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search programs' }));

    await userEvent.click(screen.getAllByRole('button', { name: 'Open' })[0]!);
    expect(await screen.findByText('Notepad opened in xfreerdp3 on this computer.')).toBeTruthy();
    expect(state.fake.callsOf('launchApp')).toEqual([{ id: 'win11', app: 'aaaaaaaaaaaa' }]);

    await userEvent.click(screen.getAllByRole('button', { name: 'Add to app menu' })[0]!);
    await waitFor(() => expect(screen.getByText('In the app menu')).toBeTruthy());
    expect(state.fake.callsOf('setAppInMenu')).toEqual([{ id: 'win11', app: 'aaaaaaaaaaaa', inMenu: true }]);
    expect(screen.getByRole('button', { name: 'Remove from app menu' })).toBeTruthy();
  });

  it('says exactly what it waits for, shared folder or none', async () => {
    state.fake = fakeApi({
      listApps: async () => ({
        state: 'not-written',
        folder: '/m/porthole/apps',
        written: null,
        apps: [],
        warnings: [],
      }),
    });
    render(<AppsPage machine={machineView({ sharedFolders: [] })} loaded />);
    expect((await screen.findByTestId('apps-empty')).textContent).toMatch(
      /^Windows writes the list after you sign in for the first time\./,
    );
    expect(screen.queryByText(/shared folder/i)).toBeNull();
  });
});
