import type Docker from 'dockerode';
import { presentImages } from '../engine/images';
import { posix } from 'node:path';
import { parseCpuInfo, type KvmFindings } from './kvm';

/**
 * What a remote engine's computer offers machines, read from inside a short-lived container there:
 * whether /dev/kvm reaches a container and opens read-write, the CPU's virtualization flags, and the
 * free space where machine disks go. This computer's /dev/kvm and disks say nothing about it.
 */
export interface EngineHostProbe {
  /** The engine's computer as a person names it. */
  host: string;
  /** The image the probe ran in (one already on the engine: a check never pulls). */
  image: string;
  kvm: KvmFindings;
  /** Free bytes for the storage folder there (measured on its nearest existing folder), or null. */
  freeBytes: number | null;
  /** The folder df measured (as that computer names it). */
  measuredAt: string | null;
  elapsedMs: number;
}

export const PROBE_LABEL = 'io.porthole.probe';

/**
 * The probe's script, a constant. /dev/kvm is tested as a character device first: `<>` on a missing
 * path would create a file. The storage folder's nearest existing ancestor on the engine's computer
 * is mounted read-only at /probe (when one could be), so df measures that computer's filesystem.
 */
export const PROBE_SCRIPT = [
  'if [ -c /dev/kvm ]; then',
  '  if err=$( (: <> /dev/kvm) 2>&1 ); then echo "kvm=open"; else echo "kvm=denied:$err"; fi',
  'else echo "kvm=missing"; fi',
  'echo "---df"',
  'if [ -d /probe ]; then df -Pk /probe 2>&1; fi',
  'echo "---cpuinfo"',
  'cat /proc/cpuinfo',
].join('\n');

/** The errno a shell's "can't open" message stands for. */
function errnoOf(message: string): string {
  if (/permission denied/i.test(message)) return 'EACCES';
  if (/operation not permitted/i.test(message)) return 'EPERM';
  if (/no such device or address/i.test(message)) return 'ENXIO';
  if (/no such device/i.test(message)) return 'ENODEV';
  return message.trim().slice(0, 120) || 'unknown error';
}

/** Reads the probe's output. `deviceMapped`: the container was given /dev/kvm (false: the engine's computer has none). */
export function parseProbeOutput(
  output: string,
  deviceMapped: boolean,
): { kvm: KvmFindings; freeBytes: number | null } {
  const text = output.replace(/\r\n/g, '\n');
  const [head = '', rest = ''] = text.split('\n---df\n');
  const [dfText = '', cpuText = ''] = rest.split('\n---cpuinfo\n');
  const kvmLine = /^kvm=(open|missing|denied:?(.*))$/m.exec(head);
  const cpu = parseCpuInfo(cpuText);
  const open = kvmLine?.[1] === 'open';
  const present = deviceMapped && kvmLine !== null && kvmLine[1] !== 'missing';
  const openError = kvmLine?.[1]?.startsWith('denied') ? errnoOf(kvmLine[2] ?? '') : undefined;
  const kvm: KvmFindings = {
    present,
    usable: present && open,
    ...(openError !== undefined ? { openError } : {}),
    group: 'kvm',
    groupCanWrite: true,
    // The probe opened the device in a container of that engine: what it found is what machines find.
    groupOnly: false,
    flagsVisible: !cpu.x86 || cpu.flags.has('vmx') || cpu.flags.has('svm'),
    x86: cpu.x86,
    vendor: cpu.vendor,
    // The modules of the engine's computer cannot be read from a container; the device says enough.
    modulesLoaded: null,
    hypervisor: cpu.flags.has('hypervisor') ? 'a hypervisor' : null,
  };
  return { kvm, freeBytes: parseDfAvailable(dfText) };
}

