import type Docker from 'dockerode';
import { isContainerRef, PortholeError, type StatsSample } from '../../api';

/** The parts of Docker's stats JSON (GET /containers/{id}/stats) a sample is made from. */
interface DockerCpu {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}
interface DockerStats {
  read?: string;
  cpu_stats?: DockerCpu;
  precpu_stats?: DockerCpu;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/**
 * One sample from one of Docker's stats readings; null when the reading carries no numbers (the
 * engine sends an empty one for a container that is not running). CPU is the delta against the
 * previous reading the engine puts beside it (precpu_stats), as `docker stats` computes it.
 */
export function sampleFromDockerStats(raw: unknown): StatsSample | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as DockerStats;
  const t = Date.parse(s.read ?? '');
  // A stopped container's reading is dated 0001-01-01 and all zeros.
  if (!Number.isFinite(t) || t <= 0 || !s.cpu_stats?.cpu_usage) return null;

  const cpu = s.cpu_stats;
  const pre = s.precpu_stats ?? {};
  const cpuDelta = (cpu.cpu_usage?.total_usage ?? 0) - (pre.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage?.percpu_usage?.length || 1;
  // The first reading has no previous one (precpu zero): its delta is the whole lifetime, so no rate.
  const hasPrevious = (pre.system_cpu_usage ?? 0) > 0;
  const cpuPercent = hasPrevious && cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;

  const mem = s.memory_stats ?? {};
  // Like `docker stats`: the page cache the kernel can drop is not "used" (cgroup v1 and v2 name it differently).
  const cache = mem.stats?.total_inactive_file ?? mem.stats?.inactive_file ?? 0;
  const memBytes = Math.max(0, (mem.usage ?? 0) - cache);

  let diskReadBytes = 0;
  let diskWriteBytes = 0;
  for (const entry of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.toLowerCase();
    if (op === 'read') diskReadBytes += entry.value ?? 0;
    else if (op === 'write') diskWriteBytes += entry.value ?? 0;
  }

  let netRxBytes = 0;
  let netTxBytes = 0;
  for (const net of Object.values(s.networks ?? {})) {
    netRxBytes += net.rx_bytes ?? 0;
    netTxBytes += net.tx_bytes ?? 0;
  }

  return {
    t,
    cpuPercent,
    memBytes,
    memLimitBytes: mem.limit ?? 0,
    diskReadBytes,
    diskWriteBytes,
    netRxBytes,
    netTxBytes,
  };
}

/** A reading of a container that is not running: Docker dates it 0001-01-01 and leaves it empty. */
export function isStoppedReading(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const read = (raw as DockerStats).read;
  return typeof read === 'string' && read.startsWith('0001-01-01');
}

/**
 * Splits the engine's stats stream (one JSON document per line, in chunks that need not end on a
 * line) into documents.
 */
export class JsonLines {
  private rest = '';
  constructor(private readonly onDocument: (doc: unknown) => void) {}
  push(chunk: Buffer | string): void {
    const lines = (this.rest + chunk.toString()).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        this.onDocument(JSON.parse(line));
      } catch {
        // A line that is not JSON is not a reading: skip it, the next one comes within a second.
      }
    }
  }
}

/**
 * Follows a container's resource use: one engine request (`stats?stream=true`) that stays open
 * until the returned function is called or the container stops (then `onEnd`). The engine sends a
 * reading about once a second.
 */
export async function followContainerStats(
  docker: Docker,
  containerId: string,
  onSample: (sample: StatsSample) => void,
  onEnd: (err?: Error) => void,
): Promise<() => void> {
  if (!isContainerRef(containerId)) throw new PortholeError('INVALID_ARGUMENT', 'That is not a container id or name.');
  const stream = (await docker.getContainer(containerId).stats({ stream: true })) as NodeJS.ReadableStream & {
    destroy?: () => void;
  };
  let ended = false;
  const end = (err?: Error): void => {
    if (ended) return;
    ended = true;
    onEnd(err);
  };
  const lines = new JsonLines((doc) => {
    if (ended) return;
    const sample = sampleFromDockerStats(doc);
    if (sample) onSample(sample);
    else if (isStoppedReading(doc)) {
      // Docker keeps the request open after the container stops, sending empty readings: end it
      // here, or a stopped machine would hold an engine connection for nothing.
      end();
      stream.destroy?.();
    }
  });
  stream.on('data', (chunk: Buffer) => lines.push(chunk));
  stream.on('end', () => end());
  stream.on('close', () => end());
  stream.on('error', (err: Error) => end(err));
  return () => {
    ended = true;
    stream.destroy?.();
  };
}
