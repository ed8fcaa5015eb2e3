import { describe, expect, it } from 'vitest';
import { hostDefaults, machineView } from '../../testing/fake-api';
import { diskRange, formErrors, validateImage, type FormContext } from './checks';
import {
  changesBetween,
  draftFromForm,
  formFromMachine,
  newMachineFolder,
  newMachineForm,
  rebaseForm,
  settingsAfter,
  settingsOf,
  suggestName,
} from './machine-form';

const host = hostDefaults();
const ctx: FormContext = { mode: 'create', host, others: [], iso: { state: 'idle' }, folders: {} };

describe('the new machine’s draft', () => {
  it('leaves the folder to the backend at the default location, and uses a folder of its own elsewhere', () => {
    const form = { ...newMachineForm(host), name: 'Büro (Work)', password: 'pw' };
    expect(draftFromForm(form, host.storageRoot).storageDir).toBeUndefined();
    expect(draftFromForm({ ...form, storageLocation: '/mnt/big/' }, host.storageRoot).storageDir).toBe(
      '/mnt/big/buro-work',
    );
  });

  it('sends the ISO instead of a version, and the image only when one is typed', () => {
    const form = {
      ...newMachineForm(host),
      source: 'iso' as const,
      customIso: ' /isos/a.iso ',
      image: ' ',
      password: 'pw',
    };
    const draft = draftFromForm(form, host.storageRoot);
    expect(draft.customIso).toBe('/isos/a.iso');
    expect(draft.version).toBeUndefined();
    expect('image' in draft).toBe(false);
  });

  it('puts a new machine in a folder named as the backend names machine ids', () => {
    const form = { ...newMachineForm(host), storageLocation: '/srv/vms/', name: 'Windows 11 (Work)' };
    expect(newMachineFolder(form)).toBe('/srv/vms/windows-11-work');
    expect(newMachineFolder({ ...form, name: '***' })).toBe('/srv/vms/windows');
  });

  it('suggests a name no other machine has', () => {
    expect(suggestName('Windows 11 Pro', ['windows 11 pro', 'Windows 11 Pro 2'])).toBe('Windows 11 Pro 3');
  });

  it('refuses a machine folder another machine already uses', () => {
    const other = machineView({ name: 'Old', storageDir: '/mnt/big/windows-11-pro' });
    const form = { ...newMachineForm(host), storageLocation: '/mnt/big', password: 'pw' };
    expect(formErrors(form, { ...ctx, others: [other] }).storageLocation).toBe(
      'The machine “Old” already keeps its disk in /mnt/big/windows-11-pro. Choose another name or storage location.',
    );
  });

  it('checks the machine’s own folder against system folders, not the location that holds it', () => {
    const at = (storageLocation: string) =>
      formErrors({ ...newMachineForm(host), storageLocation, password: 'pw' }, ctx).storageLocation;
    expect(at('/mnt')).toBeUndefined();
    expect(at('/tmp')).toBeUndefined();
    expect(at('/etc')).toMatch(/inside the system folder \/etc/);
    expect(at('mnt')).toMatch(/full path/);
  });

  it('ranges the disk from the version’s minimum to the free space', () => {
    expect(diskRange(newMachineForm(host), ctx)).toEqual({ min: 32, max: 100 });
    expect(diskRange({ ...newMachineForm(host), version: '10' }, ctx)).toEqual({ min: 16, max: 100 });
    expect(diskRange(newMachineForm(host), { ...ctx, mode: 'change', currentDiskGiB: 64 })).toEqual({
      min: 64,
      max: 164,
    });
  });

  it.each([
    ['dockurr/windows:6.05', null],
    ['ghcr.io/dockur/windows:latest', null],
    ['localhost:5000/porthole/standin-windows:2e4cc5d766c0', null],
    ['dockurr/windows', null],
    ['Dockurr/Windows', /is not a container image name/],
    ['dockurr/windows:', /is not a container image name/],
    ['dockurr/ windows', /contains spaces/],
  ])('image %j', (image, problem) => {
    const result = validateImage(image);
    if (problem === null) expect(result).toBeNull();
    else expect(result).toMatch(problem);
  });
});

describe('changes to a machine', () => {
  const machine = machineView({
    region: 'de-CH',
    sharedFolders: [{ hostPath: '/home/ada/Documents', readOnly: true }],
  });
  const before = settingsOf(machine);

  it('sends only what differs, with a cleared region as an empty string and the new password', () => {
    const form = { ...formFromMachine(machine), region: '', ramGiB: 12, password: 'new' };
    expect(changesBetween(before, settingsAfter(before, form))).toEqual({ region: '', password: 'new', ramGiB: 12 });
  });

  it('sends nothing when nothing changed (an empty password keeps the current one)', () => {
    expect(changesBetween(before, settingsAfter(before, formFromMachine(machine)))).toEqual({});
  });

  it('sends memory given back when ticked, and nothing for a machine that never had it set', () => {
    expect(formFromMachine(machine).ballooning).toBe(false);
    expect(changesBetween(before, settingsAfter(before, { ...formFromMachine(machine), ballooning: true }))).toEqual({
      ballooning: true,
    });
    const on = settingsOf(machineView({ ballooning: true }));
    expect(
      changesBetween(
        on,
        settingsAfter(on, { ...formFromMachine(machineView({ ballooning: true })), ballooning: false }),
      ),
    ).toEqual({ ballooning: false });
  });

  it('switches from an ISO back to a download with customIso null', () => {
    const withIso = machineView({ customIso: '/isos/a.iso' });
    const s = settingsOf(withIso);
    const form = { ...formFromMachine(withIso), source: 'download' as const, version: '10' };
    expect(changesBetween(s, settingsAfter(s, form))).toEqual({ version: '10', customIso: null });
  });

  it('keeps a person’s edits when the machine changes elsewhere, and takes the rest', () => {
    const base = formFromMachine(machine);
    const edited = { ...base, ramGiB: 12 };
    const changed = formFromMachine({ ...machine, customIso: '/isos/a.iso', ramGiB: 4 });
    const rebased = rebaseForm(edited, base, changed);
    expect(rebased.ramGiB).toBe(12);
    expect(rebased.source).toBe('iso');
    expect(rebased.customIso).toBe('/isos/a.iso');
  });
});

describe('the wizard’s starting point', () => {
  it('fits the default disk into the free space, but not below what Windows 11 needs', () => {
    expect(newMachineForm(hostDefaults({ freeDiskBytes: 50 * 1024 ** 3 })).diskGiB).toBe(50);
    expect(newMachineForm(hostDefaults({ freeDiskBytes: 10 * 1024 ** 3 })).diskGiB).toBe(32);
    expect(newMachineForm(hostDefaults({ freeDiskBytes: null })).diskGiB).toBe(64);
  });
});
