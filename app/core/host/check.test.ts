import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostReportSchema, type HostReport } from '../../api';
import { checkHost } from './check';
import { HIDDEN_CPUINFO, makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { formatHostReport } from './report-text';

let fake: FakeRoot;
beforeEach(async () => {
  fake = await makeFakeRoot();
});
afterEach(async () => {
  await fake.cleanup();
});

const byId = (report: HostReport, id: string) => report.checks.find((c) => c.id === id)!;

describe('checkHost', () => {
  it('is ready on a healthy host with a Docker engine, with every fact filled in', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker', version: '24.0.7', apiVersion: '1.43' });
    const report = await checkHost(fake.options());
    expect(hostReportSchema.parse(report)).toEqual(report);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['kvm', 'ok'],
      ['engine', 'ok'],
      ['memory', 'ok'],
      ['cpu', 'ok'],
      ['disk', 'ok'],
      ['tun', 'ok'],
      ['passwords', 'ok'],
      ['tray-helper', 'ok'],
    ]);
    expect(report.ready).toBe(true);
    expect(report.facts).toEqual({
      ramTotalBytes: 16384000 * 1024,
      ramAvailableBytes: 12000000 * 1024,
      cpuThreads: 4,
      freeDiskBytes: 200 * 1024 ** 3,
      kvmUsable: true,
      kvmFlagsVisible: true,
      kvmPresent: true,
      kvmForMachines: true,
      tunAvailable: true,
      usbBusAvailable: false,
      engine: {
        kind: 'docker',
        endpoint: 'unix:///var/run/docker.sock',
        version: '24.0.7',
        apiVersion: '1.43',
        rootless: false,
        desktop: false,
        flavor: 'docker',
      },
      kvmCheckedOn: 'this-computer',
    });
  });

  it('is not ready when a check fails, and stays ready with warnings only', async () => {
    const noEngine = await checkHost(fake.options());
    expect(byId(noEngine, 'engine').status).toBe('fail');
    expect(noEngine.ready).toBe(false);
    expect(noEngine.facts.engine).toBeNull();

    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    await fake.write('/proc/cpuinfo', HIDDEN_CPUINFO);
    await fake.remove('/dev/net/tun');
    const warned = await checkHost(fake.options());
    expect(byId(warned, 'kvm').status).toBe('warn');
    expect(byId(warned, 'tun').status).toBe('warn');
    expect(warned.ready).toBe(true);
    expect(warned.facts).toMatchObject({
      kvmUsable: true,
      kvmFlagsVisible: false,
      kvmForMachines: false,
      tunAvailable: false,
    });
  });

  it('lets a root engine pass /dev/kvm the user cannot open; a rootless one cannot', async () => {
    const eacces = async (): Promise<void> => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    const root = await checkHost(fake.options({ openReadWrite: eacces }));
    expect(byId(root, 'kvm').status).toBe('ok');
    expect(root.facts).toMatchObject({ kvmUsable: false, kvmPresent: true, kvmForMachines: true });

    await fake.serve('/run/user/1000/docker.sock', { kind: 'docker', rootless: true });
    const env = { ...fake.options().env, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' };
    const rootless = await checkHost(fake.options({ openReadWrite: eacces, env }));
    expect(rootless.facts.engine?.rootless).toBe(true);
    expect(byId(rootless, 'kvm').status).toBe('fail');
    expect(rootless.ready).toBe(false);
    expect(rootless.facts.kvmForMachines).toBe(false);
  });

  it('a /dev/kvm the user opens only through its kvm group reaches a root engine’s machines, not a rootless one’s (Debian, Ubuntu: root:kvm 0660)', async () => {
    // alice (uid 1000, group 1000) is in kvm (994), which owns the device 0660.
    const inKvm = { gid: 1000, groups: [1000, 994], aclWriters: async () => [] };
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    const root = await checkHost(fake.options(inKvm));
    expect(byId(root, 'kvm').status).toBe('ok');
    expect(root.facts.kvmForMachines).toBe(true);

    await fake.serve('/run/user/1000/podman/podman.sock', { kind: 'podman', rootless: true });
    const env = { ...fake.options().env, DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' };
    const rootless = await checkHost(fake.options({ ...inKvm, env }));
    expect(rootless.facts.engine?.rootless).toBe(true);
    expect(rootless.facts).toMatchObject({ kvmUsable: true, kvmForMachines: false });
    expect(byId(rootless, 'kvm')).toMatchObject({ status: 'fail' });
    expect(byId(rootless, 'kvm').found).toContain('only through the group kvm');

    // With an access-control list for alice (the remedy), it reaches them.
    const fixed = await checkHost(fake.options({ ...inKvm, env, aclWriters: async () => [1000] }));
    expect(byId(fixed, 'kvm').status).toBe('ok');
    expect(fixed.facts.kvmForMachines).toBe(true);
  });

  it('a rootless Podman with a crun on this computer: machines keep the kvm group (made through Podman’s own create)', async () => {
    const inKvm = { gid: 1000, groups: [1000, 994], aclWriters: async () => [] };
    await fake.serve('/run/user/1000/podman/podman.sock', { kind: 'podman', rootless: true, ociRuntime: 'runc' });
    const env = { ...fake.options().env, DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' };
    // Podman lists crun whether or not it is installed: without the file, runc only.
    const runc = await checkHost(fake.options({ ...inKvm, env }));
    expect(runc.facts.kvmKeepGroups).toBeUndefined();
    expect(runc.facts.kvmForMachines).toBe(false);
    expect(byId(runc, 'kvm').fix?.text).toContain('install crun');

    await fake.write('/usr/bin/crun', '');
    await fake.write('/sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n');
    const crun = await checkHost(fake.options({ ...inKvm, env }));
    expect(crun.facts).toMatchObject({ kvmKeepGroups: true, kvmUsable: true });
    expect(crun.facts.kvmForMachines).toBe(crun.facts.kvmFlagsVisible);
    expect(byId(crun, 'kvm').status).not.toBe('fail');
    expect(byId(crun, 'kvm').found).toContain('which Porthole has your rootless Podman keep');

    // The user reaches the device without the group (an access-control list): nothing to keep.
    const acl = await checkHost(fake.options({ ...inKvm, env, aclWriters: async () => [1000] }));
    expect(acl.facts.kvmKeepGroups).toBeUndefined();
  });

  it('says KVM cannot reach machines through Docker Desktop', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker', operatingSystem: 'Docker Desktop' });
    const report = await checkHost(fake.options());
    expect(report.facts.kvmForMachines).toBe(false);
    expect(report.facts.engine?.desktop).toBe(true);
  });

  it('turns a probe that throws into a warning instead of throwing', async () => {
    const report = await checkHost(
      fake.options({
        cpuThreads: () => {
          throw new Error('boom');
        },
      }),
    );
    expect(byId(report, 'cpu')).toMatchObject({ status: 'warn', found: 'Porthole could not run this check: boom' });
  });
});

