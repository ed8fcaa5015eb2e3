import { stat } from 'node:fs/promises';
import type { CheckResult } from '../../api';
import { errnoCode, type HostContext } from './context';
import { KEEP_GROUPS_ANNOTATION, type PodmanGroups } from './podman-groups';

const TITLE = 'KVM acceleration';
const WHY_KVM =
  'Windows runs in a virtual machine; with KVM it runs at near-native speed, without it in software emulation (about 10x slower).';
const EMULATION_NOTE =
  'Until then Windows can still run in software emulation (KVM=N, about 10x slower): Porthole offers that per machine and sets it only when you agree.';

export type CpuVendor = 'intel' | 'amd' | 'other';

/** What the KVM probe found, before any verdict. */
export interface KvmFindings {
  present: boolean;
  /** This user opened /dev/kvm read-write. */
  usable: boolean;
  /** errno of the failed open (EACCES, ENXIO, ...). */
  openError?: string;
  /** The group owning /dev/kvm (from root's /etc/group), usually kvm. */
  group: string;
  /** /dev/kvm's mode lets its group read and write it (0660): joining the group is then enough. */
  groupCanWrite: boolean;
  /**
   * This user opens /dev/kvm read-write only as a member of its group, one of the user's supplementary
   * groups: not as its owner, nor through the primary group, nor as anyone may. A rootless engine (Podman,
   * rootless Docker) starts its containers without the supplementary groups, so there the image finds
   * /dev/kvm unwriteable (exit 88) though the user can open it.
   */
  groupOnly: boolean;
  /** x86 CPUs: the flags line shows vmx or svm. Not x86 or unreadable: true (the image's flag test is an x86 one). */
  flagsVisible: boolean;
  x86: boolean;
  vendor: CpuVendor;
  /** kvm plus kvm_intel/kvm_amd are loaded or built in; null when the system does not say. */
  modulesLoaded: boolean | null;
  /** The hypervisor this computer runs under, or null on bare metal. */
  hypervisor: string | null;
}

export interface CpuInfo {
  flags: Set<string>;
  /** A flags line exists (x86). */
  x86: boolean;
  vendor: CpuVendor;
  processors: number;
}

export function parseCpuInfo(text: string): CpuInfo {
  let flagsLine: string | undefined;
  let vendorId = '';
  let processors = 0;
  for (const line of text.split('\n')) {
    const [rawKey, ...rest] = line.split(':');
    const key = rawKey?.trim();
    const value = rest.join(':').trim();
    if (key === 'processor') processors += 1;
    else if (key === 'flags' && flagsLine === undefined) flagsLine = value;
    else if (key === 'vendor_id' && !vendorId) vendorId = value;
  }
  const vendor: CpuVendor =
    vendorId === 'GenuineIntel'
      ? 'intel'
      : vendorId === 'AuthenticAMD' || vendorId === 'HygonGenuine'
        ? 'amd'
        : 'other';
  return {
    flags: new Set((flagsLine ?? '').split(/\s+/).filter(Boolean)),
    x86: flagsLine !== undefined,
    vendor,
    processors,
  };
}

/** DMI vendor/product strings of common hypervisors, mapped to systemd-detect-virt's names. */
function hypervisorFromDmi(vendor: string, product: string): string | null {
  const v = vendor.toLowerCase();
  const p = product.toLowerCase();
  if (p.includes('kvm') || v.includes('qemu') || p.includes('qemu')) return 'kvm';
  if (v.includes('vmware')) return 'vmware';
  if (v.includes('innotek') || p.includes('virtualbox')) return 'oracle';
  if (v.includes('microsoft') && p.includes('virtual machine')) return 'microsoft';
  if (v.includes('xen') || p.includes('hvm domu')) return 'xen';
  if (v.includes('parallels')) return 'parallels';
  if (v.includes('amazon ec2')) return 'amazon';
  if (v === 'google' || p.includes('google compute engine')) return 'google';
  return null;
}

