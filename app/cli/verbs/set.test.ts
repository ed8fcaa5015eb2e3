import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { HostFacts, MachineView } from '../../api';
import { runCliHere as cli, throwawayCliConfig } from '../../core/testing/cli';
import { parseShare, readPasswordStdin, sharesAfter } from '../machine-flags';
import { appliesText } from './set';

const office = { id: 'office', name: 'Office', sharedFolders: [{ hostPath: '/srv/a', readOnly: false }] };

describe('porthole set (parsing)', () => {
  it('reads PATH[:ro] as a shared folder, a relative PATH from the current folder', () => {
    expect(parseShare('/srv/data:ro')).toEqual({ hostPath: '/srv/data', readOnly: true });
    expect(parseShare('/srv/data:rw')).toEqual({ hostPath: '/srv/data', readOnly: false });
    expect(parseShare('/srv/data/')).toEqual({ hostPath: '/srv/data', readOnly: false });
    expect(parseShare('docs')).toEqual({ hostPath: join(process.cwd(), 'docs'), readOnly: false });
    expect(() => parseShare(':ro')).toThrow('--share takes a folder');
  });

  it('unshares first, then shares; a folder shared again takes the new read-only choice; unsharing one not shared is refused', () => {
    expect(sharesAfter(office, ['/srv/b:ro'], [])).toEqual([
      office.sharedFolders[0],
      { hostPath: '/srv/b', readOnly: true },
    ]);
    expect(sharesAfter(office, ['/srv/a:ro'], [])).toEqual([{ hostPath: '/srv/a', readOnly: true }]);
    expect(sharesAfter(office, ['/srv/b'], ['/srv/a/'])).toEqual([{ hostPath: '/srv/b', readOnly: false }]);
    expect(() => sharesAfter(office, [], ['/srv/c'])).toThrow(
      'Office (office) does not share /srv/c. Its shared folders: /srv/a.',
    );
  });

  it('says when a saved change applies: at once, at a stopped machine’s next start, or for a running one at its next start or with porthole apply', () => {
    expect(appliesText('now', true, 'office')).toBe('It applies at once.');
    expect(appliesText('recreate', false, 'office')).toBe(
      'The machine is stopped: this applies at its next start (Porthole recreates it then, keeping the disk).',
    );
    expect(appliesText('recreate', true, 'office')).toContain(
      'this applies at its next start, or now with "porthole apply office"',
    );
  });

  it('reads a password from a pipe, bounded, without its final line break; a terminal is refused', async () => {
    expect(await readPasswordStdin(Readable.from([Buffer.from('s3cret pass\n')]))).toBe('s3cret pass');
    expect(await readPasswordStdin(Readable.from([Buffer.from('a\r\n')]))).toBe('a');
    await expect(readPasswordStdin(Readable.from([Buffer.alloc(2048, 0x61)]))).rejects.toThrow('more than a password');
    await expect(readPasswordStdin(Object.assign(Readable.from([]), { isTTY: true }))).rejects.toThrow(
      'not the terminal',
    );
  });
});

