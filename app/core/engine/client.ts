import Docker from 'dockerode';
import { createRequire } from 'node:module';
import { isContainerRef, isImageRef, PortholeError } from '../../api';
import { INSTANCE_LABEL, MACHINE_LABEL } from '../machine/spec';
import { describeEngineError, statusOf } from './errors';
import { dockerodeOptions, type EngineTarget } from './target';

export { targetFromEnv, targetFromEndpoint, type EngineTarget } from './target';

export { INSTANCE_LABEL, MACHINE_LABEL };
import { parsePullEvent, PullTracker, type PullProgress } from './pull';

/** The container events Porthole acts on: a start (inspect and follow), an exit, an OOM, a removal. */
export const CONTAINER_EVENTS = ['start', 'die', 'oom', 'destroy'] as const;

/**
 * Podman's names for the same events, where they differ. Its compatible API prints an exit as `die`
 * but filters on its own name, `died`: a stream filtered on `die` alone never carries an exit from
 * Podman (measured on 4.3). A removal is `remove` there. Docker ignores names it does not emit.
 */
const PODMAN_EVENT_NAMES: Readonly<Record<string, (typeof CONTAINER_EVENTS)[number]>> = { died: 'die', remove: 'destroy' };

/** The event filter sent to the engine: Docker's names and Podman's. */
export const EVENT_FILTER = [...CONTAINER_EVENTS, ...Object.keys(PODMAN_EVENT_NAMES)];

/** A container state change from the engine's event stream. */
export interface EngineEvent {
  action: string;
  containerId: string;
  machineId: string | undefined;
  /** The Porthole configuration that made the container (its instance label); undefined before instances existed. */
  instance: string | undefined;
  exitCode: number | undefined;
  time: number;
}

/**
 * Engines never redirect, but docker-modem follows a redirect (to any host) unless told otherwise,
 * and has no per-client setting: turned off in the instance dockerode itself loads, for the process.
 */
const requireFromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
(requireFromDockerode('docker-modem/lib/http') as { maxRedirects: number }).maxRedirects = 0;

/** The engine client refuses a container reference the contract would refuse (defence in depth). */
function assertContainerRef(id: string): void {
  if (!isContainerRef(id)) {
    throw new PortholeError('INVALID_ARGUMENT', `“${id.slice(0, 80)}” is not a container id or name.`);
  }
}

function assertImageRef(ref: string): void {
  if (!isImageRef(ref)) throw new PortholeError('INVALID_ARGUMENT', `“${ref.slice(0, 80)}” is not an image reference.`);
}

/**
 * The container engine, through its HTTP API (Docker, rootless Docker, Podman's compatible socket).
 * Every error leaving this class is a PortholeError with a readable cause.
 */
export class EngineClient {
  readonly docker: Docker;
  constructor(readonly target: EngineTarget) {
    this.docker = new Docker(dockerodeOptions(target));
  }

  async ping(): Promise<void> {
    if (this.target.unusable) {
      throw new PortholeError('ENGINE_UNAVAILABLE', this.target.unusable, 'Set DOCKER_HOST to a unix:// or tcp:// address (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS), or unset it to use the local engine.');
    }
    await this.wrap(() => this.docker.ping());
  }

  /**
   * Docker or Podman, as the engine says of itself (/version's components): a DOCKER_HOST names a
   * socket, not what serves it. The target's kind when the host probe already knew it.
   */
  async engineKind(): Promise<EngineTarget['kind']> {
    if (this.target.kind !== 'unknown') return this.target.kind;
    try {
      const version = (await this.docker.version()) as { Components?: Array<{ Name?: string }> };
      const names = (version.Components ?? []).map((c) => c.Name ?? '');
      return names.some((n) => /podman/i.test(n)) ? 'podman' : names.includes('Engine') ? 'docker' : 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    assertImageRef(ref);
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw describeEngineError(err, this.target.label);
    }
  }