export async function findKvm(ctx: HostContext): Promise<KvmFindings> {
  const device = ctx.at('/dev/kvm');
  const [cpuText, modulesText, dmiVendor, dmiProduct, detected, groupText, deviceStat] = await Promise.all([
    ctx.readText('/proc/cpuinfo'),
    ctx.readText('/proc/modules'),
    ctx.readText('/sys/class/dmi/id/sys_vendor'),
    ctx.readText('/sys/class/dmi/id/product_name'),
    ctx.detectVirt().catch(() => null),
    ctx.readText('/etc/group'),
    stat(device).catch(() => null),
  ]);
  const cpu = parseCpuInfo(cpuText ?? '');

  let usable = false;
  let groupOnly = false;
  let openError: string | undefined;
  if (deviceStat) {
    try {
      await ctx.openReadWrite(device);
      usable = true;
      // An access-control list naming this user keeps reaching the device without the groups.
      groupOnly = reachedThroughGroupOnly(deviceStat, ctx) && !((await ctx.aclWriters(device)) ?? []).includes(ctx.uid);
    } catch (err) {
      openError = errnoCode(err) ?? (err instanceof Error ? err.message : String(err));
    }
  }

  const vendorModule = cpu.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel';
  let modulesLoaded: boolean | null = null;
  if (modulesText !== null) {
    const loaded = new Set(modulesText.split('\n').map((line) => line.split(' ')[0]));
    modulesLoaded = loaded.has('kvm') && (loaded.has('kvm_intel') || loaded.has('kvm_amd') || !cpu.x86);
  }
  if (modulesLoaded !== true && (await ctx.exists(`/sys/module/${cpu.x86 ? vendorModule : 'kvm'}`)))
    modulesLoaded = true;

  const hypervisor =
    detected ??
    hypervisorFromDmi(dmiVendor?.trim() ?? '', dmiProduct?.trim() ?? '') ??
    (cpu.flags.has('hypervisor') ? 'a hypervisor' : null);

  return {
    present: deviceStat !== null,
    usable,
    ...(openError !== undefined ? { openError } : {}),
    group: deviceStat ? (groupName(groupText, deviceStat.gid) ?? String(deviceStat.gid)) : 'kvm',
    groupCanWrite: deviceStat ? (deviceStat.mode & 0o060) === 0o060 : true,
    groupOnly,
    flagsVisible: cpuText === null || !cpu.x86 || cpu.flags.has('vmx') || cpu.flags.has('svm'),
    x86: cpu.x86,
    vendor: cpu.vendor,
    modulesLoaded,
    hypervisor,
  };
}

/**
 * The permission bits a rootless container keeps: its processes run as the user (uid and primary gid),
 * without the user's other groups. Read-write for the owner, the primary group or anyone is kept; one
 * through a supplementary group only is not.
 */
function reachedThroughGroupOnly(device: { uid: number; gid: number; mode: number }, ctx: HostContext): boolean {
  if (ctx.uid === 0) return false;
  const rw = (bits: number): boolean => (device.mode & bits) === bits;
  if ((device.uid === ctx.uid && rw(0o600)) || rw(0o006) || (device.gid === ctx.gid && rw(0o060))) return false;
  return rw(0o060) && ctx.groups.includes(device.gid);
}

function groupName(groupText: string | null, gid: number): string | undefined {
  for (const line of (groupText ?? '').split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && Number(id) === gid) return name;
  }
  return undefined;
}

const HYPERVISOR_NAMES: Record<string, string> = {
  kvm: 'KVM/QEMU',
  qemu: 'QEMU',
  vmware: 'VMware',
  oracle: 'VirtualBox',
  microsoft: 'Hyper-V',
  xen: 'Xen',
  parallels: 'Parallels',
  amazon: 'Amazon EC2',
  google: 'Google Compute Engine',
};

function hypervisorName(hypervisor: string): string {
  return HYPERVISOR_NAMES[hypervisor] ?? hypervisor;
}

/** How to expose VT-x/AMD-V to this VM, said for the hypervisor it runs under. Commands run on the hypervisor's host. */
export function nestedVirtualizationHint(hypervisor: string): { text: string; commands: string[] } {
  switch (hypervisor) {
    case 'kvm':
    case 'qemu':
      return {
        text:
          'On the computer that runs this VM: enable nested virtualization in its kvm_intel/kvm_amd module (nested=1) and give the VM the host CPU model ' +
          '(libvirt: <cpu mode=\'host-passthrough\'/>; Proxmox: CPU type "host"; QEMU: -cpu host), then restart the VM.',
        commands: [
          '# on the VM host:',
          'cat /sys/module/kvm_intel/parameters/nested /sys/module/kvm_amd/parameters/nested',
        ],
      };
    case 'oracle':
      return {
        text: 'Power off this VM, turn on "Nested VT-x/AMD-V" for it in VirtualBox, and start it again.',
        commands: [
          '# on the VirtualBox host, with the VM powered off:',
          'VBoxManage modifyvm "<vm name>" --nested-hw-virt on',
        ],
      };
    case 'microsoft':
      return {
        text: 'Power off this VM and expose the virtualization extensions to it from Hyper-V (PowerShell as administrator on the Windows host).',
        commands: [
          '# PowerShell on the Hyper-V host, with the VM off:',
          'Set-VMProcessor -VMName "<vm name>" -ExposeVirtualizationExtensions $true',
        ],
      };
    case 'vmware':
      return {
        text: 'Power off this VM and tick "Virtualize Intel VT-x/EPT or AMD-V/RVI" in its processor settings (vhv.enable = "TRUE" in the .vmx file).',
        commands: [],
      };
    case 'amazon':
    case 'google':
      return {
        text: `This is a cloud VM (${hypervisorName(hypervisor)}): use an instance type that offers nested virtualization, or a bare-metal instance.`,
        commands: [],
      };
    default:
      return {
        text: `This computer is a virtual machine (${hypervisorName(hypervisor)}): enable nested virtualization for it in the hypervisor's settings.`,
        commands: [],
      };
  }
}

