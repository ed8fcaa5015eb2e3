import type Docker from 'dockerode';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_VERSION,
  machineIdSchema,
  PortholeError,
  uniqueName,
  versionName,
  versionRequirements,
  type HostPorts,
  type MachineDraft,
} from '../../api';
import { isDockurImage, settingsFromContainer } from '../machine/dockur-settings';
import { DEFAULT_SCREEN, FALLBACK_USERNAME, DEFAULT_PASSWORD } from '../machine/defaults';
import {
  INSTANCE_LABEL,
  MACHINE_LABEL,
  ownsContainer,
  shortInstance,
  storageSourceOf,
  STORAGE_TARGET,
} from '../machine/spec';

const GIB = 1024 ** 3;

/** A container Porthole could turn into a machine (the adoptableContainers action). */
export interface AdoptableContainer {
  containerId: string;
  name: string;
  image: string;
  running: boolean;
  /** Made by this Porthole configuration (it has the labels) but no record knows it, e.g. after the records were lost. */
  porthole: boolean;
  /**
   * Made by another Porthole configuration (another user's, or before instances existed and not
   * matching any machine's storage here): adopting it takes it from there, so only on a person's word.
   */
  foreign: boolean;
}

export interface AdoptionContext {
  /** This configuration's instance id (lifecycle/config-instance-id.ts). */
  instance: string;
  /** The machines Porthole has records for: id -> storage folder. */
  storageDirs: ReadonlyMap<string, string>;
  /** Hand-made containers already adopted by a machine (until their next start replaces them). */
  adoptedContainerIds: ReadonlySet<string>;
  /** The records' nonces (MachineRecord.nonce), id -> nonce: a container of an earlier record of that id is not theirs. */
  nonces?: ReadonlyMap<string, string>;
}

/**
 * From one list call: this configuration's own containers without a record, hand-made dockur
 * containers, and other Porthole configurations' containers, marked foreign (never offered as this
 * configuration's own: they are another user's or another app's machines on the same engine).
 */
export function adoptableFrom(containers: readonly Docker.ContainerInfo[], ctx: AdoptionContext): AdoptableContainer[] {
  const out: AdoptableContainer[] = [];
  for (const c of containers) {
    const labels = c.Labels ?? {};
    const labelId = labels[MACHINE_LABEL];
    if (ctx.adoptedContainerIds.has(c.Id)) continue;
    let porthole = false;
    let foreign = false;
    if (labelId !== undefined) {
      const storageDir = ctx.storageDirs.get(labelId);
      if (
        storageDir !== undefined &&
        ownsContainer(
          { labels, storageSource: storageSourceOf(c.Mounts) },
          ctx.instance,
          labelId,
          storageDir,
          ctx.nonces?.get(labelId),
        )
      )
        continue;
      porthole = labels[INSTANCE_LABEL] === ctx.instance;
      foreign = !porthole;
    } else if (!isDockurImage(c.Image)) continue;
    out.push({
      containerId: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      image: c.Image,
      running: c.State === 'running',
      porthole,
      foreign,
    });
  }
  return out;
}

export interface HostLimits {
  ramTotalBytes: number;
  cpuThreads: number;
}

/** What an adoption makes of a container, before ids and ports are settled against the other machines. */
export interface AdoptionPlan {
  /** Made by this Porthole configuration: its label names the machine. */
  porthole: boolean;
  /** Made by another Porthole configuration: adopted like a hand-made container (replaced at the next start). */
  foreign: boolean;
  /** The machine id the label gives (this configuration's containers only, when it is a valid id). */
  labelId: string | undefined;
  draft: MachineDraft & { storageDir: string };
  /** Host ports as the container published them (on any address). */
  ports: Partial<HostPorts>;
  warnings: string[];
}

/**
 * Reads an existing container into the settings of a machine: its environment, its `/storage` folder
 * (kept where it is: never moved or copied) and its published ports. Where the container relied on
 * the image's own defaults, those are kept (user Docker, password admin, English), since they are
 * what an installed Windows was set up with. Memory, disk and cores outside what this Windows and
 * this host allow are brought within, saying so: a container that exited 16 or 73 for them starts
 * under Porthole. Throws when the container is not a Windows machine Porthole can keep.
 */
