import { chmod, chown } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostContext, parseAclWriters } from './context';
import { groupsKept, kvmReaches } from './check';
import { HIDDEN_CPUINFO, INTEL_CPUINFO, makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { findKvm, kvmCheck, parseCpuInfo } from './kvm';

const errno = (code: string) => async (): Promise<void> => {
  throw Object.assign(new Error(`${code}: fake`), { code });
};

let fake: FakeRoot;
beforeEach(async () => {
  fake = await makeFakeRoot();
});
afterEach(async () => {
  await fake.cleanup();
});

async function verdict(extra: Parameters<FakeRoot['options']>[0] = {}, rootEngine = false) {
  const ctx = hostContext(fake.options(extra));
  const findings = await findKvm(ctx);
  return { findings, check: kvmCheck(findings, ctx, rootEngine) };
}

describe('KVM probe', () => {
  it('is ok when /dev/kvm opens read-write and the CPU shows svm', async () => {
    const { findings, check } = await verdict();
    expect(findings).toMatchObject({
      present: true,
      usable: true,
      flagsVisible: true,
      vendor: 'amd',
      modulesLoaded: true,
      hypervisor: null,
    });
    expect(check.status).toBe('ok');
    expect(check.found).toContain('svm');
  });

  it('fails with the kvm group and the exact usermod command when the device cannot be opened (EACCES)', async () => {
    const { findings, check } = await verdict({ openReadWrite: errno('EACCES') });
    expect(findings).toMatchObject({ present: true, usable: false, openError: 'EACCES', group: 'kvm' });
    expect(check.status).toBe('fail');
    expect(check.found).toContain('user alice cannot open it');
    expect(check.fix?.commands).toEqual(['sudo usermod -aG kvm alice']);
    expect(check.fix?.text).toMatch(/log out and back in/);
    expect(check.fix?.text).toMatch(/KVM=N/);
  });

  it('names the group that really owns the device', async () => {
    await fake.write('/etc/group', 'root:x:0:\nhypervisor:x:994:\n');
    const { check } = await verdict({ openReadWrite: errno('EPERM') });
    expect(check.fix?.commands).toEqual(['sudo usermod -aG hypervisor alice']);
  });

  it('never advises joining root: a root-owned group gets a kvm group of its own instead', async () => {
    await chown(`${fake.root}/dev/kvm`, 0, 0);
    const { findings, check } = await verdict({ openReadWrite: errno('EACCES'), user: 'nobody' });
    expect(findings.group).toBe('root');
    expect(check.status).toBe('fail');
    expect(check.fix?.commands.join('\n')).not.toMatch(/usermod -aG root/);
    expect(check.fix?.commands).toContain('sudo usermod -aG kvm nobody');
    expect(check.fix?.commands.join('\n')).toMatch(/GROUP="kvm", MODE="0660"/);
    expect(check.fix?.text).toMatch(/Do not join root/);
  });

  it('does not advise joining a group that has no access to a 0600 device', async () => {
    await chmod(`${fake.root}/dev/kvm`, 0o600);
    const { findings, check } = await verdict({ openReadWrite: errno('EACCES') });
    expect(findings.groupCanWrite).toBe(false);
    expect(check.found).toMatch(/only its owner may/);
    expect(check.fix?.commands.join('\n')).toMatch(/MODE="0660"/);
    expect(check.fix?.text).not.toMatch(/Do not join/);
  });

  it('names a group with no name by its number and never advises joining it', async () => {
    await chown(`${fake.root}/dev/kvm`, 0, 4242);
    const { findings, check } = await verdict({ openReadWrite: errno('EACCES') });
    expect(findings.group).toBe('4242');
    expect(check.fix?.commands.join('\n')).not.toMatch(/-aG 4242/);
  });

  it('does not block on an unopenable device when a root engine passes it to machines', async () => {
    const { check } = await verdict({ openReadWrite: errno('EACCES') }, true);
    expect(check.status).toBe('ok');
    expect(check.found).toMatch(/runs as root/);
  });

  it('drops sudo for root', async () => {
    const { check } = await verdict({ openReadWrite: errno('EACCES'), uid: 0, user: 'root' });
    expect(check.fix?.commands).toEqual(['usermod -aG kvm root']);
  });

  it('fails with a module hint when the device exists but has no driver (ENXIO)', async () => {
    const { check } = await verdict({ openReadWrite: errno('ENXIO') });
    expect(check.status).toBe('fail');
    expect(check.found).toContain('ENXIO');
    expect(check.fix?.commands).toEqual(['sudo modprobe kvm_amd']);
  });

  it('fails with modprobe for the CPU vendor when the device and the modules are missing', async () => {
    await fake.remove('/dev/kvm');
    await fake.write('/proc/modules', 'tun 61440 0 - Live 0x0\n');
    await fake.write('/proc/cpuinfo', INTEL_CPUINFO);
    const { findings, check } = await verdict();
    expect(findings).toMatchObject({ present: false, modulesLoaded: false, vendor: 'intel' });
    expect(check.status).toBe('fail');
    expect(check.found).toMatch(/kvm_intel kernel modules are not loaded/);
    expect(check.fix?.commands[0]).toBe('sudo modprobe kvm_intel');
  });

  it('counts built-in modules from /sys/module when /proc/modules is unreadable', async () => {
    await fake.remove('/proc/modules');
    await fake.mkdir('/sys/module/kvm_amd');
    expect((await verdict()).findings.modulesLoaded).toBe(true);
    await fake.remove('/sys/module/kvm_amd');
    expect((await verdict()).findings.modulesLoaded).toBeNull();
  });

  it('points at the BIOS/UEFI when the device is missing and the CPU shows no vmx/svm on bare metal', async () => {
    await fake.remove('/dev/kvm');
    await fake.write('/proc/cpuinfo', HIDDEN_CPUINFO.replace(' hypervisor', ''));
    const { check } = await verdict();
    expect(check.status).toBe('fail');
    expect(check.found).toMatch(/BIOS\/UEFI/);
    expect(check.fix?.text).toMatch(/VT-x/);
    expect(check.fix?.commands).toEqual(['sudo modprobe kvm_amd']);
  });

  it('asks for nested virtualization when the device is missing inside a VM (systemd-detect-virt)', async () => {
    await fake.remove('/dev/kvm');
    const { findings, check } = await verdict({ detectVirt: async () => 'oracle' });
    expect(findings.hypervisor).toBe('oracle');
    expect(check.status).toBe('fail');
    expect(check.found).toMatch(/virtual machine under VirtualBox/);
    expect(check.fix?.text).toMatch(/nested virtualization/i);
    expect(check.fix?.commands).toContain('VBoxManage modifyvm "<vm name>" --nested-hw-virt on');
    expect(check.fix?.commands.at(-1)).toBe('sudo modprobe kvm_amd');
  });

  it('recognises a VM from DMI when systemd-detect-virt is absent', async () => {
    await fake.remove('/dev/kvm');
    await fake.write('/sys/class/dmi/id/sys_vendor', 'Microsoft Corporation\n');
    await fake.write('/sys/class/dmi/id/product_name', 'Virtual Machine\n');
    const { findings, check } = await verdict();
    expect(findings.hypervisor).toBe('microsoft');
    expect(check.fix?.commands.join('\n')).toContain('ExposeVirtualizationExtensions');
  });

  it('recognises a VM from the hypervisor CPU flag alone', async () => {
    await fake.remove('/dev/kvm');
    await fake.write('/proc/cpuinfo', HIDDEN_CPUINFO);
    const { findings, check } = await verdict();
    expect(findings.hypervisor).toBe('a hypervisor');
    expect(check.fix?.text).toMatch(/nested virtualization/);
  });

  it('warns (not fails) when /dev/kvm works but the nested host hides vmx/svm: the image will refuse KVM', async () => {
    await fake.write('/proc/cpuinfo', HIDDEN_CPUINFO);
    await fake.write('/sys/class/dmi/id/sys_vendor', 'QEMU\n');
    await fake.write('/sys/class/dmi/id/product_name', 'Standard PC (Q35 + ICH9, 2009)\n');
    const { findings, check } = await verdict();
    expect(findings).toMatchObject({ usable: true, flagsVisible: false, hypervisor: 'kvm' });
    expect(check.status).toBe('warn');
    expect(check.why).toMatch(/image runs its own KVM test/);
    expect(check.why).toMatch(/refuse KVM/);
    expect(check.why).toMatch(/software emulation \(KVM=N\), about 10x slower/);
    expect(check.why).toMatch(/only when you agree/);
    expect(check.fix?.text).toMatch(/host-passthrough/);
    expect(check.fix?.commands.at(-1)).toBe("grep -cwE 'vmx|svm' /proc/cpuinfo");
  });

  it('does not apply the x86 flag test to CPUs without a flags line (arm64)', async () => {
    await fake.write('/proc/cpuinfo', 'processor\t: 0\nFeatures\t: fp asimd\n\nprocessor\t: 1\nFeatures\t: fp asimd\n');
    const { findings, check } = await verdict();
    expect(findings).toMatchObject({ x86: false, flagsVisible: true });
    expect(check.status).toBe('ok');
  });
});

describe('parseCpuInfo', () => {
  it('reads the flags, the vendor and the processor count', () => {
    const info = parseCpuInfo(INTEL_CPUINFO);
    expect(info).toMatchObject({ x86: true, vendor: 'intel', processors: 2 });
    expect(info.flags.has('vmx')).toBe(true);
  });
});

describe('KVM for a rootless engine (its containers run as the user without the other groups)', () => {
  // /dev/kvm root:kvm(994) 0660, as Debian and Ubuntu make it; alice (uid 1000, group 1000) is in kvm.
  const inKvm = { gid: 1000, groups: [1000, 994], openReadWrite: async () => undefined, aclWriters: async () => [] };
  const reaches = async (extra: Parameters<FakeRoot['options']>[0]) => {
    const ctx = hostContext(fake.options({ ...inKvm, ...extra }));
    const findings = await findKvm(ctx);
    return {
      findings,
      rootless: kvmReaches(findings, { rootEngine: false, rootlessEngine: true }),
      root: kvmReaches(findings, { rootEngine: true, rootlessEngine: false }),
      check: kvmCheck(findings, ctx, false, true),
    };
  };

  it('a device the user opens only through its kvm group does not reach a rootless engine’s machines; the check says why and how', async () => {
    const { findings, rootless, root, check } = await reaches({});
    expect(findings).toMatchObject({ usable: true, groupOnly: true });
    expect([rootless, root]).toEqual([false, true]);
    expect(check.status).toBe('fail');
    expect(check.found).toContain('only through the group kvm');
    expect(check.found).toContain('/dev/kvm is unwriteable');
    expect(check.fix?.commands).toEqual([
      `echo 'KERNEL=="kvm", RUN+="/usr/bin/setfacl -m u:alice:rw /dev/kvm"' | sudo tee /etc/udev/rules.d/66-porthole-kvm.rules`,
      'sudo setfacl -m u:alice:rw /dev/kvm',
    ]);
  });

  it('reaches them when the user opens it without that group: an access-control list for the user, its owner, its primary group, or anyone', async () => {
    expect((await reaches({ aclWriters: async () => [1000] })).rootless).toBe(true);
    expect((await reaches({ aclWriters: async () => [1001] })).rootless).toBe(false);
    expect((await reaches({ gid: 994 })).rootless).toBe(true);
    await chmod(`${fake.root}/dev/kvm`, 0o666);
    expect((await reaches({})).findings.groupOnly).toBe(false);
    await chmod(`${fake.root}/dev/kvm`, 0o600);
    await chown(`${fake.root}/dev/kvm`, 1000, 994);
    expect((await reaches({})).rootless).toBe(true);
  });

  it('a device the user cannot open at all gets the same remedy (joining kvm would not help)', async () => {
    const { rootless, check } = await reaches({ openReadWrite: errno('EACCES') });
    expect(rootless).toBe(false);
    expect(check.fix?.commands.join('\n')).not.toContain('usermod');
    expect(check.fix?.commands).toContain('sudo setfacl -m u:alice:rw /dev/kvm');
  });

  it('a rootless Podman whose crun keeps the user’s groups passes group-only access on; one that does not is told how', async () => {
    const ctx = hostContext(fake.options(inKvm));
    const findings = await findKvm(ctx);
    expect(kvmReaches(findings, { rootEngine: false, rootlessEngine: true, groupsKept: true })).toBe(true);
    const kept = kvmCheck(findings, ctx, false, true, 'kept');
    expect(kept.status).not.toBe('fail');
    expect(kept.found).toContain('through the group kvm, which the containers of your rootless Podman keep');
    const notAsked = kvmCheck(findings, ctx, false, true, 'not-asked');
    expect(notAsked.status).toBe('fail');
    expect(notAsked.fix?.text).toContain(
      'add annotations = ["run.oci.keep_original_groups=1"] under [containers] in ~/.config/containers/containers.conf',
    );
    expect(notAsked.fix?.text).not.toContain('install crun');
    const runc = kvmCheck(findings, ctx, false, true, 'runtime-cannot');
    expect(runc.fix?.text).toContain(
      "its runtime here (runc) cannot, so install crun (Porthole then has it keep them in machines' containers)",
    );
    // A crun Podman knows: Porthole makes the machines' containers keep the group itself.
    expect(
      kvmReaches(findings, { rootEngine: false, rootlessEngine: true, groupsKept: groupsKept('porthole-keeps') }),
    ).toBe(true);
    const asked = kvmCheck(findings, ctx, false, true, 'porthole-keeps');
    expect(asked.status).not.toBe('fail');
    expect(asked.found).toContain(
      "through the group kvm, which Porthole has your rootless Podman keep in machines' containers",
    );
    // Rootless Docker has no such runtime option: the access-control list only.
    expect(kvmCheck(findings, ctx, false, true).fix?.text).not.toContain('annotations');
    // Kept groups do not help a user who cannot open the device at all.
    const denied = await findKvm(hostContext(fake.options({ ...inKvm, openReadWrite: errno('EACCES') })));
    expect(kvmCheck(denied, ctx, false, true, 'kept').status).toBe('fail');
    expect(kvmReaches(denied, { rootEngine: false, rootlessEngine: true, groupsKept: true })).toBe(false);
  });

  it('reads getfacl’s user entries, the mask applied', () => {
    expect(parseAclWriters('user::rw-\nuser:999:rw-\nuser:1000:r--\ngroup::rw-\nmask::rw-\nother::---\n')).toEqual([
      999,
    ]);
    expect(parseAclWriters('user::rw-\nuser:999:rw-\t#effective:r--\ngroup::rw-\nmask::r--\nother::---\n')).toEqual([]);
    expect(parseAclWriters('')).toEqual([]);
  });
});