/**
 * The kvm check's verdict. `rootEngine`: a root engine passes the device to machines even when this user
 * cannot open it. `rootlessEngine`: the engine runs as this user and its containers lose the user's
 * supplementary groups, so the device must be open to the user without them.
 */
export function kvmCheck(
  f: KvmFindings,
  ctx: HostContext,
  rootEngine = false,
  rootlessEngine = false,
  groups?: PodmanGroups,
): CheckResult {
  const kept = f.usable && (groups === 'kept' || groups === 'porthole-keeps');
  if (rootlessEngine && f.present && !kept && (f.groupOnly || isPermissionError(f.openError)))
    return rootlessKvmCheck(f, ctx, groups);
  if (f.present && (f.usable || (rootEngine && isPermissionError(f.openError))))
    return usableKvmCheck(f, ctx, rootlessEngine && kept && f.groupOnly ? { group: f.group, how: groups } : undefined);
  if (f.present) return unopenedKvmCheck(f, ctx);
  return missingKvmCheck(f, ctx);
}

/** The module to load for this CPU, as a command. */
function modprobeCommand(f: KvmFindings, ctx: HostContext): string {
  const vendorModule = f.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel';
  return f.x86 ? `${ctx.sudo}modprobe ${vendorModule}` : `${ctx.sudo}modprobe kvm`;
}

/** How a rootless Podman comes to keep the user's groups in its containers (crun's keep-groups, set in containers.conf). */
function keepGroupsAdvice(groups: PodmanGroups): string {
  // A Podman with crun needs nothing more: Porthole asks crun itself (kvmCheck passes it on).
  const annotate = `add annotations = ["${KEEP_GROUPS_ANNOTATION}"] under [containers] in ~/.config/containers/containers.conf (every container of yours then keeps your groups)`;
  if (groups === 'runtime-cannot')
    return `Or have Podman keep your groups in its containers: its runtime here (runc) cannot, so install crun (Porthole then has it keep them in machines' containers), then restart Podman and Porthole; or set runtime = "crun" under [engine] and ${annotate}.`;
  return `Or have Podman keep your groups in its containers (its runtime, crun, can): ${annotate}, then restart Podman and Porthole.`;
}

function whereSaid(f: KvmFindings): string {
  return f.hypervisor ? ` This computer is itself a virtual machine under ${hypervisorName(f.hypervisor)}.` : '';
}

/** A rootless engine: its containers keep neither the user's supplementary groups nor access the user lacks. */
function rootlessKvmCheck(f: KvmFindings, ctx: HostContext, groups: PodmanGroups | undefined): CheckResult {
  const found = f.usable
    ? `/dev/kvm opens read-write for user ${ctx.user} only through the group ${f.group}, and your container engine runs rootless: its containers do not keep that group, so machines cannot use KVM (the image stops with “/dev/kvm is unwriteable”).`
    : `/dev/kvm exists but user ${ctx.user} cannot open it read-write (${f.openError}), and your container engine runs as you (rootless), so machines cannot use it.`;
  return {
    id: 'kvm',
    title: TITLE,
    status: 'fail',
    found,
    why: `${WHY_KVM} A rootless container engine (Podman, rootless Docker) runs machines as you, without your other groups: /dev/kvm must be open to you without them.`,
    fix: {
      text:
        `Give your own account access to /dev/kvm (an access-control list for user ${ctx.user}, which the container keeps; the rule sets it again at every boot), then restart Porthole. ` +
        `${f.usable && groups ? `${keepGroupsAdvice(groups)} ` : ''}Or use a container engine that runs as root. ${EMULATION_NOTE}`,
      commands: [
        `echo 'KERNEL=="kvm", RUN+="/usr/bin/setfacl -m u:${ctx.user}:rw /dev/kvm"' | ${ctx.sudo}tee /etc/udev/rules.d/66-porthole-kvm.rules`,
        `${ctx.sudo}setfacl -m u:${ctx.user}:rw /dev/kvm`,
      ],
    },
  };
}

