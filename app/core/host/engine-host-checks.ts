import type { CheckResult } from '../../api';
import { DEFAULT_IMAGE } from '../../api';
import { EngineClient } from '../engine/client';
import { targetFromEndpoint } from '../engine/target';
import type { HostContext } from './context';
import type { EngineEndpoint } from './engine-candidates';
import { probeEngineHost, type EngineHostProbe } from './engine-host-probe';
import { kvmCheck } from './kvm';
import { diskCheck, type DiskSpace } from './resources';

/** A probe's answer is kept this long: the host watcher re-checks on every local device change, the far computer's KVM does not change with them. */
const CACHE_MS = 60_000;
const cache = new Map<string, { at: number; probe: Promise<EngineHostProbe> }>();

export type ProbeEngineHost = (
  endpoint: EngineEndpoint,
  storageDir: string,
  images: string[],
) => Promise<EngineHostProbe>;

export function engineHostName(endpoint: Pick<EngineEndpoint, 'ssh' | 'host'>): string {
  return endpoint.ssh?.host ?? endpoint.host ?? 'the engine computer';
}

/** The real probe, one short-lived container on the engine, remembered for a minute per engine and folder. */
export const probeOverEngine: ProbeEngineHost = (endpoint, storageDir, images) => {
  const key = `${endpoint.label}\n${storageDir}\n${images.join(',')}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.probe;
  const client = new EngineClient(targetFromEndpoint(endpoint));
  const probe = probeEngineHost(client.docker, { images, storageDir, host: engineHostName(endpoint) });
  cache.set(key, { at: Date.now(), probe });
  probe.catch(() => cache.delete(key));
  return probe;
};

/** The images the probe may run in: the ones machines use, then the default one. */
export function probeImages(env: NodeJS.ProcessEnv, machineImages: string[] = []): string[] {
  return [...new Set([...machineImages, env.PORTHOLE_DEFAULT_IMAGE?.trim() || DEFAULT_IMAGE])];
}

/**
 * The KVM and disk items for a remote engine, from the probe on its computer. KVM's verdict is the
 * same reading as for this computer's, said for the engine's computer: its fixes run there.
 */
export function engineHostChecks(
  probe: EngineHostProbe,
  ctx: HostContext,
  rootEngine: boolean,
  storageDir: string,
): { kvm: CheckResult; disk: CheckResult } {
  const on = `On ${probe.host} (the engine's computer, checked in a short-lived container of ${probe.image})`;
  const kvm = kvmCheck(probe.kvm, { ...ctx, sudo: 'sudo ', user: '<user>' }, rootEngine);
  const disk = diskCheck(
    {
      storageDir,
      measuredAt: probe.measuredAt,
      freeBytes: probe.freeBytes,
      ...(probe.freeBytes === null ? { error: 'df gave no number' } : {}),
    },
    ctx.minDiskBytes,
  );
  return {
    kvm: {
      ...kvm,
      found: `${on}: ${kvm.found.replace(/This computer is itself/g, 'That computer is itself')}`,
      ...(kvm.fix
        ? { fix: { text: `On ${probe.host}: ${kvm.fix.text}`, commands: [`# on ${probe.host}:`, ...kvm.fix.commands] } }
        : {}),
    },
    disk: {
      ...disk,
      found: `On ${probe.host}: ${disk.found}`,
      ...(disk.fix
        ? {
            fix: {
              text: `On ${probe.host}: ${disk.fix.text}`,
              commands: [`# on ${probe.host}:`, ...disk.fix.commands],
            },
          }
        : {}),
    },
  };
}

/** Free space for a storage folder on a remote engine's computer (the wizard's hint), by the same probe. */
export async function remoteDiskSpace(
  docker: EngineClient['docker'],
  storageDir: string,
  host: string,
  images: string[],
): Promise<DiskSpace> {
  const probe = await probeEngineHost(docker, { images, storageDir, host });
  return { storageDir, measuredAt: probe.measuredAt, freeBytes: probe.freeBytes };
}