describe('the passwords item', () => {
  it('says the keyring when the backend keeps passwords there', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    const item = byId(await checkHost(fake.options()), 'passwords');
    expect(item).toMatchObject({
      status: 'ok',
      found: 'Windows passwords are kept in the desktop keyring (Secret Service).',
    });
    expect(item.fix).toBeUndefined();
  });

  it('says the private file, with why and how to get a keyring, and does not block readiness', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker', version: '24.0.7', apiVersion: '1.43' });
    const report = await checkHost(
      fake.options({
        passwords: async () => ({ place: 'file', reason: 'secret-tool (libsecret-tools) is not installed' }),
      }),
    );
    const item = byId(report, 'passwords');
    expect(item.status).toBe('warn');
    expect(item.found).toBe(
      'Windows passwords are kept in a private file (0600) — no usable Secret Service found (secret-tool (libsecret-tools) is not installed).',
    );
    expect(item.fix?.commands).toContain('sudo apt install gnome-keyring libsecret-tools dbus-bin');
    expect(report.ready).toBe(true);
  });

  it('asks to unlock a locked keyring rather than install one', async () => {
    const report = await checkHost(
      fake.options({ passwords: async () => ({ place: 'file', reason: 'the default keyring is locked' }) }),
    );
    const item = byId(report, 'passwords');
    expect(item.fix).toEqual({ text: expect.stringMatching(/^Unlock your keyring/), commands: [] });
  });

  it('turns a probe that throws into a warning, never a failure', async () => {
    const report = await checkHost(
      fake.options({
        passwords: async () => {
          throw new Error('boom');
        },
      }),
    );
    expect(byId(report, 'passwords')).toMatchObject({
      status: 'warn',
      found: 'Porthole could not run this check: boom',
    });
  });
});

describe('formatHostReport', () => {
  it('prints a line per check, then why, the fix and its commands indented', async () => {
    await fake.remove('/dev/kvm');
    await fake.write('/proc/modules', '');
    const text = formatHostReport(await checkHost(fake.options()));
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      '✗ KVM acceleration: /dev/kvm is missing: the kvm and kvm_amd kernel modules are not loaded.',
    );
    expect(lines).toContain('        sudo modprobe kvm_amd');
    expect(lines).toContain('✓ Memory: 16 GB in total, 11 GB available now.');
    expect(text).toMatch(/^✗ Container engine: No container engine is installed/m);
    expect(text).toMatch(/^ {8}sudo apt-get install -y docker\.io$/m);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Not ready: 2 problems to fix first.');
  });

  it('marks warnings with ! and says ready', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    await fake.write('/proc/cpuinfo', HIDDEN_CPUINFO);
    const text = formatHostReport(await checkHost(fake.options()));
    expect(text).toMatch(
      /^! KVM acceleration: \/dev\/kvm opens read-write, but \/proc\/cpuinfo shows neither vmx nor svm\./m,
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe('Ready to run Windows machines (1 warning).');
  });
});