/** The device reaches machines (this user opens it, or a root engine passes it): the CPU flags decide the rest. */
function usableKvmCheck(
  f: KvmFindings,
  ctx: HostContext,
  keptGroup?: { group: string; how: PodmanGroups | undefined },
): CheckResult {
  const flagName = f.vendor === 'amd' ? 'svm (AMD-V)' : f.vendor === 'intel' ? 'vmx (Intel VT-x)' : 'vmx/svm';
  const where = whereSaid(f);
  const opened = keptGroup
    ? keptGroup.how === 'porthole-keeps'
      ? `/dev/kvm opens read-write through the group ${keptGroup.group}, which Porthole has your rootless Podman keep in machines' containers (crun, ${KEEP_GROUPS_ANNOTATION})`
      : `/dev/kvm opens read-write through the group ${keptGroup.group}, which the containers of your rootless Podman keep (crun, ${KEEP_GROUPS_ANNOTATION})`
    : f.usable
      ? '/dev/kvm opens read-write'
      : `/dev/kvm exists and your container engine runs as root, so it can pass the device to machines (user ${ctx.user} cannot open it: ${f.openError})`;
  if (f.flagsVisible) {
    return {
      id: 'kvm',
      title: TITLE,
      status: 'ok',
      found: `${opened}${f.x86 ? `; the CPU shows ${flagName}` : ''}.`,
      why: WHY_KVM,
    };
  }
  const hint = f.hypervisor
    ? nestedVirtualizationHint(f.hypervisor)
    : { text: 'Enable CPU virtualization (Intel VT-x or AMD-V/SVM) in the BIOS/UEFI setup.', commands: [] };
  return {
    id: 'kvm',
    title: TITLE,
    status: 'warn',
    found: `${opened}, but /proc/cpuinfo shows neither vmx nor svm.${where || ' The CPU hides its virtualization flags.'}`,
    why:
      'The Windows image runs its own KVM test, which also requires vmx or svm in /proc/cpuinfo. On this host it will refuse KVM ' +
      '(exit code 88, "not enabled in BIOS"), so Windows will run in software emulation (KVM=N), about 10x slower, unless the ' +
      'hypervisor exposes those flags. Porthole sets KVM=N for a machine only when you agree.',
    fix: {
      text: `To get full speed, make the flags visible to this computer. ${hint.text} Then this should print a number above 0:`,
      commands: [
        ...hint.commands,
        ...(hint.commands.length ? ['# then, in this computer:'] : []),
        "grep -cwE 'vmx|svm' /proc/cpuinfo",
      ],
    },
  };
}

/** The device is there but this user cannot open it: permissions, or a driver that is not ready. */
function unopenedKvmCheck(f: KvmFindings, ctx: HostContext): CheckResult {
  const modprobe = modprobeCommand(f, ctx);
  if (f.present && isPermissionError(f.openError) && (isPrivilegedGroup(f.group) || !f.groupCanWrite)) {
    const who = f.groupCanWrite
      ? `only the group ${f.group} may, and that group grants far more than KVM`
      : 'only its owner may (its group has no access)';
    return {
      id: 'kvm',
      title: TITLE,
      status: 'fail',
      found: `/dev/kvm exists but user ${ctx.user} cannot open it read-write (${f.openError}); ${who}.`,
      why: `${WHY_KVM} A container engine that runs as you (rootless Docker, Podman) can only pass /dev/kvm to a machine if you may open it.`,
      fix: {
        text:
          `${isPrivilegedGroup(f.group) ? `Do not join ${f.group}. ` : ''}Give /dev/kvm a group of its own, kvm, as most distributions do (mode 0660), then join kvm and log out and back in ` +
          `(or restart the computer); restart Porthole after that. ${EMULATION_NOTE}`,
        commands: [
          `getent group kvm || ${ctx.sudo}groupadd --system kvm`,
          `echo 'KERNEL=="kvm", GROUP="kvm", MODE="0660"' | ${ctx.sudo}tee /etc/udev/rules.d/65-kvm.rules`,
          `${ctx.sudo}udevadm control --reload && ${ctx.sudo}udevadm trigger /dev/kvm`,
          `${ctx.sudo}usermod -aG kvm ${ctx.user}`,
        ],
      },
    };
  }

  if (f.present && isPermissionError(f.openError)) {
    return {
      id: 'kvm',
      title: TITLE,
      status: 'fail',
      found: `/dev/kvm exists but user ${ctx.user} cannot open it read-write (${f.openError}); it belongs to the group ${f.group}.`,
      why: `${WHY_KVM} A container engine that runs as you (rootless Docker, Podman) can only pass /dev/kvm to a machine if you may open it.`,
      fix: {
        text: `Add yourself to the ${f.group} group, then log out and back in (or restart the computer) so the new group applies; restart Porthole after that. ${EMULATION_NOTE}`,
        commands: [`${ctx.sudo}usermod -aG ${f.group} ${ctx.user}`],
      },
    };
  }

  // Not a permission: the driver.
  return {
    id: 'kvm',
    title: TITLE,
    status: 'fail',
    found: `/dev/kvm exists but cannot be opened (${f.openError ?? 'unknown error'}): the kernel's KVM driver is not ready.`,
    why: WHY_KVM,
    fix: {
      text: `Load the KVM module. If it refuses ("Operation not supported"), enable CPU virtualization (Intel VT-x or AMD-V/SVM) in the BIOS/UEFI setup. ${EMULATION_NOTE}`,
      commands: [modprobe],
    },
  };
}