  /**
   * Pull with real progress. Resolves only when the engine reports success: an error in the
   * stream (or the finish callback's error) rejects, so a failed pull never looks like a success.
   */
  async pull(ref: string, onProgress: (p: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    assertImageRef(ref);
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.docker.pull(ref, { abortSignal: signal })) as NodeJS.ReadableStream;
    } catch (err) {
      if (signal?.aborted) throw new PortholeError('CANCELLED', `The download of ${ref} was cancelled.`);
      // A missing tag or repository is refused before any progress (HTTP 404): still a failed pull.
      const engineError = describeEngineError(err, this.target.label);
      if (engineError.code === 'ENGINE_UNAVAILABLE') throw engineError;
      throw pullError(ref, engineError.message);
    }
    const tracker = new PullTracker();
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        reject(new PortholeError('CANCELLED', `The download of ${ref} was cancelled.`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(pullError(ref, err.message));
          else if (tracker.error) reject(pullError(ref, tracker.error));
          else resolve();
        },
        (raw: unknown) => {
          const event = parsePullEvent(raw);
          if (event) onProgress(tracker.update(event));
        },
      );
    });
  }

  /**
   * The machine containers of the Porthole configuration `instance`: those with its instance label,
   * and those made before instances existed (no instance label), which the caller keeps only when
   * their /storage is the machine's own (spec.ts ownsContainer). Another configuration's containers
   * are never returned. One list call: the engine's label filter cannot say "this value or absent".
   */
  async listMachines(instance: string): Promise<Docker.ContainerInfo[]> {
    const all = await this.wrap(() => this.docker.listContainers({ all: true, filters: { label: [MACHINE_LABEL] } }));
    return all.filter((c) => {
      const owner = (c.Labels ?? {})[INSTANCE_LABEL];
      return owner === undefined || owner === instance;
    });
  }

  /** All containers, for adopting a hand-made dockur container. */
  async listAll(): Promise<Docker.ContainerInfo[]> {
    return this.wrap(() => this.docker.listContainers({ all: true }));
  }

  async inspect(id: string): Promise<Docker.ContainerInspectInfo | null> {
    assertContainerRef(id);
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw describeEngineError(err, this.target.label);
    }
  }

  async create(options: Docker.ContainerCreateOptions): Promise<string> {
    const container = await this.wrap(() => this.docker.createContainer(options));
    return container.id;
  }

  async start(id: string): Promise<void> {
    assertContainerRef(id);
    await this.wrap(async () => {
      try {
        await this.docker.getContainer(id).start();
      } catch (err) {
        if (statusOf(err) !== 304) throw err; // 304: already running
      }
    });
  }

  /** Graceful stop: SIGTERM, then the container's own stop timeout (120 s) before a kill. */
  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    assertContainerRef(id);
    await this.wrap(async () => {
      try {
        await this.docker.getContainer(id).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds });
      } catch (err) {
        if (statusOf(err) !== 304) throw err; // 304: already stopped
      }
    });
  }

  async kill(id: string): Promise<void> {
    assertContainerRef(id);
    await this.wrap(async () => {
      try {
        await this.docker.getContainer(id).kill();
      } catch (err) {
        if (statusOf(err) !== 409) throw err; // 409: not running
      }
    });
  }

  /** Removes the container only; `/storage` is a bind mount and is never touched. */
  async remove(id: string): Promise<void> {
    assertContainerRef(id);
    await this.wrap(async () => {
      try {
        await this.docker.getContainer(id).remove({ force: true, v: false });
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    });
  }

  async logs(id: string, tail: number): Promise<string[]> {
    assertContainerRef(id);
    const buf = await this.wrap(
      () => this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false }) as Promise<Buffer>,
    );
    return splitLines(demux(buf));
  }

  /**
   * Follows a container's log from `sinceSeconds` (a UNIX time; fractions count, the engine reads
   * `seconds.fraction`) on; returns a function that stops following. The returned promise settles
   * only once every line logged before the call has reached `onLine`: whoever reads the machine's
   * state right after (the CLI, one inspect after start-up) sees the same state a long-running host
   * derived from the same lines. The backlog is one plain read; the follow then starts at the last
   * line's engine timestamp and skips what the read already delivered.
   */
  async followLogs(id: string, onLine: (line: string) => void, sinceSeconds?: number): Promise<() => void> {
    assertContainerRef(id);
    const since = sinceSeconds ?? 0;
    const backlog = await this.wrap(
      () =>
        this.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, timestamps: true, since }) as Promise<Buffer>,
    );
    const replayed = new StampedLines(onLine, undefined);
    for (const line of splitLines(demux(backlog))) replayed.line(line);
    const last = replayed.lastStamp;
    const stream = await this.wrap(
      () =>
        this.docker.getContainer(id).logs({
          stdout: true,
          stderr: true,
          follow: true,
          timestamps: true,
          since: last ? stampSeconds(last) : since,
        }) as Promise<NodeJS.ReadableStream>,
    );
    const followed = new StampedLines(onLine, last);
    const lines = new LineSplitter((line) => followed.line(line));
    const frames = new FrameDemuxer((chunk) => lines.push(chunk));
    stream.on('data', (chunk: Buffer) => frames.push(chunk));
    stream.on('end', () => lines.flush());
    stream.on('error', () => lines.flush());
    return () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    };
  }

  /**
   * Follows a container's log for someone reading it: the last `tail` lines (of those since
   * `sinceSeconds`, when given), then every new one, in one engine request that stays open until
   * the returned function is called or the container stops (then `onEnd`). Lines come in the
   * chunks the engine sent them in.
   */
  async followTail(
    id: string,
    options: { tail: number; sinceSeconds?: number },
    onLines: (lines: string[]) => void,
    onEnd: (err?: Error) => void,
  ): Promise<() => void> {
    assertContainerRef(id);
    const stream = await this.wrap(
      () =>
        this.docker.getContainer(id).logs({
          stdout: true,
          stderr: true,
          follow: true,
          tail: options.tail,
          ...(options.sinceSeconds === undefined ? {} : { since: options.sinceSeconds }),
        }) as Promise<NodeJS.ReadableStream>,
    );
    let batch: string[] = [];
    let ended = false;
    const lines = new LineSplitter((line) => batch.push(line));
    const frames = new FrameDemuxer((chunk) => lines.push(chunk));
    const flush = (): void => {
      if (batch.length === 0) return;
      const out = batch;
      batch = [];
      onLines(out);
    };
    const end = (err?: Error): void => {
      if (ended) return;
      ended = true;
      lines.flush();
      flush();
      onEnd(err);
    };
    stream.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      flush();
    });
    stream.on('end', () => end());
    stream.on('close', () => end());
    stream.on('error', (err: Error) => end(err));
    return () => {
      ended = true;
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    };
  }

  /**
   * The engine's event stream: the state changes of containers. Not filtered by Porthole's label,
   * since an adopted hand-made container has none until its next start replaces it; the caller
   * keeps the events of its own containers. Ends (onEnd) when the engine goes away.
   */
  async events(onEvent: (e: EngineEvent) => void, onEnd: (err?: Error) => void): Promise<() => void> {
    const stream = await this.wrap(() =>
      this.docker.getEvents({ filters: { type: ['container'], event: EVENT_FILTER } }),
    );
    let buffered = '';
    let ended = false;
    const end = (err?: Error): void => {
      if (ended) return;
      ended = true;
      onEnd(err);
    };
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) {
          const parsed = parseEngineEvent(line);
          if (parsed) onEvent(parsed);
        }
      }
    });
    stream.on('end', () => end());
    stream.on('close', () => end());
    stream.on('error', (err: Error) => end(err));
    return () => {
      ended = true;
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    };
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw describeEngineError(err, this.target.label);
    }
  }
}

