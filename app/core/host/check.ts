import type { CheckResult, HostFacts, HostReport } from '../../api';
import { hostContext, type HostCheckOptions, type HostContext } from './context';
import { readDistro } from './distro';
import { engineCheck } from './engine';
import { engineFact, installedEngines, probeEngines, selectEngine } from './engine-probe';
import { engineHostChecks, probeImages, probeOverEngine, type ProbeEngineHost } from './engine-host-checks';
import { findKvm, kvmCheck, type KvmFindings } from './kvm';
import { passwordsCheck } from './passwords';
import { podmanGroups, type PodmanGroups } from './podman-groups';
import { trayHelperCheck } from './helpers';
import { appImageSandboxCheck, readAppImageSandbox } from './sandbox';
import { cpuCheck, diskCheck, memoryCheck, readCpuThreads, readDiskSpace, readMemory, tunCheck } from './resources';

/** checkHost's own options; the context (context.ts) stays below the checks that use it. */
export interface CheckHostOptions extends HostCheckOptions {
  /** Checks a remote engine's computer (engine-host-checks.ts); false: not at all (this computer's facts only). */
  probeEngineHost?: ProbeEngineHost | false;
}

/**
 * Runs every readiness probe at once. `ready` is true when nothing fails; warnings never block.
 * Never throws: a probe that breaks unexpectedly becomes a warning saying so.
 */
export async function checkHost(options: CheckHostOptions = {}): Promise<HostReport> {
  const ctx = hostContext(options);
  const [kvm, engine, memory, threads, disk, tun, usbBus, passwords, sandbox, trayHelper] = await Promise.all([
    guard(findKvm(ctx)),
    guard(findEngine(ctx)),
    guard(readMemory(ctx)),
    guard(readCpuThreads(ctx)),
    guard(readDiskSpace(ctx)),
    ctx.exists('/dev/net/tun'),
    ctx.exists('/dev/bus/usb'),
    guard(ctx.passwords()),
    guard(readAppImageSandbox(ctx)),
    guard(trayHelperCheck(ctx)),
  ]);

  const fact = engine.ok ? engineFact(engine.value.probes) : null;
  const rootEngine = fact !== null && !fact.rootless && !fact.desktop;
  const rootlessEngine = fact?.rootless === true && !remote(fact);
  const endpoint = engine.ok ? selectEngine(engine.value.probes)?.endpoint : undefined;
  // A rootless Podman whose runtime (crun) is told to keep the user's groups passes group-only access on.
  const groups =
    rootlessEngine && fact?.kind === 'podman'
      ? await podmanGroups(ctx, endpoint?.ociRuntime, endpoint?.crunPath)
      : undefined;

  const isRemote = remote(fact);
  // A remote engine's machines use its computer's /dev/kvm and disks: checked there, in a short-lived container.
  const probe =
    isRemote && endpoint && options.probeEngineHost !== false
      ? await guard(
          (options.probeEngineHost ?? probeOverEngine)(
            endpoint,
            ctx.storageDir,
            probeImages(ctx.env, options.probeImages?.()),
          ),
        )
      : undefined;
  const there = probe?.ok ? engineHostChecks(probe.value, ctx, rootEngine, ctx.storageDir) : undefined;
  const kvmResult = kvm.ok
    ? kvmCheck(kvm.value, ctx, rootEngine, rootlessEngine, groups)
    : broken('kvm', 'KVM acceleration', kvm.error);
  const checks: CheckResult[] = [
    there
      ? there.kvm
      : isRemote && fact
        ? remoteKvm(kvmResult, fact.endpoint, probe && !probe.ok ? probe.error : undefined)
        : kvmResult,
    engine.ok ? engineCheck(engine.value, ctx) : broken('engine', 'Container engine', engine.error),
    memory.ok ? memoryCheck(memory.value) : broken('memory', 'Memory', memory.error),
    threads.ok ? cpuCheck(threads.value) : broken('cpu', 'Processor', threads.error),
    there ? there.disk : disk.ok ? diskCheck(disk.value, ctx.minDiskBytes) : broken('disk', 'Disk space', disk.error),
    tunCheck(tun, ctx.sudo),
    passwords.ok ? passwordsCheck(passwords.value, ctx.sudo) : broken('passwords', 'Passwords', passwords.error),
    trayHelper.ok ? trayHelper.value : broken('tray-helper', 'Tray helper (gdbus)', trayHelper.error),
  ];
  // Only when running as an AppImage (the deb and rpm's setuid sandbox helper needs no user namespaces).
  const sandboxResult = sandbox.ok ? appImageSandboxCheck(sandbox.value, ctx.sudo) : null;
  if (sandboxResult) checks.push(sandboxResult);

  const k: KvmFindings | undefined = probe?.ok ? probe.value.kvm : kvm.ok ? kvm.value : undefined;
  const kvmReachesMachines =
    k !== undefined &&
    kvmReaches(k, { rootEngine, rootlessEngine: rootlessEngine && !probe?.ok, groupsKept: groupsKept(groups) });
  const facts: HostFacts = {
    ramTotalBytes: memory.ok ? memory.value.totalBytes : 0,
    ramAvailableBytes: memory.ok ? memory.value.availableBytes : 0,
    cpuThreads: threads.ok ? threads.value : 0,
    freeDiskBytes: probe?.ok ? probe.value.freeBytes : disk.ok ? disk.value.freeBytes : null,
    kvmUsable: k?.usable ?? false,
    kvmFlagsVisible: k?.flagsVisible ?? false,
    kvmPresent: k?.present ?? false,
    kvmForMachines: kvmReachesMachines && (k?.flagsVisible ?? false) && !fact?.desktop,
    // Machines' containers are then made through Podman's own API, on crun told to keep the groups.
    ...(rootlessEngine && !probe?.ok && k?.groupOnly === true && groups === 'porthole-keeps'
      ? { kvmKeepGroups: true }
      : {}),
    tunAvailable: tun,
    usbBusAvailable: usbBus,
    engine: fact,
    kvmCheckedOn: probe?.ok ? 'engine-host' : 'this-computer',
    ...(probe?.ok ? { engineHost: probe.value.host } : {}),
  };
  return { checkedAt: new Date().toISOString(), ready: checks.every((c) => c.status !== 'fail'), checks, facts };
}