/** No /dev/kvm at all. */
function missingKvmCheck(f: KvmFindings, ctx: HostContext): CheckResult {
  const vendorModule = f.vendor === 'amd' ? 'kvm_amd' : 'kvm_intel';
  const modprobe = modprobeCommand(f, ctx);
  const where = whereSaid(f);
  // No device at all.
  if (f.hypervisor) {
    const hint = nestedVirtualizationHint(f.hypervisor);
    return {
      id: 'kvm',
      title: TITLE,
      status: 'fail',
      found: `/dev/kvm is missing.${where} Its hypervisor does not offer nested virtualization to it.`,
      why: WHY_KVM,
      fix: {
        text: `Enable nested virtualization. ${hint.text} Then load the module in this VM. ${EMULATION_NOTE}`,
        commands: [...hint.commands, ...(hint.commands.length ? ['# then, in this computer:'] : []), modprobe],
      },
    };
  }
  if (f.x86 && !f.flagsVisible) {
    return {
      id: 'kvm',
      title: TITLE,
      status: 'fail',
      found:
        '/dev/kvm is missing and the CPU shows neither vmx nor svm: CPU virtualization is off in the BIOS/UEFI, or the CPU lacks it.',
      why: WHY_KVM,
      fix: {
        text: `Restart into the BIOS/UEFI setup, enable "Intel Virtualization Technology (VT-x)" or "SVM Mode" (AMD-V), save, boot, then load the module. ${EMULATION_NOTE}`,
        commands: [modprobe],
      },
    };
  }
  if (f.modulesLoaded === false) {
    return {
      id: 'kvm',
      title: TITLE,
      status: 'fail',
      found: `/dev/kvm is missing: the kvm${f.x86 ? ` and ${vendorModule}` : ''} kernel modules are not loaded.`,
      why: WHY_KVM,
      fix: {
        text: `Load the module (and have it load at boot). If it refuses ("Operation not supported"), enable CPU virtualization in the BIOS/UEFI setup. ${EMULATION_NOTE}`,
        commands: [modprobe, `echo ${f.x86 ? vendorModule : 'kvm'} | ${ctx.sudo}tee /etc/modules-load.d/kvm.conf`],
      },
    };
  }
  return {
    id: 'kvm',
    title: TITLE,
    status: 'fail',
    found: '/dev/kvm is missing although the CPU supports virtualization.',
    why: WHY_KVM,
    fix: {
      text:
        'Load the KVM module. If Porthole itself runs in a sandbox or container (Flatpak, Snap, toolbox), give it the /dev/kvm device. ' +
        EMULATION_NOTE,
      commands: [modprobe],
    },
  };
}

/**
 * Groups whose members can do far more than use KVM (read any disk, the shadow file, the logs, or be root
 * outright): Porthole never advises joining one, whatever /dev/kvm belongs to.
 */
const PRIVILEGED_GROUPS = new Set([
  'root',
  'wheel',
  'sudo',
  'admin',
  'adm',
  'shadow',
  'disk',
  'sys',
  'kmem',
  'mem',
  'docker',
  'lxd',
  'systemd-journal',
  'tty',
]);

export function isPrivilegedGroup(group: string): boolean {
  // A bare number: the group has no name on this computer, so nothing says what else it grants.
  return PRIVILEGED_GROUPS.has(group) || /^\d+$/.test(group);
}

function isPermissionError(code: string | undefined): boolean {
  return code === 'EACCES' || code === 'EPERM';
}
