/**
 * Whether machines can use KVM here, and the refusal of turning software emulation off where they cannot:
 * one rule for the settings page (which refuses it as it is chosen) and the backend (updateMachine, so
 * `porthole set --kvm` and the web host too), which would otherwise save a machine whose next start fails
 * with the image's exit 88. Shared with the renderer: no Node imports.
 */
import type { HostFacts } from './host';

/** What the host check says about KVM for machines, as creationDefaults hands it to the forms. */
export interface KvmHost {
  /** KVM reaches the container and the image's own test will pass. */
  kvmForMachines: boolean;
  /** /dev/kvm works but the CPU hides vmx/svm (a nested VM): the image refuses KVM. */
  kvmNested: boolean;
}

/** The host check's facts read as KvmHost (creationDefaults gives the forms the same). */
export function kvmHostOf(facts: HostFacts): KvmHost {
  return {
    kvmForMachines: facts.kvmForMachines ?? facts.kvmUsable,
    kvmNested: facts.kvmUsable && !facts.kvmFlagsVisible,
  };
}

/** True when KVM=Y would fail here: no usable KVM for containers, or a nested CPU that hides vmx/svm. */
export function needsSoftwareEmulation(host: KvmHost): boolean {
  return host.kvmNested || !host.kvmForMachines;
}

/** Why turning software emulation off (KVM on) is refused here, with what to do; null where KVM works. */
export function kvmOnRefusal(host: KvmHost): { message: string; remedy: string } | null {
  if (!needsSoftwareEmulation(host)) return null;
  const reason = host.kvmNested
    ? 'its processor hides vmx and svm, the virtualization flags the Windows image tests for, as a nested virtual machine does'
    : '/dev/kvm is missing, or the machines’ containers cannot open it';
  return {
    message: `Hardware acceleration (KVM) cannot be used by machines on this computer (${reason}): without software emulation the machine would fail to start.`,
    remedy:
      'Keep software emulation, or fix KVM first (“Check this computer” in the app, or porthole check, says how).',
  };
}
