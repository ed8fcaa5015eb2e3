// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CreationDefaults } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { PasswordReveal } from './PasswordReveal';
import { QuickInstall } from './QuickInstall';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

function setup(host: CreationDefaults = hostDefaults()): FakeApi {
  state.fake = fakeApi({
    creationDefaults: async () => host,
    createMachine: async (draft) => machineView({ name: draft.name }),
    startMachine: async () => ({ ok: true }),
  });
  render(<QuickInstall />);
  return state.fake;
}

afterEach(cleanup);

describe('QuickInstall', () => {
  it("creates and starts a machine with the wizard's defaults in one click, without a password (the backend makes one)", async () => {
    const fake = setup();
    await userEvent.click(await screen.findByRole('button', { name: 'Install Windows 11 Pro' }));
    await waitFor(() => expect(fake.callsOf('startMachine')).toEqual([{ id: 'win11' }]));
    const [draft] = fake.callsOf('createMachine');
    expect(draft).toMatchObject({
      name: 'Windows 11 Pro',
      version: '11',
      language: 'en-US',
      ramGiB: 8,
      cpuCores: 4,
      diskGiB: 64,
      kvm: true,
    });
    expect(draft).not.toHaveProperty('password');
    expect(screen.getByRole('button', { name: 'Customize…' })).toBeTruthy();
  });

  it('says "software emulation" on the button where the host needs it: pressing it is the consent', async () => {
    const fake = setup(hostDefaults({ kvmNested: true }));
    expect(screen.getByRole('button', { name: 'Install Windows' }).hasAttribute('disabled')).toBe(true);
    await userEvent.click(await screen.findByRole('button', { name: 'Install Windows 11 Pro in software emulation' }));
    expect(screen.getByTestId('quick-install-summary').textContent).toMatch(/no hardware acceleration/);
    await waitFor(() => expect(fake.callsOf('createMachine')[0]).toMatchObject({ kvm: false }));
  });

  it('says why nothing was created when creating fails', async () => {
    const fake = setup();
    fake.handlers.createMachine = async () => Promise.reject(new Error('The disk is full.'));
    await userEvent.click(await screen.findByRole('button', { name: 'Install Windows 11 Pro' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /could not create the machine: The disk is full\..*Nothing was created/,
    );
    expect(fake.callsOf('startMachine')).toEqual([]);
  });
});

describe('PasswordReveal', () => {
  it('hides the password until asked, asks the backend only then, and hides it again', async () => {
    state.fake = fakeApi({ machinePassword: async () => ({ password: 'Xy7pQrs9TuvWz2AbCdEf' }) });
    render(<PasswordReveal id="win11" username="ada" />);
    expect(screen.getByTestId('password-value').textContent).not.toContain('Xy7');
    expect(state.fake.callsOf('machinePassword')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Show password' }));
    await waitFor(() => expect(screen.getByTestId('password-value').textContent).toBe('Xy7pQrs9TuvWz2AbCdEf'));
    await userEvent.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(screen.getByTestId('password-value').textContent).not.toContain('Xy7');
  });

  it('copies the password to the clipboard without showing it', async () => {
    state.fake = fakeApi({ machinePassword: async () => ({ password: 'Xy7pQrs9TuvWz2AbCdEf' }) });
    const user = userEvent.setup();
    render(<PasswordReveal id="win11" username="ada" />);
    await user.click(screen.getByRole('button', { name: 'Copy password' }));
    await screen.findByText('Copied.');
    expect(await navigator.clipboard.readText()).toBe('Xy7pQrs9TuvWz2AbCdEf');
    expect(screen.getByTestId('password-value').textContent).not.toContain('Xy7');
  });

  it('shows a stored password’s invisible marks as \\u{…} and names them; Copy still copies it exactly', async () => {
    const stored = 'ab\u202Ecd\u009Bx';
    state.fake = fakeApi({ machinePassword: async () => ({ password: stored }) });
    const user = userEvent.setup();
    render(<PasswordReveal id="win11" username="ada" />);
    expect(screen.queryByTestId('password-hidden')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Show password' }));
    await waitFor(() => expect(screen.getByTestId('password-value').textContent).toBe('ab\\u{202E}cd\\u{009B}x'));
    expect(screen.getByTestId('password-hidden').textContent).toContain(
      'character 3 is an invisible text-direction mark (U+202E); character 6 is a terminal control character (U+009B)',
    );
    await user.click(screen.getByRole('button', { name: 'Copy password' }));
    await screen.findByText('Copied.');
    expect(await navigator.clipboard.readText()).toBe(stored);
  });
});
