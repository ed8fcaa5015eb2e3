import { sampleMachine } from './testing/sample-machine';
import { describe, expect, it } from 'vitest';
import type { MachineSettings } from './machine';
import { changedFields, changeEffect, changeWarnings, describeChanges } from './changes';
import { buildContainerSpec, SPEC_LABEL } from '../core/machine/spec';

/** A Porthole configuration's instance id (lifecycle/config-instance-id.ts). */
const INSTANCE = '0123abcdef456789';

const before: MachineSettings = sampleMachine({
  sharedFolders: [{ hostPath: '/home/ada/Documents', readOnly: false }],
  storageDir: '/data/win11',
});
const edit = (changes: Partial<MachineSettings>): MachineSettings => ({ ...before, ...changes });

describe('changeEffect', () => {
  it('applies the name and start-with-Porthole at once', () => {
    expect(changeEffect(before, edit({ name: 'Work', autoStart: true }))).toBe('now');
    expect(changeEffect(before, before)).toBe('now');
  });

  it('treats an empty and an absent region alike', () => {
    expect(changeEffect(before, edit({ region: '' }))).toBe('now');
  });

  const specChanges: Array<Partial<MachineSettings>> = [
    { image: 'dockurr/windows:6.06' },
    { version: '10' },
    { language: 'de-DE' },
    { region: 'de-CH' },
    { keyboard: 'de-CH' },
    { username: 'bob' },
    { password: 'new' },
    { ramGiB: 4 },
    { cpuCores: 2 },
    { diskGiB: 128 },
    { diskFormat: 'qcow2' },
    { sharedFolders: [] },
    { sharedFolders: [{ hostPath: '/home/ada/Documents', readOnly: true }] },
    { customIso: '/isos/win.iso' },
    { screen: { width: 1920, height: 1080 } },
    { storageDir: '/data/elsewhere' },
    { ports: { web: 47001, rdp: 47005 } },
    { kvm: false },
    { ballooning: true },
  ];

  it.each(specChanges)('recreates for %j, exactly when the container spec changes', (change) => {
    const after = edit(change);
    expect(changeEffect(before, after)).toBe('recreate');
    const label = (m: MachineSettings): string | undefined =>
      buildContainerSpec(m, { oemDir: '/oem', instance: INSTANCE }).Labels?.[SPEC_LABEL];
    expect(label(after)).not.toBe(label(before));
  });

  it('treats memory given back off and absent alike, and says the change in words', () => {
    expect(changeEffect(before, edit({ ballooning: false }))).toBe('now');
    expect(describeChanges(edit({ ballooning: false }), edit({ ballooning: true }))).toEqual([
      'Windows gives unused memory back to Linux: off → on',
    ]);
    expect(buildContainerSpec(edit({ ballooning: true }), { oemDir: '/oem', instance: INSTANCE }).Env).toContain(
      'BALLOONING=Y',
    );
  });

  it('lists the changed fields', () => {
    expect(changedFields(before, edit({ name: 'X', ramGiB: 2 }))).toEqual(['name', 'ramGiB']);
  });
});

describe('describeChanges', () => {
  it('says each change in a person’s words', () => {
    const after = edit({
      name: 'Work',
      version: '10',
      language: 'de-DE',
      region: 'de-CH',
      password: 'hunter2',
      ramGiB: 16,
      cpuCores: 8,
      diskGiB: 128,
      diskFormat: 'qcow2',
      sharedFolders: [
        { hostPath: '/home/ada/Documents', readOnly: true },
        { hostPath: '/mnt/media', readOnly: false },
      ],
      customIso: '/isos/win10.iso',
      screen: { width: 1920, height: 1080 },
      ports: { web: 47010, rdp: 47002 },
      autoStart: true,
      kvm: false,
    });
    expect(describeChanges(before, after)).toEqual([
      'Name: “Windows 11” → “Work”',
      'Windows version: Windows 11 Pro → Windows 10 Pro',
      'Custom ISO: none → /isos/win10.iso',
      'Language: English → German',
      'Region: same as language → de-CH',
      'Password changed',
      'Memory: 8 GB → 16 GB',
      'Processor cores: 4 → 8',
      'Disk size: 64 GB → 128 GB',
      'Disk format: raw → qcow2',
      'Shared folder /home/ada/Documents is now read-only',
      'Shared folder added: /mnt/media',
      'Screen size: 1280×720 → 1920×1080',
      'Screen port: 47001 → 47010',
      'Start with Porthole: off → on',
      'Hardware acceleration (KVM): on → off',
    ]);
  });

  it('never shows the password', () => {
    expect(describeChanges(before, edit({ password: 'hunter2' })).join(' ')).not.toContain('hunter2');
  });

  it('names removed folders', () => {
    expect(describeChanges(before, edit({ sharedFolders: [] }))).toEqual([
      'Shared folder removed: /home/ada/Documents',
    ]);
  });
});

describe('changeWarnings', () => {
  it('warns that a new version after install moves the disk to backups', () => {
    const [warning] = changeWarnings(before, edit({ version: '10' }), { installed: true });
    expect(warning).toMatch(/installs Windows 10 Pro from scratch/);
    expect(warning).toMatch(/\/data\/win11\/backups/);
    expect(changeWarnings(before, edit({ version: '10' }), { installed: false })).toEqual([]);
  });

  it('warns that a new custom ISO after install moves the disk to backups, but not its removal', () => {
    const withIso = edit({ customIso: '/isos/a.iso' });
    expect(changeWarnings(withIso, edit({ customIso: '/isos/b.iso' }), { installed: true })[0]).toMatch(
      /boots \/isos\/b\.iso.*backups/,
    );
    expect(changeWarnings(withIso, edit({ customIso: null }), { installed: true })).toEqual([]);
  });

  it('refuses a shrinking disk and explains a growing one', () => {
    expect(changeWarnings(before, edit({ diskGiB: 32 }), { installed: false })).toEqual([
      'The disk cannot shrink: it is 64 GB, so choose 64 GB or more.',
    ]);
    expect(changeWarnings(before, edit({ diskGiB: 100 }), { installed: true })).toEqual([
      'Windows sees the added space as unallocated: extend drive C: in Disk Management to use it.',
    ]);
  });

  it('says which settings only apply at install', () => {
    const warnings = changeWarnings(before, edit({ username: 'bob', language: 'de-DE', password: 'x' }), {
      installed: true,
    });
    expect(warnings).toEqual([
      'The user name and language are set when Windows installs: the installed Windows keeps its current ones. Change them inside Windows.',
      'The password is set when Windows installs: change it inside Windows too (Ctrl+Alt+Del, Change a password), or Remote Desktop keeps asking for the old one.',
    ]);
    expect(changeWarnings(before, edit({ username: 'bob' }), { installed: false })).toEqual([]);
  });

  it('warns about software emulation and disk conversion', () => {
    expect(changeWarnings(before, edit({ kvm: false }), { installed: false })[0]).toMatch(/ten times slower/);
    expect(changeWarnings(before, edit({ diskFormat: 'qcow2' }), { installed: true })[0]).toMatch(
      /converts the disk to qcow2/,
    );
  });
});
