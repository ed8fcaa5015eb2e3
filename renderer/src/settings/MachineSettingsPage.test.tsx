// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MACHINE_NAME_MAX, PortholeError, validateMachineName, type DeletePlan, type MachineView } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { MachineSettingsPage } from './MachineSettingsPage';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

const running: MachineView['status'] = { phase: 'ready', running: true, screenReady: true };

function setup(machine: MachineView, plan?: Partial<DeletePlan>): FakeApi {
  state.fake = fakeApi({
    creationDefaults: async () => hostDefaults(),
    listUsbDevices: async () => ({ devices: [], busAvailable: true }),
    updateMachine: async ({ changes }) => ({
      machine: { ...machine, ...changes } as MachineView,
      appliesAt: 'recreate',
    }),
    applyMachine: async () => ({ ok: true }),
    storageUsage: async () => ({
      path: machine.storageDir,
      kind: 'folder',
      remove: ['data.img', 'windows.boot'],
      keep: [],
      allocatedBytes: 21.4 * 1024 ** 3,
      apparentBytes: 68_719_476_736,
      ...plan,
    }),
    deleteMachine: async () => ({ ok: true }),
  });
  return state.fake;
}

function show(machine: MachineView) {
  return render(
    <MachineSettingsPage machine={machine} loaded machines={[machine, machineView({ id: 'other', name: 'Other' })]} />,
  );
}

const user = () => userEvent.setup();
const bar = () => screen.getByTestId('settings-bar');
const applyButton = () => within(bar()).getByRole('button', { name: 'Apply' }) as HTMLButtonElement;

async function ready(): Promise<void> {
  await waitFor(() =>
    expect((screen.getByRole('slider', { name: 'Memory' }) as HTMLInputElement).disabled).toBe(false),
  );
}

beforeEach(() => {
  window.location.hash = '#/machine/win11';
});
afterEach(cleanup);