describe('porthole set and create options (the CLI, real backend without an engine)', () => {
  const root = throwawayCliConfig('porthole-cli-set-');
  const machineFile = (): Promise<string> => readFile(join(root(), 'config', 'machines.json'), 'utf8');
  const view = async (id: string): Promise<MachineView> =>
    (JSON.parse((await cli('machines', '--json')).out) as MachineView[]).find((m) => m.id === id)!;
  const folder = async (name: string): Promise<string> => {
    const path = join(root(), name);
    await mkdir(path, { recursive: true });
    return path;
  };
  const create = async (...args: string[]): Promise<string> => {
    const made = await cli('create', '--name', 'Office', '--ram', '4', '--disk', '64', '--json', ...args);
    expect(made.code).toBe(0);
    return (JSON.parse(made.out) as { id: string }).id;
  };
  /** Runs `porthole ...` and checks it refused with the machine's record untouched. */
  const refused = async (code: number, ...args: string[]): Promise<string> => {
    const before = await machineFile();
    const run = await cli(...args);
    expect(run.code).toBe(code);
    expect(await machineFile()).toBe(before);
    return run.err;
  };

  it('changes memory, processors, disk and shares of a stopped machine, saying what changed and when it applies', async () => {
    const id = await create();
    const a = await folder('a');
    const b = await folder('b');
    const args = ['set', id, '--ram', '6', '--cpus', '1', '--disk', '80', '--share', a, '--share', `${b}:ro`];
    // Without an engine the machine's phase is unknown: taken as installed, as the settings page takes it, a larger disk asks first.
    expect(await refused(1, ...args)).toContain(
      'Warning: Windows sees the added space as unallocated: extend drive C: in Disk Management to use it.\nRun it again with --yes',
    );
    const run = await cli(...args, '--yes');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(new RegExp(`^Changed Office \\(${id}\\):\n  Memory: 4 GB → 6 GB\n`));
    expect(run.out).toMatch(/^ {2}Processor cores: \d+ → 1$/m);
    expect(run.out).toContain('  Disk size: 64 GB → 80 GB\n');
    expect(run.out).toContain(`  Shared folder added: ${a}\n  Shared folder added: ${b} (read-only)\n`);
    expect(run.out).toMatch(
      /The machine is stopped: this applies at its next start \(Porthole recreates it then, keeping the disk\)\.\n$/,
    );
    const after = await view(id);
    expect([after.ramGiB, after.cpuCores, after.diskGiB]).toEqual([6, 1, 80]);
    expect(after.sharedFolders).toEqual([
      { hostPath: a, readOnly: false },
      { hostPath: b, readOnly: true },
    ]);

    const unshared = await cli('set', id, '--unshare', a, '--json');
    expect(unshared.code).toBe(0);
    const json = JSON.parse(unshared.out) as {
      machine: MachineView;
      appliesAt: string;
      changes: string[];
      warnings: string[];
    };
    expect(json.appliesAt).toBe('recreate');
    expect(json.changes).toEqual([`Shared folder removed: ${a}`]);
    expect(json.machine.sharedFolders).toEqual([{ hostPath: b, readOnly: true }]);
    expect((await view(id)).sharedFolders).toEqual([{ hostPath: b, readOnly: true }]);

    const same = await cli('set', id, '--ram', '6');
    expect(same.code).toBe(0);
    expect(same.out).toBe(`Nothing to change: Office (${id}) already has these settings.\n`);
  });

  it('turns KVM off only with --yes (software emulation is ten times slower), and on again', async () => {
    const id = await create();
    const err = await refused(1, 'set', id, '--no-kvm');
    expect(err).toBe(
      `Changing Office (${id}):\n  Hardware acceleration (KVM): on → off\nWarning: Without KVM, Windows runs in software emulation: about ten times slower.\n` +
        'Run it again with --yes to make this change. Nothing was changed.\n',
    );
    const asJson = await cli('set', id, '--no-kvm', '--json');
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.out)).toMatchObject({
      error: { code: 'CONFIRMATION_NEEDED', remedy: 'Run it again with --yes.' },
      warnings: ['Without KVM, Windows runs in software emulation: about ten times slower.'],
    });
    expect((await view(id)).kvm).toBe(true);

    const off = await cli('set', id, '--no-kvm', '--yes');
    expect(off.code).toBe(0);
    expect(off.out).toContain('  Hardware acceleration (KVM): on → off\n');
    expect((await view(id)).kvm).toBe(false);
    expect((await cli('set', id, '--kvm', '--no-kvm')).code).toBe(2);
    // On again: only where the host check says machines can use KVM (the settings page's rule), else refused.
    const { facts } = JSON.parse((await cli('check', '--json')).out) as { facts: HostFacts };
    const kvmWorks = facts.kvmForMachines === true && facts.kvmFlagsVisible;
    const before = await machineFile();
    const on = await cli('set', id, '--kvm');
    if (kvmWorks) {
      expect(on.code).toBe(0);
      expect((await view(id)).kvm).toBe(true);
      return;
    }
    expect(on.code).toBe(1);
    expect(on.out).toBe('');
    const reason =
      facts.kvmUsable && !facts.kvmFlagsVisible
        ? 'its processor hides vmx and svm, the virtualization flags the Windows image tests for, as a nested virtual machine does'
        : '/dev/kvm is missing, or the machines’ containers cannot open it';
    expect(on.err).toContain(
      `Hardware acceleration (KVM) cannot be used by machines on this computer (${reason}): without software emulation the machine would fail to start.`,
    );
    expect(on.err).toContain(
      'Keep software emulation, or fix KVM first (“Check this computer” in the app, or porthole check, says how).',
    );
    const onJson = JSON.parse((await cli('set', id, '--kvm', '--yes', '--json')).out) as { error: { code: string } };
    expect(onJson.error.code).toBe('INVALID_ARGUMENT');
    expect((await view(id)).kvm).toBe(false);
    expect(await machineFile()).toBe(before);
  });

  it('refuses what the settings page refuses, changing nothing: a smaller disk, a fourth share, a missing or relative-to-nothing folder, a read-write ~/.ssh', async () => {
    vi.stubEnv('HOME', root());
    const id = await create();
    expect(await refused(1, 'set', id, '--disk', '32', '--yes')).toMatch(/^The disk cannot shrink/);
    const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map(folder));
    expect(await refused(1, 'set', id, '--share', a!, '--share', b!, '--share', c!, '--share', d!)).toContain(
      'A machine can have at most three shared folders.',
    );
    expect(await refused(1, 'set', id, '--share', join(root(), 'missing'))).toContain(join(root(), 'missing'));
    expect(await refused(1, 'set', id, '--share', '/etc')).toContain('/etc cannot be shared');
    expect(await refused(1, 'set', id, '--share', `${a}:x`)).toContain('colon');
    const ssh = await folder('.ssh');
    expect(await refused(1, 'set', id, '--share', ssh)).toContain('Share it read-only, or share another folder.');
    expect(await refused(2, 'set', id, '--unshare', a!)).toContain(`does not share ${a}`);
    expect(await refused(2, 'set', id)).toContain('needs something to change');
    expect(await refused(2, 'set', id, '--ram', 'lots')).toContain('--ram takes a whole number');
    expect(await refused(2, 'set', id, '--usb', '046dc52b')).toContain('--usb takes a device as VENDOR:PRODUCT');
    expect(await refused(2, 'set', id, '--no-usb', 'fffe:0001')).toContain('has no USB device fffe:0001');
    expect(await refused(1, 'set', 'nobody', '--ram', '4')).toContain('nobody');
    // A read-only share of it is allowed.
    expect((await cli('set', id, '--share', `${ssh}:ro`)).code).toBe(0);
  });

  it('gives and takes USB devices', async () => {
    const id = await create();
    const added = await cli('set', id, '--usb', 'FFFE:0001');
    expect(added.code).toBe(0);
    expect(added.out).toContain('  USB device added: USB device fffe:0001 (fffe:0001)\n');
    expect((await view(id)).usbDevices).toEqual([
      { vendorId: 'fffe', productId: '0001', name: 'USB device fffe:0001' },
    ]);
    expect((await cli('set', id, '--no-usb', 'fffe:0001')).code).toBe(0);
    expect((await view(id)).usbDevices).toEqual([]);
  });

  it('create takes shares, a user, a language, a keyboard and a password from standard input (never shown)', async () => {
    const a = await folder('a');
    const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', {
      value: Readable.from([Buffer.from('Tr0ub4dor&3\n')]),
      configurable: true,
    });
    let made;
    try {
      made = await cli(
        'create',
        '--name',
        'Office',
        '--share',
        `${a}:ro`,
        '--user',
        'ann',
        '--language',
        'de-DE',
        '--keyboard',
        'fr-CH',
        '--password-stdin',
      );
    } finally {
      Object.defineProperty(process, 'stdin', stdin);
    }
    expect(made.code).toBe(0);
    expect(made.out + made.err).not.toContain('Tr0ub4dor');
    expect(made.out).toContain('Created Office (office).');
    const m = await view('office');
    expect(m.sharedFolders).toEqual([{ hostPath: a, readOnly: true }]);
    expect([m.username, m.language, m.keyboard]).toEqual(['ann', 'de-DE', 'fr-CH']);
    expect((await cli('password', 'office')).out).toBe('Tr0ub4dor&3\n');

    // --json carries no password either when it came from standard input.
    Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from('An0ther-one')]), configurable: true });
    let json;
    try {
      json = await cli('create', '--name', 'Second', '--password-stdin', '--json');
    } finally {
      Object.defineProperty(process, 'stdin', stdin);
    }
    expect(json.code).toBe(0);
    expect(json.out).not.toContain('An0ther-one');
    expect(JSON.parse(json.out)).not.toHaveProperty('password');
    expect((await cli('password', 'second')).out).toBe('An0ther-one\n');
  });

  it('create refuses an unknown language, a bad user name, a fourth share and a read-write ~/.ssh, making nothing', async () => {
    vi.stubEnv('HOME', root());
    const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map(folder));
    const ssh = await folder('.ssh');
    const fails = async (...args: string[]): Promise<string> => {
      const run = await cli('create', '--name', 'Office', ...args);
      expect(run.code).toBe(1);
      expect(JSON.parse((await cli('machines', '--json')).out)).toEqual([]);
      return run.err;
    };
    expect(await fails('--language', 'Klingon')).toContain('Windows is not published in “Klingon”');
    expect(await fails('--keyboard', 'qwerty!')).toContain('is not a keyboard Windows knows');
    expect(await fails('--user', 'Administrator')).toContain('built-in Windows account');
    expect(await fails('--share', a!, '--share', b!, '--share', c!, '--share', d!)).toContain('three shared folders');
    expect(await fails('--share', ssh)).toContain('Share it read-only, or share another folder.');
  });
});