export function planAdoption(info: Docker.ContainerInspectInfo, host: HostLimits, instance: string): AdoptionPlan {
  const labels = info.Config.Labels ?? {};
  const labelId = labels[MACHINE_LABEL];
  const owner = labels[INSTANCE_LABEL];
  const porthole = labelId !== undefined && owner === instance;
  const foreign = labelId !== undefined && !porthole;
  const name = info.Name.replace(/^\//, '');
  if (labelId === undefined && !isDockurImage(info.Config.Image)) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `The container “${name}” runs ${info.Config.Image}, not dockurr/windows: it is not a Windows machine Porthole can adopt.`,
    );
  }
  const { draft: imported, warnings } = settingsFromContainer(info);
  const storage = (info.Mounts ?? []).find((m) => m.Destination.replace(/\/+$/, '') === STORAGE_TARGET);
  if (!imported.storageDir || storage?.Type !== 'bind') {
    const where =
      storage?.Type === 'volume' ? `the engine volume “${storage.Name ?? storage.Source}”` : 'no folder of its own';
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `The container “${name}” keeps its Windows disk (/storage) in ${where}; Porthole keeps each machine’s disk in a folder.`,
      `Stop the container, copy the files of its /storage${storage?.Source ? ` (${storage.Source})` : ''} to a folder, run it again with that folder bound to /storage (-v /path/to/folder:/storage), then adopt it.`,
    );
  }
  const { ports = {}, storageDir, ...rest } = imported;
  const draft: MachineDraft & { storageDir: string } = {
    ...rest,
    storageDir,
    name: labelId ?? rest.name,
    username: rest.username ?? FALLBACK_USERNAME,
    password: rest.password ?? DEFAULT_PASSWORD,
    language: rest.language ?? DEFAULT_LANGUAGE,
    screen: rest.screen ?? { ...DEFAULT_SCREEN },
  };
  bringWithinLimits(draft, host, warnings, `container "${name}"`);
  if (foreign) {
    const whose =
      owner === undefined
        ? 'an older Porthole (before configurations had ids)'
        : `another Porthole configuration (instance ${shortInstance(owner)})`;
    warnings.push(
      `container "${name}": it was made by ${whose}. From its next start here, this machine replaces that container, and the other configuration no longer drives it; stop the machine there first, since both use the same disk.`,
    );
  }
  const validLabel = porthole && machineIdSchema.safeParse(labelId).success ? labelId : undefined;
  return { porthole, foreign, labelId: validLabel, draft, ports, warnings };
}

function bringWithinLimits(draft: MachineDraft, host: HostLimits, warnings: string[], label: string): void {
  const version = draft.version ?? DEFAULT_VERSION;
  const { minRamGiB, minDiskGiB } = versionRequirements(version, draft.customIso);
  const what = draft.customIso ? 'This machine' : versionName(version);
  const hostRam = Math.floor(host.ramTotalBytes / GIB);
  if (draft.ramGiB !== undefined && draft.ramGiB < minRamGiB) {
    warnings.push(
      `${label}: it had ${draft.ramGiB} GB of memory; ${what} needs at least ${minRamGiB} GB, so the machine gets ${minRamGiB} GB.`,
    );
    draft.ramGiB = minRamGiB;
  }
  if (draft.ramGiB !== undefined && hostRam > 0 && draft.ramGiB > hostRam) {
    warnings.push(
      `${label}: it had ${draft.ramGiB} GB of memory; this computer has ${hostRam} GB, so the machine gets ${hostRam} GB.`,
    );
    draft.ramGiB = hostRam;
  }
  if (draft.cpuCores !== undefined && host.cpuThreads > 0 && draft.cpuCores > host.cpuThreads) {
    warnings.push(
      `${label}: it had ${draft.cpuCores} processor cores; this computer has ${host.cpuThreads}, so the machine gets ${host.cpuThreads}.`,
    );
    draft.cpuCores = host.cpuThreads;
  }
  if (draft.diskGiB !== undefined && draft.diskGiB < minDiskGiB) {
    // Growing is safe (the image enlarges data.img); the image would refuse the smaller size anyway.
    warnings.push(
      `${label}: its disk was ${draft.diskGiB} GB; ${what} needs at least ${minDiskGiB} GB, so the disk grows to ${minDiskGiB} GB.`,
    );
    draft.diskGiB = minDiskGiB;
  }
}

/** `name`, or `name 2`, `name 3`... so that no two machines share a name (the names rule's comparison). */
export function uniqueMachineName(name: string, taken: readonly string[]): string {
  return uniqueName(name, taken, 'machine', 'Windows');
}

/** The ports an adopted machine keeps: the container's own where no other machine uses them. */
export function keptPorts(
  published: Partial<HostPorts>,
  taken: ReadonlySet<number>,
  fresh: readonly [number, number],
  warnings: string[],
  label: string,
): HostPorts {
  const pick = (wanted: number | undefined, fallback: number, what: string): number => {
    if (wanted === undefined) return fallback;
    if (!taken.has(wanted)) return wanted;
    warnings.push(`${label}: port ${wanted} (${what}) is another machine’s; Porthole uses ${fallback} instead.`);
    return fallback;
  };
  const web = pick(published.web, fresh[0], 'screen');
  let rdp = pick(published.rdp, fresh[1], 'Remote Desktop');
  if (rdp === web) rdp = fresh[1] === web ? fresh[0] : fresh[1];
  return { web, rdp };
}
