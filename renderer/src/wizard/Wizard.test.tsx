// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MACHINE_NAME_MAX, PortholeError, validateMachineName, type CreationDefaults } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { Wizard } from './Wizard';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

const GIB = 1024 ** 3;

function setup(host: Partial<CreationDefaults> = {}): FakeApi {
  const fake = fakeApi({
    creationDefaults: async ({ storageDir }) =>
      hostDefaults({
        ...host,
        ...(storageDir === '/mnt/big' ? { freeDiskBytes: 500 * GIB } : {}),
        ...(storageDir ? { storageExists: storageDir !== '/mnt/new' } : {}),
      }),
    inspectIso: async ({ path }) => ({
      path,
      sizeBytes: 6_000_000_000,
      format: 'udf',
      volumeLabel: 'CCCOMA_X64FRE_EN-US_DV9',
    }),
    createMachine: async (draft) => machineView({ id: 'new-one', name: draft.name }),
    startMachine: async () => ({ ok: true }),
  });
  state.fake = fake;
  return fake;
}

const user = () => userEvent.setup();

async function openWizard(machines = [machineView({ name: 'Office' })]): Promise<void> {
  render(<Wizard machines={machines} />);
  await screen.findByTestId('wizard-step-windows');
}

const step = (id: string) => screen.getByTestId(`wizard-step-${id}`);
const next = () => screen.getByRole('button', { name: 'Next' });
const field = (label: string) => screen.getByLabelText(label, { selector: 'input, select' });

async function toStep(id: 'account' | 'resources' | 'review'): Promise<void> {
  const order = ['windows', 'account', 'resources', 'review'];
  for (let i = 0; i < order.indexOf(id); i++) {
    if (order[i] === 'account' && !(field('Password') as HTMLInputElement).value)
      await user().type(field('Password'), 'pw');
    await user().click(next());
    await screen.findByTestId(`wizard-step-${order[i + 1]}`);
  }
}

beforeEach(() => {
  window.location.hash = '#/new';
});
afterEach(cleanup);

