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
    startMachine: async () => ({ ok: true }),
    lastFrame: async () => ({ png: null }),
    fixMachine: async ({ fix }) =>
      fix === 'make-room' ? { ok: true, folder: '/home/ada/.local/share/porthole/machines/win11' } : { ok: true },
  });
  render(<MachineCard machine={machineView({ ...machine, status })} onOpenScreen={(id) => opened.push(id)} />);
  return state.fake;
}
const opened: string[] = [];

/** Opens the tile's menu and chooses an item. */
async function choose(item: string): Promise<void> {
  await userEvent.click(screen.getByRole('button', { name: /^More for / }));
  await userEvent.click(screen.getByRole('menuitem', { name: item }));
}

/** The tile's buttons outside its menu. */
function buttons(): string[] {
  return screen.getAllByRole('button').map((b) => b.getAttribute('aria-label') ?? b.textContent ?? '');
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
    await choose('Force off…');
    expect(screen.getByRole('dialog', { name: 'Force Windows 11 off?' }).textContent).toMatch(/unsaved work is lost/);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('forceStopMachine')).toEqual([]);
    await choose('Force off…');
    await userEvent.click(screen.getByRole('button', { name: 'Force off now' }));
    await waitFor(() => expect(fake.callsOf('forceStopMachine')).toEqual([{ id: 'win11' }]));
  });

  it("one primary action per state, the machine's name in every control's name, the rest in a menu", async () => {
    const fake = setup(running);
    // The picture, the primary action and the menu: never more.
    expect(buttons()).toEqual(['Open the screen of Windows 11', 'Show screen Windows 11', 'More for Windows 11']);
    await userEvent.click(screen.getByRole('button', { name: 'Open the screen of Windows 11' }));
    await userEvent.click(screen.getByRole('button', { name: 'Show screen Windows 11' }));
    expect(opened.splice(0)).toEqual(['win11', 'win11']);
    await choose('Restart');
    await waitFor(() => expect(fake.callsOf('restartMachine')).toEqual([{ id: 'win11' }]));
    await choose('Shut down');
    await waitFor(() => expect(fake.callsOf('stopMachine')).toEqual([{ id: 'win11' }]));
    cleanup();

    const stopped = setup({ phase: 'stopped', running: false, screenReady: false });
    expect(buttons()).toEqual(['Open Windows 11', 'Start Windows 11', 'More for Windows 11']);
    await userEvent.click(screen.getByRole('button', { name: 'Start Windows 11' }));
    await waitFor(() => expect(stopped.callsOf('startMachine')).toEqual([{ id: 'win11' }]));
    await userEvent.click(screen.getByRole('button', { name: /^More for / }));
    expect(screen.getAllByRole('menuitem').map((m) => m.textContent)).toEqual([
      'Settings',
      'Details and logs',
      'Apps',
      'Export as compose file…',
      'Delete…',
    ]);
    cleanup();

    const pulling = setup({ phase: 'pulling', running: false, screenReady: false, progress: { fraction: 0.25 } });
    await userEvent.click(screen.getByRole('button', { name: 'Cancel download Windows 11' }));
    await waitFor(() => expect(pulling.callsOf('stopMachine')).toEqual([{ id: 'win11' }]));
    const bar = screen.getByRole('progressbar', { name: 'Windows 11: Downloading the image' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    cleanup();

    // A failure with no fix of Porthole's: Try again, not a bare Start.
    setup(failedWith(undefined));
    expect(buttons()).toEqual(['Open Windows 11', 'Try again Windows 11', 'More for Windows 11']);
  });

  it('the menu follows the keyboard: arrows move, Escape closes it and focus goes back to its button', async () => {
    setup({ phase: 'stopped', running: false, screenReady: false });
    const menuButton = screen.getByRole('button', { name: 'More for Windows 11' });
    menuButton.focus();
    await userEvent.keyboard('{Enter}');
    expect(document.activeElement?.textContent).toBe('Settings');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement?.textContent).toBe('Apps');
    await userEvent.keyboard('{ArrowUp}{ArrowUp}{ArrowUp}');
    expect(document.activeElement?.textContent).toBe('Delete…');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(menuButton);
    await userEvent.keyboard('{ArrowUp}');
    expect(document.activeElement?.textContent).toBe('Delete…');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(window.location.hash).toBe('#/machines/win11/settings');
    expect(document.activeElement).toBe(menuButton);
  });

  it('says the engine is not reachable while it is down, and offers no Start or Stop', () => {
    setup({ ...ENGINE_DOWN_STATUS });
    expect(screen.getByTestId('phase').textContent).toBe('Engine not reachable');
    expect(screen.getByTestId('message').textContent).toMatch(/engine is not reachable/);
    expect(screen.queryByRole('button', { name: /Start/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Show screen/ })).toBeNull();
  });

  it('shows a failure with its cause and remedy', () => {
    setup({
      phase: 'failed',
      running: false,
      screenReady: false,
      failure: { exitCode: 88, cause: 'No KVM.', remedy: 'Turn on virtualization.' },
    });
    expect(screen.getByTestId('failure').textContent).toBe('No KVM.Turn on virtualization.');
    expect(screen.queryByRole('link', { name: 'Show the cause in the log' })).toBeNull();
    cleanup();
    // The image's own line stays in the log, one link away: it can contradict Porthole's diagnosis.
    setup({
      phase: 'failed',
      running: false,
      screenReady: false,
      failure: { exitCode: 88, cause: 'No KVM.', remedy: 'Turn it on.', logLine: 'KVM=N' },
    });
    expect(screen.getByTestId('failure').textContent).not.toContain('KVM=N');
    expect(screen.getByRole('link', { name: 'Show the cause in the log' }).getAttribute('href')).toBe(
      '#/machines/win11/logs/cause',
    );
  });

  it('a machine booting an ISO that is not Windows setup says "Running from ISO", never "Installing Windows"', () => {
    setup({
      phase: 'running-iso',
      running: true,
      screenReady: true,
      message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.',
    });
    expect(screen.getByTestId('phase').textContent).toBe('Running from ISO');
    expect(screen.queryByText(/Installing/)).toBeNull();
  });

  it('KVM refused: one button whose label is the consent, applied by the backend; no Start beside it', async () => {
    const fake = setup(failedWith('software-emulation'), { kvm: true });
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Start/ })).toBeNull();
    const button = screen.getByRole('button', {
      name: 'Run in software emulation (about 10× slower) and start Windows 11',
    });
    await userEvent.click(button);
    await waitFor(() => expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'software-emulation' }]));
    expect(fake.callsOf('updateMachine')).toEqual([]);
  });

  it('a port taken at start: "Pick other ports and start", applied by the backend', async () => {
    const fake = setup(failedWith('other-ports'));
    await userEvent.click(screen.getByRole('button', { name: 'Pick other ports and start Windows 11' }));
    await waitFor(() => expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'other-ports' }]));
  });

  it('a full disk in the web host: "Make room…" names the storage folder with a copy button', async () => {
    const fake = setup(failedWith('make-room'));
    await userEvent.click(screen.getByRole('button', { name: 'Make room… Windows 11' }));
    await waitFor(() =>
      expect(screen.getByTestId('make-room-folder').textContent).toContain(
        '/home/ada/.local/share/porthole/machines/win11',
      ),
    );
    expect(screen.getByRole('button', { name: 'Copy: /home/ada/.local/share/porthole/machines/win11' })).toBeTruthy();
    expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'make-room' }]);
  });

  it('a full disk in the desktop app: "Make room…" also opens the folder through the desktop bridge', async () => {
    const openMachineFolder = vi.fn(async () => undefined);
    (window as { porthole?: unknown }).porthole = { desktop: { openMachineFolder } };
    setup(failedWith('make-room'));
    await userEvent.click(screen.getByRole('button', { name: 'Make room… Windows 11' }));
    await waitFor(() => expect(openMachineFolder).toHaveBeenCalledWith('win11'));
  });

  it('a refused ISO: "Choose another ISO…" picks one in the desktop app and the backend applies it and starts', async () => {
    const pickIso = vi.fn(async () => '/home/ada/isos/other.iso');
    (window as { porthole?: unknown }).porthole = { desktop: { pickIso } };
    const fake = setup(failedWith('choose-iso'));
    await userEvent.click(screen.getByRole('button', { name: 'Choose another ISO… Windows 11' }));
    await waitFor(() =>
      expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'choose-iso', iso: '/home/ada/isos/other.iso' }]),
    );
  });

  it('a refused ISO in the web host: "Choose another ISO…" opens the settings, where the ISO path is entered', async () => {
    setup(failedWith('choose-iso'));
    await userEvent.click(screen.getByRole('button', { name: 'Choose another ISO… Windows 11' }));
    expect(window.location.hash).toBe('#/machines/win11/settings');
  });

  it('no fix, no button', () => {
    setup(failedWith(undefined));
    expect(screen.getByTestId('failure').querySelectorAll('button')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: /Make room|Pick other|Choose another|software emulation/ })).toBeNull();
  });
});