/** `df -Pk` output: the Available column of the data line, in bytes. */
export function parseDfAvailable(text: string): number | null {
  const lines = text.trim().split('\n');
  const header = lines.findIndex((l) => /^Filesystem\s/.test(l));
  if (header < 0) return null;
  // POSIX output puts a long device name on its own line; the numbers are the last fields either way.
  const fields = lines
    .slice(header + 1)
    .join(' ')
    .trim()
    .split(/\s+/);
  const available = Number(fields[fields.length - 3]);
  return Number.isFinite(available) && available >= 0 ? available * 1024 : null;
}

/** The engine refused the device because its computer has none ("error gathering device information"). */
export function isMissingDevice(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /error gathering device information|stat \/dev\/kvm/i.test(message);
}

/** The engine would not bind that folder (it does not exist there, or cannot be bound): try its parent. */
export function isRefusedMount(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return (
    /bind source path does not exist|not a shared or slave mount|invalid mount config|no such file or directory/i.test(
      message,
    ) && !isMissingDevice(err)
  );
}

/** The folder and its ancestors, nearest first: the probe measures the first one the engine's computer has. */
export function ancestors(dir: string): string[] {
  const out: string[] = [];
  let at = posix.resolve('/', dir);
  for (;;) {
    out.push(at);
    const parent = posix.dirname(at);
    if (parent === at) return out;
    at = parent;
  }
}

export interface ProbeOptions {
  /** Images to run the probe in, first present wins (machine images, the default image). Never pulled. */
  images: string[];
  /** The storage folder on the engine's computer. */
  storageDir: string;
  host: string;
  timeoutMs?: number;
}

/** Runs the probe on the engine `docker` talks to. Rejects with a readable reason (no image there, the engine refused). */
export async function probeEngineHost(docker: Docker, options: ProbeOptions): Promise<EngineHostProbe> {
  const started = Date.now();
  const [image] = (await presentImages(docker, options.images, options.host)).wanted;
  if (!image) {
    throw new Error(
      `none of the images ${options.images.join(', ')} is on the engine yet, and a check never downloads one; ` +
        'it runs once a machine image is there (the first machine downloads it)',
    );
  }
  // A folder the engine's computer lacks, or a computer without /dev/kvm, is an error from the engine
  // before anything runs: the parent folder (at last none), or no device, is tried next.
  const sources: (string | null)[] = [...ancestors(options.storageDir), null];
  let source = 0;
  let device = true;
  for (;;) {
    try {
      const output = await runProbe(docker, image, options, device, sources[source] ?? null);
      const read = parseProbeOutput(output, device);
      return {
        host: options.host,
        image,
        ...read,
        measuredAt: read.freeBytes === null ? null : (sources[source] ?? null),
        elapsedMs: Date.now() - started,
      };
    } catch (err) {
      if (device && isMissingDevice(err)) device = false;
      else if (source < sources.length - 1 && isRefusedMount(err)) source += 1;
      else throw err;
    }
  }
}

async function runProbe(
  docker: Docker,
  image: string,
  options: ProbeOptions,
  device: boolean,
  mountSource: string | null,
): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['sh', '-c', PROBE_SCRIPT],
    Cmd: [],
    Tty: true,
    NetworkDisabled: true,
    Labels: { [PROBE_LABEL]: 'kvm-and-storage' },
    HostConfig: {
      Devices: device ? [{ PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' }] : [],
      // The Mounts API never creates a missing source folder (the -v form would, as root, on that computer).
      Mounts: mountSource ? [{ Type: 'bind', Source: mountSource, Target: '/probe', ReadOnly: true }] : [],
    },
  });
  return runToEnd(container, options.timeoutMs ?? 30_000, 'the probe container');
}

/**
 * Starts a short-lived helper container, waits for it (at most `timeoutMs`), and answers its output;
 * the container is removed whatever happens. The probe here and the remote file system's helpers
 * (storage/engine-host-fs.ts) run this way.
 */
export async function runToEnd(container: Docker.Container, timeoutMs: number, what: string): Promise<string> {
  try {
    await container.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await Promise.race([container.wait(), timeout]);
    } finally {
      clearTimeout(timer);
    }
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    return logs.toString('utf8');
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