function pullError(ref: string, cause: string): PortholeError {
  const lower = cause.toLowerCase();
  if (lower.includes('no space left')) {
    return new PortholeError('IMAGE_PULL_FAILED', `Downloading ${ref} failed: the disk is full.`, 'Free some disk space and try again.');
  }
  if (lower.includes('not found') || lower.includes('manifest unknown') || lower.includes('pull access denied')) {
    return new PortholeError(
      'IMAGE_PULL_FAILED',
      `The image ${ref} does not exist in its registry.`,
      'Check the image name and tag in the machine settings.',
    );
  }
  if (/(dial tcp|lookup |timeout|connection refused|network is unreachable|tls)/i.test(cause)) {
    return new PortholeError(
      'IMAGE_PULL_FAILED',
      `Downloading ${ref} failed: the registry could not be reached (${cause}).`,
      'Check the internet connection (and any proxy settings of the engine), then start again.',
    );
  }
  return new PortholeError('IMAGE_PULL_FAILED', `Downloading ${ref} failed: ${cause}`, 'Start the machine again to retry.');
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export function parseEngineEvent(line: string): EngineEvent | null {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return null;
  }
  const named = (raw.Action ?? raw.status ?? '').split(':')[0] ?? '';
  const action = PODMAN_EVENT_NAMES[named] ?? named;
  const containerId = raw.Actor?.ID ?? raw.id;
  if (!action || !containerId) return null;
  const attrs = raw.Actor?.Attributes ?? {};
  const exit = attrs.exitCode;
  return {
    action,
    containerId,
    machineId: attrs[MACHINE_LABEL],
    instance: attrs[INSTANCE_LABEL],
    exitCode: exit === undefined ? undefined : Number(exit),
    time: raw.time ?? Math.floor(Date.now() / 1000),
  };
}

