// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PortholeError } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { loadStylesheets } from '../testing/stylesheets';
import { ScreenRoute } from '../machines/ScreenRoute';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));
// No screen connects here (the endpoint is refused): noVNC is never constructed.
vi.mock('@novnc/novnc', () => ({ default: vi.fn() }));

afterEach(cleanup);

const FIX = {
  text: 'No Remote Desktop client is installed. Install FreeRDP from Debian with one of these commands, then open Remote Desktop again.',
  commands: ['sudo apt install freerdp3-x11', 'sudo apt install freerdp2-x11'],
};

function show(): FakeApi {
  state.fake = fakeApi({
    screenEndpoint: async () => {
      throw new PortholeError('CONFLICT', 'No screen yet.');
    },
    openRemoteDesktop: async () => ({ launched: false, client: null, fix: FIX }),
  });
  render(
    <ScreenRoute machine={machineView({ status: { phase: 'ready', running: true, screenReady: true } })} loaded />,
  );
  return state.fake;
}

describe('the screen window (issue 23 items 9 and 11)', () => {
  it('"No Remote Desktop client": says it once, each command has a Copy button, and the bar sits above the screen, not over it', async () => {
    const unload = loadStylesheets('app/app.css', 'screen/screen.css', 'check/check.css');
    try {
      show();
      await userEvent.click(screen.getByRole('button', { name: 'Open in Remote Desktop' }));
      const notice = await screen.findByTestId('rdp-notice');
      expect(notice.textContent!.match(/No Remote Desktop client is installed/g)).toHaveLength(1);
      expect(within(notice).getAllByRole('button', { name: /Copy/ })).toHaveLength(2);
      expect(getComputedStyle(notice).position).not.toBe('absolute');
      expect(getComputedStyle(notice).pointerEvents).not.toBe('none');
      await userEvent.click(within(notice).getByRole('button', { name: 'Dismiss' }));
      expect(screen.queryByTestId('rdp-notice')).toBeNull();
    } finally {
      unload();
    }
  });

  it('keeps the toolbar on one row, with Disconnect last and the keys first', () => {
    const unload = loadStylesheets('app/app.css', 'screen/screen.css');
    try {
      show();
      const toolbar = screen.getByRole('toolbar', { name: 'Screen' });
      expect(getComputedStyle(toolbar).flexWrap).toBe('nowrap');
      const buttons = within(toolbar).getAllByRole('button');
      expect(buttons[0]!.textContent).toBe('Ctrl+Alt+Del');
      expect(buttons.at(-1)!.textContent).toMatch(/^(Disconnect|Connect)$/);
    } finally {
      unload();
    }
  });

  it('says which account Windows signs in with, and copies its password on a click (the password lives on the machine page)', async () => {
    const fake = show();
    fake.handlers.machinePassword = async () => ({ password: 'correct horse' });
    // user-event puts a clipboard of its own in place of the browser's: read back from it.
    const user = userEvent.setup();
    const machine = machineView();
    expect(screen.getByTestId('screen-signin').textContent).toBe(`Sign in as ${machine.username}`);
    expect(document.body.textContent).not.toContain('correct horse');
    await user.click(screen.getByRole('button', { name: `Copy password (${machine.name})` }));
    expect(await screen.findByText('Password copied')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe('correct horse');
  });
});
