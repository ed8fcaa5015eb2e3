// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CreationDefaults } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { Wizard } from './Wizard';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

/** The backend of a remote engine (ssh://box): its answers say where storage lives (storageHost). */
function setup(host: Partial<CreationDefaults> = {}): FakeApi {
  const fake = fakeApi({
    creationDefaults: async ({ storageDir }) =>
      hostDefaults({
        storageHost: 'box',
        ...host,
        ...(storageDir ? { storageExists: storageDir !== '/srv/missing' } : {}),
      }),
    inspectIso: async ({ path }) => ({
      path,
      sizeBytes: 6_000_000_000,
      format: 'udf',
      volumeLabel: 'CCCOMA_X64FRE_EN-US_DV9',
    }),
  });
  state.fake = fake;
  return fake;
}

const user = () => userEvent.setup();
const field = (label: string) => screen.getByLabelText(label, { selector: 'input, select' });

beforeEach(() => {
  window.location.hash = '#/new';
  // The desktop's choosers exist (as in Electron), and still are not offered: they would pick a file here.
  (window as unknown as { porthole?: unknown }).porthole = {
    desktop: { pickFolder: async () => '/picked/here', pickIso: async () => '/picked/here.iso' },
  };
});
afterEach(() => {
  cleanup();
  delete (window as unknown as { porthole?: unknown }).porthole;
});

describe('the wizard on a remote engine (storage lives on the engine’s computer)', () => {
  it('asks for the ISO as a path on that computer (a file here is copied there instead: CopyIsoToEngine.test.tsx), and has the backend check it there', async () => {
    const fake = setup();
    render(<Wizard machines={[]} />);
    await screen.findByTestId('wizard-step-windows');
    await user().click(screen.getByRole('radio', { name: /Install from my own ISO/ }));
    const iso = await screen.findByLabelText('ISO file on box', { selector: 'input' });
    expect(screen.getByTestId('iso-remote').textContent).toBe(
      'The full path of an .iso file of 10 MB or more on box, the computer the engine runs machines on: the engine reads it there. An ISO on this computer can be copied there first (below, or drop it on the window).',
    );
    expect(screen.queryByText(/drop the file onto this window/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
    await user().type(iso, '/srv/isos/Win11.iso');
    expect((await screen.findByTestId('iso-ok')).textContent).toContain('CCCOMA_X64FRE_EN-US_DV9');
    expect(fake.callsOf('inspectIso')).toEqual([{ path: '/srv/isos/Win11.iso' }]);
  });

  it('shared folders are folders of that computer: no chooser, and a missing one is said to be missing there', async () => {
    setup();
    render(<Wizard machines={[machineView({ name: 'Office' })]} />);
    await screen.findByTestId('wizard-step-windows');
    for (const [from, to] of [
      ['windows', 'account'],
      ['account', 'resources'],
    ] as const) {
      if (from === 'account') await user().type(field('Password'), 'pw');
      await user().click(screen.getByRole('button', { name: 'Next' }));
      await screen.findByTestId(`wizard-step-${to}`);
    }
    await user().click(screen.getByRole('button', { name: 'Add a shared folder' }));
    expect(screen.getByTestId('shared-remote').textContent).toMatch(
      /^Folders of box, the computer the engine runs machines on \(type their paths there; folders of this computer cannot be shared\)/,
    );
    expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
    await user().type(screen.getByLabelText('Shared folder 1'), '/srv/missing');
    expect(
      await screen.findByText(
        "The folder /srv/missing does not exist on box (the engine's computer). Create it first, or choose another folder.",
      ),
    ).toBeTruthy();
  });
});