describe('a machine’s settings page', () => {
  it('never lets the disk shrink, and says why', async () => {
    const machine = machineView();
    setup(machine);
    show(machine);
    await ready();
    expect(screen.getByRole('slider', { name: 'Disk' }).getAttribute('min')).toBe('64');
    const disk = screen.getByRole('spinbutton', { name: 'Disk in GB' });
    await user().clear(disk);
    await user().type(disk, '32');
    expect(screen.getAllByText('The disk cannot shrink: it is 64 GB, so choose 64 GB or more.').length).toBeGreaterThan(
      0,
    );
    expect(applyButton().disabled).toBe(true);
  });

  it('on a running machine, says a change applies after a restart, asks, then updates and recreates it', async () => {
    const machine = machineView({ status: running });
    const fake = setup(machine);
    const { rerender } = show(machine);
    await ready();
    fireEvent.change(screen.getByRole('slider', { name: 'Memory' }), { target: { value: '9' } });
    expect((screen.getByRole('spinbutton', { name: 'Memory in GB' }) as HTMLInputElement).value).toBe('9');
    expect(screen.getByText('Changed · applies after a restart')).toBeTruthy();
    expect(screen.getByTestId('applies-when').textContent).toContain(
      'Porthole shuts Windows down gracefully, recreates the machine',
    );
    await user().click(applyButton());
    const dialog = screen.getByTestId('apply-dialog');
    expect(dialog.textContent).toContain('Memory: 8 GB → 9 GB');
    // The snapshots panel and the USB section list (read only); nothing else was called.
    expect(
      fake.calls.filter(
        (c) => c.action !== 'listSnapshots' && c.action !== 'listUsbDevices' && c.action !== 'attachedUsb',
      ),
    ).toEqual([{ action: 'creationDefaults', request: { storageDir: machine.storageDir } }]);
    await user().click(within(dialog).getByRole('button', { name: 'Restart and apply' }));
    await waitFor(() => expect(fake.callsOf('applyMachine')).toEqual([{ id: 'win11' }]));
    expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { ramGiB: 9 }, confirmed: true }]);
    expect(
      fake.calls
        .map((c) => c.action)
        .filter(
          (a) => a !== 'creationDefaults' && a !== 'listSnapshots' && a !== 'listUsbDevices' && a !== 'attachedUsb',
        ),
    ).toEqual(['updateMachine', 'applyMachine']);
    // The machineChanged event brings the new settings: nothing is left to apply.
    rerender(<MachineSettingsPage machine={{ ...machine, ramGiB: 9 }} loaded machines={[]} />);
    expect(await within(bar()).findByText('Applied: the machine runs with the new settings.')).toBeTruthy();
    expect(applyButton().disabled).toBe(true);
  });

  it('after "Restart and apply", says the machine failed (cause, remedy) when it did, never "Applied"; the fix is one button that is the consent', async () => {
    const machine = machineView({ status: running });
    const fake = setup(machine);
    fake.handlers.fixMachine = async () => ({ ok: true });
    const { rerender } = show(machine);
    await ready();
    fireEvent.change(screen.getByRole('slider', { name: 'Memory' }), { target: { value: '9' } });
    await user().click(applyButton());
    await user().click(within(screen.getByTestId('apply-dialog')).getByRole('button', { name: 'Restart and apply' }));
    await waitFor(() => expect(fake.callsOf('applyMachine')).toEqual([{ id: 'win11' }]));
    // The new container started, then the image refused KVM (exit 88): the machine has failed.
    const failed: MachineView = {
      ...machine,
      ramGiB: 9,
      status: {
        phase: 'failed',
        running: false,
        screenReady: false,
        failure: {
          exitCode: 88,
          cause: 'The machine could not use KVM hardware acceleration.',
          remedy: 'Run it in software emulation, or fix KVM.',
          fix: 'software-emulation',
        },
      },
    };
    rerender(<MachineSettingsPage machine={failed} loaded machines={[]} />);
    const outcome = await within(bar()).findByTestId('apply-outcome');
    expect(outcome.textContent).toBe(
      'The settings are saved, but the machine failed to start with them: The machine could not use KVM hardware acceleration. Run it in software emulation, or fix KVM.',
    );
    expect(bar().textContent).not.toContain('Applied');
    const fix = within(bar()).getByRole('button', {
      name: 'Run Windows in software emulation (no KVM, about 10× slower), and start',
    });
    expect(within(bar()).queryByRole('checkbox')).toBeNull();
    await user().click(fix);
    await waitFor(() => expect(fake.callsOf('fixMachine')).toEqual([{ id: 'win11', fix: 'software-emulation' }]));
    // Running again: now it is applied.
    rerender(<MachineSettingsPage machine={{ ...failed, kvm: false, status: running }} loaded machines={[]} />);
    expect((await within(bar()).findByTestId('apply-outcome')).textContent).toBe(
      'Applied: the machine runs with the new settings.',
    );
  });

  it('refuses turning software emulation off where KVM cannot work (a red error, Apply disabled), not just an amber note', async () => {
    const machine = machineView({ kvm: false });
    const fake = setup(machine);
    fake.handlers.creationDefaults = async () => hostDefaults({ kvmNested: true });
    show(machine);
    await ready();
    const consent = await screen.findByLabelText(/Run Windows in software emulation/);
    await waitFor(() => expect(screen.getByTestId('emulation-notice')).toBeTruthy());
    await user().click(consent);
    // At the box itself, and in the bar beside Apply.
    expect(
      screen
        .getAllByText(/without software emulation the machine would fail to start/)
        .every((e) => e.className.includes('field-error')),
    ).toBe(true);
    expect(applyButton().disabled).toBe(true);
    expect(consent.getAttribute('aria-invalid')).toBe('true');
  });

  it('on an installed Windows, a new language is kept for a new install: no "after a restart", no restart', async () => {
    const machine = machineView({ status: running, installed: true });
    const fake = setup(machine);
    show(machine);
    await ready();
    expect(screen.getByTestId('install-only').textContent).toContain(
      'Changing them here changes nothing in this Windows',
    );
    await user().selectOptions(screen.getByLabelText('Language', { selector: 'select' }), 'German');
    expect(screen.queryByText('Changed · applies after a restart')).toBeNull();
    expect(screen.getByText('Changed · for a new install only')).toBeTruthy();
    expect(screen.getByTestId('applies-when').textContent).not.toMatch(/restart|shuts Windows down/);
    await user().click(applyButton());
    const dialog = screen.getByTestId('apply-dialog');
    expect(dialog.textContent).toContain('set when Windows installs');
    await user().click(within(dialog).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { language: 'de-DE' }, confirmed: true }]),
    );
    expect(fake.callsOf('applyMachine')).toEqual([]);
  });

  it('before Windows is installed, a new language does apply (at the restart that reinstalls nothing yet)', async () => {
    const machine = machineView({ status: { phase: 'stopped', running: false, screenReady: false }, installed: false });
    setup(machine);
    show(machine);
    await ready();
    expect(screen.queryByTestId('install-only')).toBeNull();
    await user().selectOptions(screen.getByLabelText('Language', { selector: 'select' }), 'German');
    expect(screen.getByText('Changed · applies at next start')).toBeTruthy();
  });

  it('on a stopped machine, saves without restarting: the change applies at the next start', async () => {
    const machine = machineView();
    const fake = setup(machine);
    const { rerender } = show(machine);
    await ready();
    fireEvent.change(screen.getByRole('slider', { name: 'Processor cores' }), { target: { value: '2' } });
    expect(screen.getByText('Changed · applies at next start')).toBeTruthy();
    expect(screen.getByTestId('applies-when').textContent).toContain(
      'The machine is stopped: this applies at its next start',
    );
    await user().click(applyButton());
    await waitFor(() => expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { cpuCores: 2 } }]));
    expect(fake.callsOf('applyMachine')).toEqual([]);
    rerender(<MachineSettingsPage machine={{ ...machine, cpuCores: 2 }} loaded machines={[]} />);
    expect(await within(bar()).findByText('Saved: the changes apply at the machine’s next start.')).toBeTruthy();
  });

  it('a disk the backend says can outgrow the free space is asked in the dialog, and saved only once the person agrees', async () => {
    const machine = machineView();
    const fake = setup(machine);
    fake.handlers.updateMachine = async ({ changes, confirmed }) => {
      if (!confirmed)
        throw new PortholeError(
          'CONFIRMATION_NEEDED',
          'A 900 GB disk can grow past the 50 GB free where its folder /vms/win is. Nothing was changed.',
        );
      return { machine: { ...machine, ...changes } as MachineView, appliesAt: 'next-start' };
    };
    show(machine);
    await ready();
    fireEvent.change(screen.getByRole('slider', { name: 'Processor cores' }), { target: { value: '2' } });
    await user().click(applyButton());
    const dialog = await screen.findByTestId('apply-dialog');
    expect(
      within(dialog).getByText('A 900 GB disk can grow past the 50 GB free where its folder /vms/win is.'),
    ).toBeTruthy();
    expect(within(bar()).queryByText(/Nothing was changed/)).toBeNull();
    await user().click(within(dialog).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(fake.callsOf('updateMachine')).toEqual([
        { id: 'win11', changes: { cpuCores: 2 } },
        { id: 'win11', changes: { cpuCores: 2 }, confirmed: true },
      ]),
    );
  });

  it('applies a new name at once', async () => {
    const machine = machineView({ status: running });
    const fake = setup(machine);
    fake.handlers.updateMachine = async ({ changes }) => ({
      machine: { ...machine, ...changes } as MachineView,
      appliesAt: 'now',
    });
    show(machine);
    await ready();
    await user().clear(screen.getByLabelText('Name'));
    await user().type(screen.getByLabelText('Name'), 'Other');
    expect(
      screen.getAllByText(/Another machine is already called “Other”. Choose a different name./).length,
    ).toBeGreaterThan(0);
    expect(applyButton().disabled).toBe(true);
    await user().type(screen.getByLabelText('Name'), ' work');
    expect(screen.getByText('Changed · applies at once')).toBeTruthy();
    await user().click(applyButton());
    await waitFor(() =>
      expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { name: 'Other work' } }]),
    );
    expect(fake.callsOf('applyMachine')).toEqual([]);
  });

  it('takes a name of the longest length in emoji, as the backend does, and refuses one more with its message', async () => {
    const machine = machineView();
    const fake = setup(machine);
    show(machine);
    await ready();
    const field = screen.getByLabelText('Name') as HTMLInputElement;
    const longest = '👩\u200d💻'.repeat(MACHINE_NAME_MAX);
    await user().clear(field);
    field.focus();
    await user().paste(longest);
    // Not cut by the field (it used to stop at 80 UTF-16 units: 16 of these).
    expect(field.value).toBe(longest);
    expect(applyButton().disabled).toBe(false);
    await user().type(field, '😀');
    const message = validateMachineName(`${longest}😀`)!;
    expect(message).toBe(`A machine name can be at most ${MACHINE_NAME_MAX} characters long.`);
    expect(screen.getAllByText(message).length).toBeGreaterThan(0);
    expect(applyButton().disabled).toBe(true);
    await user().type(field, '{Backspace}{Backspace}');
    await user().click(applyButton());
    await waitFor(() => expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { name: longest } }]));
  });

  it('warns that another Windows moves the installed disk to backups/, even on a stopped machine', async () => {
    const machine = machineView();
    const fake = setup(machine);
    show(machine);
    await ready();
    await user().click(screen.getByRole('button', { name: 'Change…' }));
    await user().click(screen.getByRole('radio', { name: /Windows 10 Pro/ }));
    await user().click(applyButton());
    const dialog = screen.getByTestId('apply-dialog');
    expect(dialog.textContent).toContain('Windows version: Windows 11 Pro → Windows 10 Pro');
    expect(dialog.textContent).toContain(`(${machine.storageDir}/backups)`);
    await user().click(within(dialog).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { version: '10' }, confirmed: true }]),
    );
  });

  it('takes changes made elsewhere (a dropped ISO) without showing them as edits to undo', async () => {
    const machine = machineView();
    setup(machine);
    const { rerender } = show(machine);
    await ready();
    fireEvent.change(screen.getByRole('slider', { name: 'Memory' }), { target: { value: '10' } });
    const changed = { ...machine, customIso: '/isos/ipxe.iso' };
    rerender(<MachineSettingsPage machine={changed} loaded machines={[changed]} />);
    expect(screen.getByText('Custom ISO /isos/ipxe.iso')).toBeTruthy();
    expect(screen.getByTestId('applies-when').parentElement!.textContent).toContain('1 change.');
    expect((screen.getByRole('spinbutton', { name: 'Memory in GB' }) as HTMLInputElement).value).toBe('10');
  });

  it('deletes a machine and keeps its disk by default', async () => {
    const machine = machineView();
    const fake = setup(machine);
    show(machine);
    await user().click(screen.getByRole('button', { name: 'Delete machine…' }));
    const dialog = screen.getByTestId('delete-dialog');
    expect(dialog.textContent).toContain(`The folder ${machine.storageDir} stays`);
    await user().click(within(dialog).getByRole('button', { name: 'Delete machine, keep disk' }));
    await waitFor(() => expect(fake.callsOf('deleteMachine')).toEqual([{ id: 'win11', deleteDisk: false }]));
    expect(fake.callsOf('storageUsage')).toEqual([]);
    expect(window.location.hash).toBe('#/');
  });

  it('deletes the disk only after a confirmation that names its folder and size', async () => {
    const machine = machineView();
    const fake = setup(machine);
    show(machine);
    await user().click(screen.getByRole('button', { name: 'Delete machine…' }));
    await user().click(screen.getByLabelText(/Delete the disk too/));
    await user().click(screen.getByRole('button', { name: 'Continue…' }));
    const dialog = await screen.findByText(`Delete “${machine.name}” and its disk for good?`);
    const box = dialog.closest('[role="dialog"]') as HTMLElement;
    expect(box.textContent).toContain(`This deletes the folder ${machine.storageDir} and everything in it`);
    expect(within(box).getByTestId('delete-size').textContent).toBe('21.4 GB');
    expect(fake.callsOf('deleteMachine')).toEqual([]);
    await user().click(within(box).getByRole('button', { name: 'Delete machine and disk' }));
    await waitFor(() => expect(fake.callsOf('deleteMachine')).toEqual([{ id: 'win11', deleteDisk: true }]));
  });

  async function confirmStep(machine: MachineView): Promise<HTMLElement> {
    show(machine);
    await user().click(screen.getByRole('button', { name: 'Delete machine…' }));
    await user().click(screen.getByLabelText(/Delete the disk too/));
    await user().click(screen.getByRole('button', { name: 'Continue…' }));
    return (await screen.findByTestId('delete-plan')).closest('[role="dialog"]') as HTMLElement;
  }

  it('in a folder Porthole did not make, says which files go and that the folder and foreign files stay', async () => {
    const machine = machineView({ storageDir: '/home/ada/vms' });
    const fake = setup(machine, {
      kind: 'files',
      remove: ['data.img', 'windows.boot'],
      keep: ['notes.txt', 'shared'],
      allocatedBytes: 5 * 1024 ** 3,
    });
    const box = await confirmStep(machine);
    expect(box.textContent).toContain(
      'The folder /home/ada/vms was not made by Porthole for this machine, so only the Windows disk files in it are deleted',
    );
    expect(box.textContent).toContain('Deleted: data.img, windows.boot.');
    expect(box.textContent).toContain('Kept: the folder, notes.txt, shared.');
    expect(box.textContent).not.toContain('everything in it');
    expect(within(box).getByTestId('delete-size').textContent).toBe('5 GB');
    await user().click(within(box).getByRole('button', { name: 'Delete machine and disk' }));
    await waitFor(() => expect(fake.callsOf('deleteMachine')).toEqual([{ id: 'win11', deleteDisk: true }]));
  });

  it('where the path policy refuses the folder, explains why and offers no way to delete the disk', async () => {
    const machine = machineView({ storageDir: '/home/ada' });
    const fake = setup(machine, {
      kind: 'refused',
      remove: [],
      keep: [],
      allocatedBytes: 0,
      apparentBytes: 0,
      reason: 'Porthole will not use /home/ada as the storage folder: it is your home folder.',
    });
    const box = await confirmStep(machine);
    expect(box.textContent).toContain('it is your home folder');
    expect(box.textContent).toContain('Porthole deletes nothing there');
    expect(within(box).queryByRole('button', { name: /Delete machine/ })).toBeNull();
    await user().click(within(box).getByRole('button', { name: 'Back' }));
    expect(fake.callsOf('deleteMachine')).toEqual([]);
  });

  it('a missing folder: says there is no disk, and deletes only the machine', async () => {
    const machine = machineView();
    setup(machine, { kind: 'missing', remove: [], keep: [], allocatedBytes: 0, apparentBytes: 0 });
    const box = await confirmStep(machine);
    expect(box.textContent).toContain('does not exist: there is no disk to delete');
    expect(within(box).getByRole('button', { name: 'Delete machine' })).toBeTruthy();
  });
});