function remote(fact: HostFacts['engine']): boolean {
  return fact?.flavor?.startsWith('remote-') ?? false;
}

/**
 * Whether the image will find /dev/kvm writable in a machine's container (its own test writes to it).
 * A root engine passes the device whatever this user may do; a rootless one runs the container as the
 * user without the supplementary groups, so access through one of those does not reach it, unless its
 * runtime is told to keep them (`groupsKept`: crun with Podman's keep-groups annotation, podman-groups.ts).
 */
export function kvmReaches(
  k: KvmFindings,
  engine: { rootEngine: boolean; rootlessEngine: boolean; groupsKept?: boolean },
): boolean {
  if (!k.present) return false;
  if (engine.rootEngine && (k.usable || k.openError === 'EACCES' || k.openError === 'EPERM')) return true;
  return k.usable && !(engine.rootlessEngine && k.groupOnly && engine.groupsKept !== true);
}

/** The rootless Podman's containers keep the user's groups: its own setting, or Porthole asks crun for machines. */
export function groupsKept(groups: PodmanGroups | undefined): boolean {
  return groups === 'kept' || groups === 'porthole-keeps';
}

async function findEngine(ctx: HostContext) {
  const [probes, distro, installed] = await Promise.all([probeEngines(ctx), readDistro(ctx), installedEngines(ctx)]);
  return { probes, distro, installed };
}

/**
 * With a remote engine, machines run on the engine's computer: this computer's /dev/kvm says nothing
 * about theirs. Never a pass, and never a failure either (this computer may rightly have no KVM).
 */
function remoteKvm(local: CheckResult, endpoint: string, probeError?: string): CheckResult {
  // This computer's fix (modprobe, groups) would not help the engine's computer.
  const { fix: _localFix, ...rest } = local;
  return {
    ...rest,
    status: 'warn',
    found:
      `The engine (${endpoint}) runs machines on another computer; Porthole checked KVM on this computer only, ` +
      `not on the engine's${probeError ? ` (its check there did not run: ${probeError})` : ''}. What it found here: ${local.found}`,
  };
}

type Guarded<T> = { ok: true; value: T } | { ok: false; error: string };

async function guard<T>(work: Promise<T>): Promise<Guarded<T>> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function broken(id: string, title: string, error: string): CheckResult {
  return {
    id,
    title,
    status: 'warn',
    found: `Porthole could not run this check: ${error}`,
    why: 'This is a bug in Porthole; the other checks still apply.',
  };
}
