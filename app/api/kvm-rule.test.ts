import { describe, expect, it } from 'vitest';
import type { HostFacts } from './host';
import { kvmHostOf, kvmOnRefusal, needsSoftwareEmulation } from './kvm-rule';

const facts = (kvm: Partial<HostFacts>): HostFacts => ({
  ramTotalBytes: 8 * 1024 ** 3,
  ramAvailableBytes: 4 * 1024 ** 3,
  cpuThreads: 4,
  freeDiskBytes: null,
  kvmUsable: true,
  kvmFlagsVisible: true,
  ...kvm,
});

describe('the KVM rule the settings page and the backend share', () => {
  it('lets KVM be turned on where machines can use it', () => {
    const host = kvmHostOf(facts({ kvmForMachines: true }));
    expect(host).toEqual({ kvmForMachines: true, kvmNested: false });
    expect(needsSoftwareEmulation(host)).toBe(false);
    expect(kvmOnRefusal(host)).toBeNull();
  });

  it('refuses it on a nested host whose processor hides vmx/svm, saying so and what to do', () => {
    const host = kvmHostOf(facts({ kvmFlagsVisible: false, kvmForMachines: false }));
    expect(host).toEqual({ kvmForMachines: false, kvmNested: true });
    expect(kvmOnRefusal(host)).toEqual({
      message:
        'Hardware acceleration (KVM) cannot be used by machines on this computer (its processor hides vmx and svm, the virtualization flags the Windows image tests for, as a nested virtual machine does): without software emulation the machine would fail to start.',
      remedy:
        'Keep software emulation, or fix KVM first (“Check this computer” in the app, or porthole check, says how).',
    });
  });

  it('refuses it where /dev/kvm does not reach the machines, and reads an older report without kvmForMachines', () => {
    const host = kvmHostOf(facts({ kvmForMachines: false }));
    expect(kvmOnRefusal(host)?.message).toContain(
      ' (/dev/kvm is missing, or the machines’ containers cannot open it): ',
    );
    expect(needsSoftwareEmulation(kvmHostOf(facts({ kvmUsable: false, kvmFlagsVisible: false })))).toBe(true);
    expect(needsSoftwareEmulation(kvmHostOf(facts({})))).toBe(false);
  });
});