describe('the new-machine wizard', () => {
  it('starts from the host: Windows 11 Pro, the host’s language, region, keyboard and user name', async () => {
    setup();
    await openWizard();
    expect((screen.getByRole('radio', { name: /Windows 11 Pro/ }) as HTMLInputElement).checked).toBe(true);
    expect((field('Name') as HTMLInputElement).value).toBe('Windows 11 Pro');
    await toStep('account');
    expect((field('Language') as HTMLSelectElement).value).toBe('en-US');
    expect((field('Region') as HTMLSelectElement).value).toBe('en-GB');
    expect((field('Keyboard') as HTMLSelectElement).value).toBe('de-CH');
    expect((field('User name') as HTMLInputElement).value).toBe('ada');
  });

  it('checks the name as it is typed, against the other machines too', async () => {
    setup();
    await openWizard();
    await user().clear(field('Name'));
    expect(screen.getByText('Give the machine a name.')).toBeTruthy();
    await user().type(field('Name'), 'office');
    expect(screen.getByText('Another machine is already called “office”. Choose a different name.')).toBeTruthy();
    await user().click(next());
    expect(step('windows')).toBeTruthy();
    expect(document.activeElement).toBe(field('Name'));
  });

  it('takes a name of the longest length in emoji, as the backend does, and refuses one more with its message', async () => {
    setup();
    await openWizard();
    const name = field('Name') as HTMLInputElement;
    const longest = '😀'.repeat(MACHINE_NAME_MAX);
    await user().clear(name);
    name.focus();
    await user().paste(longest);
    expect(name.value).toBe(longest);
    expect(screen.queryByText(/A machine name can be at most/)).toBeNull();
    await user().type(name, '😀');
    expect(screen.getByText(validateMachineName(`${longest}😀`)!)).toBeTruthy();
  });

  it('names the machine after the chosen version until a name is typed', async () => {
    setup();
    await openWizard();
    await user().click(screen.getByRole('radio', { name: /Windows 10 LTSC/ }));
    expect((field('Name') as HTMLInputElement).value).toBe('Windows 10 LTSC');
  });

  it('checks an ISO of one’s own with the backend and shows why it cannot be used', async () => {
    const fake = setup();
    fake.handlers.inspectIso = async ({ path }) => {
      throw new PortholeError(
        'ISO_INVALID',
        `${path} is only 3 bytes; the Windows image refuses ISO files under 10 MB.`,
        'Choose the complete ISO file.',
      );
    };
    await openWizard();
    await user().click(screen.getByRole('radio', { name: /Install from my own ISO/ }));
    await user().type(field('ISO file'), '/tmp/small.iso');
    expect(
      await screen.findByText(
        /is only 3 bytes; the Windows image refuses ISO files under 10 MB. Choose the complete ISO file./,
      ),
    ).toBeTruthy();
    expect(fake.callsOf('inspectIso')).toEqual([{ path: '/tmp/small.iso' }]);
    await user().click(next());
    expect(step('windows')).toBeTruthy();

    fake.handlers.inspectIso = async ({ path }) => ({
      path,
      sizeBytes: 6_000_000_000,
      format: 'udf',
      volumeLabel: 'CCCOMA_X64FRE_EN-US_DV9',
    });
    await user().clear(field('ISO file'));
    await user().type(field('ISO file'), '/tmp/Win11.iso');
    expect((await screen.findByTestId('iso-ok')).textContent).toContain('labelled CCCOMA_X64FRE_EN-US_DV9');
    expect((field('Name') as HTMLInputElement).value).toBe('Win11');
  });

  it('shows Windows’ account rules while typing, and waits for a password', async () => {
    setup();
    await openWizard();
    await toStep('account');
    await user().clear(field('User name'));
    await user().type(field('User name'), 'ada@home');
    expect(screen.getByText(/A Windows user name cannot contain “@”/)).toBeTruthy();
    await user().clear(field('User name'));
    await user().type(field('User name'), 'Administrator');
    expect(screen.getByText(/is the name of a built-in Windows account/)).toBeTruthy();
    await user().clear(field('User name'));
    await user().type(field('User name'), 'ada');
    expect(screen.queryByText(/user name cannot/)).toBeNull();

    await user().click(next());
    expect(step('account')).toBeTruthy();
    expect(screen.getByText(/Choose a password/)).toBeTruthy();
    await user().type(field('Password'), 'secret');
    expect(screen.queryByText(/Choose a password/)).toBeNull();
    await user().click(next());
    expect(await screen.findByTestId('wizard-step-resources')).toBeTruthy();
  });

  it('limits resources to the host and the version, warning above the free memory', async () => {
    const fake = setup();
    await openWizard();
    await toStep('resources');
    const ram = screen.getByRole('slider', { name: 'Memory' });
    expect([ram.getAttribute('min'), ram.getAttribute('max'), (ram as HTMLInputElement).value]).toEqual([
      '2',
      '16',
      '8',
    ]);
    expect(screen.getByRole('slider', { name: 'Processor cores' }).getAttribute('max')).toBe('8');
    const ramField = screen.getByRole('spinbutton', { name: 'Memory in GB' });
    await user().clear(ramField);
    await user().type(ramField, '17');
    expect(screen.getByText('This computer has 16 GB of memory: give Windows at most 16 GB.')).toBeTruthy();
    await user().clear(ramField);
    await user().type(ramField, '13');
    expect(screen.getByText(/Only 12 GB of memory is free right now/)).toBeTruthy();
    expect((ram as HTMLInputElement).value).toBe('13');
    await user().clear(ramField);
    expect(screen.getByText('Memory is a whole number of GB, such as 8.')).toBeTruthy();
    await user().type(ramField, '4');

    const disk = screen.getByRole('spinbutton', { name: 'Disk in GB' });
    expect(screen.getByRole('slider', { name: 'Disk' }).getAttribute('min')).toBe('32');
    await user().clear(disk);
    await user().type(disk, '20');
    expect(screen.getByText('Windows 11 Pro needs a disk of at least 32 GB.')).toBeTruthy();
    await user().clear(disk);
    await user().type(disk, '200');
    expect(
      screen.getByText(/Only 100 GB is free at \/home\/ada\/.local\/share\/porthole\/machines: choose at most 100 GB/),
    ).toBeTruthy();
    await user().click(next());
    expect(step('resources')).toBeTruthy();

    // Another storage location: its free space is measured once typing pauses.
    const location = field('Storage location');
    await user().clear(location);
    await user().type(location, 'mnt');
    expect(screen.getByText(/The storage folder must be a full path starting with \//)).toBeTruthy();
    await user().clear(location);
    await user().type(location, '/mnt/big');
    await waitFor(() => expect(fake.callsOf('creationDefaults')).toContainEqual({ storageDir: '/mnt/big' }));
    await waitFor(() => expect(screen.getByTestId('free-space').textContent).toBe('500 GB free there.'));
    expect(screen.queryByText(/Only 100 GB is free/)).toBeNull();
    expect(screen.getByText('/mnt/big/windows-11-pro')).toBeTruthy();
    await user().click(next());
    expect(await screen.findByTestId('wizard-step-review')).toBeTruthy();
  });

  it('on a remote engine, the storage location is a path on the engine computer: typed, measured there, no folder picker', async () => {
    // The desktop's folder chooser exists (as in Electron), and still is not offered: it would pick a folder here.
    (window as unknown as { porthole?: unknown }).porthole = { desktop: { pickFolder: async () => '/picked/here' } };
    try {
      setup({ storageHost: 'box', freeDiskBytes: 300 * GIB });
      await openWizard();
      await toStep('resources');
      const location = field('Storage location on box');
      expect(location).toBeTruthy();
      expect(screen.getByTestId('storage-remote').textContent).toMatch(
        /The engine runs machines on box: this is a folder there \(type its path\), not on this computer\./,
      );
      expect(screen.getByTestId('free-space').textContent).toBe('300 GB free there on box.');
      expect(screen.queryByRole('button', { name: 'Choose…' })).toBeNull();
    } finally {
      delete (window as unknown as { porthole?: unknown }).porthole;
    }
  });

  it('limits shared folders to three and checks that each exists', async () => {
    const fake = setup();
    fake.handlers.creationDefaults = async ({ storageDir }) =>
      hostDefaults({ storageExists: storageDir !== '/home/ada/missing' });
    await openWizard();
    await toStep('resources');
    const add = screen.getByRole('button', { name: 'Add a shared folder' });
    await user().click(add);
    expect(screen.getByText(/Programs inside Windows can read every file in a shared folder/)).toBeTruthy();
    await user().type(screen.getByLabelText('Shared folder 1'), '/home/ada/missing');
    expect(
      await screen.findByText(
        'The folder /home/ada/missing does not exist on this computer. Create it first, or choose another folder.',
      ),
    ).toBeTruthy();
    await user().clear(screen.getByLabelText('Shared folder 1'));
    await user().type(screen.getByLabelText('Shared folder 1'), '/proc/self');
    expect(
      screen.getByText(
        '/proc/self cannot be shared: it is inside the system folder /proc. Share a folder of your own.',
      ),
    ).toBeTruthy();
    await user().clear(screen.getByLabelText('Shared folder 1'));
    await user().type(screen.getByLabelText('Shared folder 1'), '/home/ada/Documents');
    await user().click(add);
    await user().click(add);
    expect((add as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('A machine can share at most three folders.')).toBeTruthy();
    expect(within(screen.getByTestId('shared-folder-3')).getByText('\\\\host.lan\\Data3')).toBeTruthy();
  });

  it('asks consent for software emulation on a nested host where it is shown: Next waits for it', async () => {
    const fake = setup({ kvmNested: true, image: 'registry.example/windows:mirror' });
    await openWizard([]);
    await toStep('resources');
    expect(screen.getByTestId('emulation-notice').textContent).toContain('about ten times slower');
    const consent = screen.getByLabelText(/Run Windows in software emulation/) as HTMLInputElement;
    expect(consent.checked).toBe(false);
    await user().click(screen.getByText('Advanced'));
    expect((field('Container image') as HTMLInputElement).placeholder).toBe('registry.example/windows:mirror');
    await user().type(field('Container image'), 'Dockurr/Windows');
    expect(screen.getByText(/is not a container image name Porthole can use/)).toBeTruthy();
    await user().clear(field('Container image'));
    // Without the consent this step does not move on, and says why here (not two steps later).
    await user().click(next());
    expect(step('resources')).toBeTruthy();
    expect(screen.getByText(/tick the box to run it in software emulation/)).toBeTruthy();
    expect(document.activeElement).toBe(consent);
    await user().click(consent);
    await user().click(next());

    const create = await screen.findByRole('button', { name: 'Create and start' });
    expect((create as HTMLButtonElement).disabled).toBe(false);
    // The image this backend gives new machines, not the built-in default's name.
    expect(screen.getByTestId('review').textContent).toContain('registry.example/windows:mirror');
    expect(screen.getByTestId('review').textContent).not.toContain('dockurr/windows');
    await user().click(create);

    await waitFor(() => expect(window.location.hash).toBe('#/'));
    expect(fake.callsOf('createMachine')).toEqual([
      {
        name: 'Windows 11 Pro',
        language: 'en-US',
        region: 'en-GB',
        keyboard: 'de-CH',
        username: 'ada',
        password: 'pw',
        ramGiB: 8,
        cpuCores: 4,
        diskGiB: 64,
        sharedFolders: [],
        kvm: false,
        autoStart: false,
        version: '11',
      },
    ]);
    expect(fake.callsOf('startMachine')).toEqual([{ id: 'new-one' }]);
  });

  it('picks region and keyboard by name; the machine gets the culture code', async () => {
    const fake = setup();
    await openWizard([]);
    await toStep('account');
    const region = field('Region') as HTMLSelectElement;
    expect(region.tagName).toBe('SELECT');
    expect(within(region).getByRole('option', { name: 'English (United Kingdom)' })).toBeTruthy();
    await user().selectOptions(region, within(region).getByRole('option', { name: 'French (Switzerland)' }));
    const keyboard = field('Keyboard') as HTMLSelectElement;
    expect(keyboard.selectedOptions[0]!.textContent).toBe('German (Switzerland)');
    expect(screen.getByText(/This computer uses German \(Switzerland\)\./)).toBeTruthy();
    await user().selectOptions(keyboard, within(keyboard).getByRole('option', { name: /^Same as the language/ }));
    await user().type(field('Password'), 'pw');
    await user().click(next());
    await user().click(await screen.findByRole('button', { name: 'Next' }));
    expect((await screen.findByTestId('review')).textContent).toContain('French (Switzerland)');
    await user().click(screen.getByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(fake.callsOf('createMachine')).toHaveLength(1));
    expect(fake.callsOf('createMachine')[0]).toMatchObject({ region: 'fr-CH', keyboard: '' });
  });

  it('generates a strong password in one click, shown, and the whole path is six clicks plus a name', async () => {
    const fake = setup({ kvmNested: true });
    await openWizard([]);
    let clicks = 0;
    const click = async (el: HTMLElement): Promise<void> => {
      clicks++;
      await user().click(el);
    };
    await user().clear(field('Name'));
    await user().type(field('Name'), 'Work');
    await click(next());
    await screen.findByTestId('wizard-step-account');
    await click(screen.getByRole('button', { name: 'Generate' }));
    const password = field('Password') as HTMLInputElement;
    expect(password.value).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(password.type).toBe('text');
    await click(next());
    await screen.findByTestId('wizard-step-resources');
    await click(screen.getByLabelText(/Run Windows in software emulation/));
    await click(next());
    await click(await screen.findByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(fake.callsOf('createMachine')).toHaveLength(1));
    expect(clicks).toBeLessThanOrEqual(6);
    expect(fake.callsOf('createMachine')[0]).toMatchObject({ name: 'Work', password: password.value, kvm: false });
  });

  it('names each Windows radio by its name alone; its note and size describe it', async () => {
    setup();
    await openWizard();
    const ltsc = screen.getByRole('radio', { name: 'Windows 11 LTSC' });
    expect(ltsc.getAttribute('aria-describedby')).toBeTruthy();
    const description = ltsc
      .getAttribute('aria-describedby')!
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent)
      .join(' ');
    expect(description).toContain('Evaluation copy');
    expect(screen.getByRole('radio', { name: 'Install from my own ISO' })).toBeTruthy();
  });

  it('finds a Windows already installed in the new machine’s folder, and never reuses it silently', async () => {
    const fake = setup();
    const kept = '/home/ada/.local/share/porthole/machines/windows-11-pro';
    fake.handlers.creationDefaults = async ({ storageDir }) =>
      hostDefaults(storageDir === kept ? { existingInstall: { diskGiB: 64 } } : {});
    await openWizard([]);
    const notice = await screen.findByTestId('existing-install');
    expect(notice.textContent).toContain(`${kept} already holds an installed Windows (a 64 GB disk)`);
    // Not chosen: the step does not move on.
    await user().click(next());
    expect(step('windows')).toBeTruthy();
    expect(screen.getByText(/Use it, or choose another folder/)).toBeTruthy();

    // "Choose another folder" goes to where the folder is chosen.
    await user().click(screen.getByRole('button', { name: 'Choose another folder' }));
    expect(await screen.findByTestId('wizard-step-resources')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(field('Storage location')));

    // "Use it": the review says nothing is downloaded, and the draft says so explicitly.
    await user().click(within(screen.getByTestId('existing-install')).getByRole('button', { name: 'Use it' }));
    await user().click(screen.getByRole('button', { name: 'Language and account' }));
    expect(await screen.findByTestId('wizard-step-account')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Generate' })).toBeNull();
    expect(screen.getByText(/The password that Windows already has/)).toBeTruthy();
    await user().type(field('Password'), 'old-one');
    await user().click(next());
    await user().click(await screen.findByRole('button', { name: 'Next' }));
    const review = await screen.findByTestId('review');
    expect(within(review).getByTestId('review-existing-install').textContent).toContain(`Already installed in ${kept}`);
    expect(review.textContent).not.toContain('download ·');
    expect(review.textContent).not.toMatch(/GB download/);
    await user().click(screen.getByRole('button', { name: 'Create and start' }));
    await waitFor(() => expect(fake.callsOf('createMachine')).toHaveLength(1));
    expect(fake.callsOf('createMachine')[0]).toMatchObject({
      name: 'Windows 11 Pro',
      existingInstall: 'use',
      password: 'old-one',
    });
  });

  it('"Use it" on a kept disk larger than the default: the disk field takes its size and cannot go below it', async () => {
    const fake = setup();
    const kept = '/home/ada/.local/share/porthole/machines/windows-11-pro';
    fake.handlers.creationDefaults = async ({ storageDir }) =>
      hostDefaults(storageDir === kept ? { existingInstall: { diskGiB: 150 } } : {});
    await openWizard([]);
    // The choice is offered where the folder is decided too: "Use it" there.
    await user().click(
      within(await screen.findByTestId('existing-install')).getByRole('button', { name: 'Choose another folder' }),
    );
    expect(await screen.findByTestId('wizard-step-resources')).toBeTruthy();
    await user().click(within(screen.getByTestId('existing-install')).getByRole('button', { name: 'Use it' }));
    const disk = screen.getByRole('spinbutton', { name: 'Disk in GB' });
    expect((disk as HTMLInputElement).value).toBe('150');
    expect(screen.getByRole('slider', { name: 'Disk' }).getAttribute('min')).toBe('150');
    expect(screen.getByText('The disk kept in this folder is 150 GB: it can grow, never shrink.')).toBeTruthy();
    await user().clear(disk);
    await user().type(disk, '64');
    expect(
      screen.getByText(
        'The disk kept in this folder is 150 GB: the machine keeps at least that (a disk is never made smaller).',
      ),
    ).toBeTruthy();
    // Growing it is measured against the free space beside the disk that is there already (100 GB free here).
    await user().clear(disk);
    await user().type(disk, '240');
    expect(screen.queryByText(/choose at most|can grow to at most/)).toBeNull();
    await user().clear(disk);
    await user().type(disk, '260');
    expect(
      screen.getByText('Only 100 GB is free where this machine is stored: the disk can grow to at most 250 GB.'),
    ).toBeTruthy();
  });

  it('says so, and keeps the machine, when it was created but could not start', async () => {
    const fake = setup();
    fake.handlers.startMachine = async () => {
      throw new PortholeError(
        'INVALID_ARGUMENT',
        'The shared folder /home/ada/gone does not exist.',
        'Create the folder, or remove it from the machine’s shared folders.',
      );
    };
    await openWizard([]);
    await toStep('review');
    await user().click(screen.getByRole('button', { name: 'Create and start' }));
    expect(await screen.findByText('“Windows 11 Pro” was created, but it did not start')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe(
      'The shared folder /home/ada/gone does not exist. Create the folder, or remove it from the machine’s shared folders.',
    );
    expect(window.location.hash).toBe('#/new');
  });
});