/** Docker multiplexes stdout/stderr in 8-byte-header frames when no TTY is attached. */
export class FrameDemuxer {
  private pending = Buffer.alloc(0);
  private raw: boolean | undefined;
  constructor(private readonly onPayload: (chunk: string) => void) {}
  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.raw === undefined && this.pending.length > 0) {
      const first = this.pending[0];
      this.raw = !(first === 0 || first === 1 || first === 2);
    }
    if (this.raw) {
      this.onPayload(this.pending.toString('utf8'));
      this.pending = Buffer.alloc(0);
      return;
    }
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      this.onPayload(this.pending.subarray(8, 8 + size).toString('utf8'));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

export function demux(buf: Buffer): string {
  let out = '';
  new FrameDemuxer((chunk) => {
    out += chunk;
  }).push(buf);
  return out;
}

class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(text: string): void {
    this.rest += text;
    const parts = this.rest.split(/\r?\n|\r/);
    this.rest = parts.pop() ?? '';
    for (const part of parts) this.onLine(part);
  }
  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}

/** The engine's RFC 3339 timestamp with fixed-width nanoseconds, as `timestamps: true` puts it before each line. */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z /;

/**
 * Lines read with timestamps: strips the stamp and drops lines at or before `after` (already
 * delivered). A piece without a stamp (a line the image ended with a bare carriage return) belongs
 * to the stamped line before it.
 */
export class StampedLines {
  lastStamp: string | undefined;
  private deliver = true;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly after: string | undefined,
  ) {}
  line(raw: string): void {
    const match = STAMP.exec(raw);
    if (match) {
      const stamp = `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
      this.deliver = this.after === undefined || stamp > this.after;
      if (this.deliver) this.lastStamp = stamp;
      if (this.deliver) this.onLine(raw.slice(match[0].length));
      return;
    }
    if (this.deliver) this.onLine(raw);
  }
}

/** `2026-11-22T07:50:01.123456789` (UTC) -> `1795333801.123456789`, the engine's `since` to the nanosecond. */
export function stampSeconds(stamp: string): string {
  const [whole, fraction] = stamp.split('.');
  return `${Date.parse(`${whole}Z`) / 1000}.${fraction ?? '0'}`;
}

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
