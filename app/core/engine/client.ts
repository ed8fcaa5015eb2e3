import Docker from 'dockerode';
import { createRequire } from 'node:module';
import { isContainerRef, isImageRef, PortholeError } from '../../api';
import { INSTANCE_LABEL, MACHINE_LABEL } from './labels';
import { describeEngineError, statusOf } from './errors';
import { dockerodeOptions, type EngineTarget } from './target';
import { applyDeadlines, DEFAULT_ENGINE_DEADLINE_MS } from './deadlines';
import { destroyStream, endedOnce } from './stream-end';
import { EVENT_FILTER, parseEngineEvent, type EngineEvent } from './events';
import { FrameDemuxer, LineSplitter, splitLines, StampedLines, stampSeconds, demux } from './log-frames';
import { libpodCreate, toSpecGenerator } from './libpod-create';
import { parsePullEvent, pullError, PullTracker, type PullProgress } from './pull';

export { targetFromEnv, targetFromEndpoint, type EngineTarget } from './target';

export { INSTANCE_LABEL, MACHINE_LABEL };

/**
 * Engines never redirect, but docker-modem follows a redirect (to any host) unless told otherwise,
 * and has no per-client setting: turned off in the instance dockerode itself loads, for the process.
 */
const requireFromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));
(requireFromDockerode('docker-modem/lib/http') as { maxRedirects: number }).maxRedirects = 0;

/**
 * docker-modem reads this process's DOCKER_HOST for its defaults even when every option is given (they
 * override them), and throws its own words for one it cannot parse (`tcp://[::1`). Porthole has read it
 * already (target.ts says plainly what is wrong with it), so it is hidden while a client is made. Synchronous:
 * nothing else runs meanwhile.
 */
function withoutEnvDockerHost<T>(make: () => T): T {
  const saved = process.env.DOCKER_HOST;
  if (saved === undefined) return make();
  delete process.env.DOCKER_HOST;
  try {
    return make();
  } finally {
    process.env.DOCKER_HOST = saved;
  }
}

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
export interface EngineClientOptions {
  /** Every call's deadline (engine/deadlines.ts); a stop's is its stop timeout plus a margin, a stream's is for its first byte. */
  deadlineMs?: number;
}

/** How a container is made (EngineClient.create). */
export interface CreateOptions {
  /** Rootless Podman with crun: keep the user's supplementary groups (Podman's own create, crun's annotation). */
  keepGroups?: boolean;
}

export class EngineClient {
  readonly docker: Docker;
  readonly deadlineMs: number;
  constructor(
    readonly target: EngineTarget,
    options: EngineClientOptions = {},
  ) {
    this.docker = withoutEnvDockerHost(() => new Docker(dockerodeOptions(target)));
    this.deadlineMs = options.deadlineMs ?? DEFAULT_ENGINE_DEADLINE_MS;
    applyDeadlines(this.docker.modem, target.label, this.deadlineMs);
  }

  async ping(): Promise<void> {
    if (this.target.unusable) {
      throw new PortholeError(
        'ENGINE_UNAVAILABLE',
        this.target.unusable,
        'Set DOCKER_HOST to a unix:// or tcp:// address (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS), or unset it to use the local engine.',
      );
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
        destroyStream(stream);
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

  /**
   * `keepGroups`: on a rootless Podman with crun, the container keeps the user's supplementary groups (kvm): made
   * through Podman's own create (engine/libpod-create.ts) on crun with its annotation. A spec that cannot be
   * translated whole is made through the compatible create as before, with a warning saying what was not mapped.
   */
  async create(options: Docker.ContainerCreateOptions, how: CreateOptions = {}): Promise<string> {
    if (how.keepGroups) {
      const translated = toSpecGenerator(options, 'crun');
      if ('generator' in translated) return this.wrap(() => libpodCreate(this.docker, translated.generator));
      process.emitWarning(
        `Porthole: the container ${options.name ?? ''} is made through the Docker-compatible API, which cannot keep your groups (kvm): Podman's own create was not given ${translated.unmapped.join(', ')}.`,
      );
    }
    const container = await this.wrap(() => this.docker.createContainer(options));
    return container.id;
  }

  async start(id: string): Promise<void> {
    assertContainerRef(id);
    await this.wrap(() => unlessStatus(304, () => this.docker.getContainer(id).start())); // 304: already running
  }

  /**
   * Graceful stop: SIGTERM, then the container's own stop timeout (120 s) before a kill. That timeout is
   * read first and sent as it is (the engine would use it anyway): the call's deadline is made from it.
   */
  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    assertContainerRef(id);
    // An engine's default when the container sets none (Docker and Podman: 10 s).
    const t =
      timeoutSeconds ?? ((await this.inspect(id))?.Config as { StopTimeout?: number } | undefined)?.StopTimeout ?? 10;
    await this.wrap(() => unlessStatus(304, () => this.docker.getContainer(id).stop({ t }))); // 304: already stopped
  }

  async kill(id: string): Promise<void> {
    assertContainerRef(id);
    await this.wrap(() => unlessStatus(409, () => this.docker.getContainer(id).kill())); // 409: not running
  }

  /** Removes the container only; `/storage` is a bind mount and is never touched. */
  async remove(id: string): Promise<void> {
    assertContainerRef(id);
    await this.wrap(() => unlessStatus(404, () => this.docker.getContainer(id).remove({ force: true, v: false })));
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
        this.docker
          .getContainer(id)
          .logs({ stdout: true, stderr: true, follow: false, timestamps: true, since }) as Promise<Buffer>,
    );
    const replayed = new StampedLines(onLine, undefined);
    for (const line of splitLines(demux(backlog))) replayed.line(line);
    const last = replayed.lastStamp;
    const stream = await this.followStream(id, { timestamps: true, since: last ? stampSeconds(last) : since });
    const followed = new StampedLines(onLine, last);
    const lines = new LineSplitter((line) => followed.line(line));
    const frames = new FrameDemuxer((chunk) => lines.push(chunk));
    stream.on('data', (chunk: Buffer) => frames.push(chunk));
    stream.on('end', () => lines.flush());
    stream.on('error', () => lines.flush());
    return () => destroyStream(stream);
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
    const stream = await this.followStream(id, {
      tail: options.tail,
      ...(options.sinceSeconds === undefined ? {} : { since: options.sinceSeconds }),
    });
    let batch: string[] = [];
    const lines = new LineSplitter((line) => batch.push(line));
    const frames = new FrameDemuxer((chunk) => lines.push(chunk));
    const flush = (): void => {
      if (batch.length === 0) return;
      const out = batch;
      batch = [];
      onLines(out);
    };
    stream.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      flush();
    });
    // What is still buffered goes out before the end is told.
    return endedOnce(stream, (err) => {
      lines.flush();
      flush();
      onEnd(err);
    });
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
    return endedOnce(stream, onEnd);
  }

  /** One following log request of the container's both outputs. */
  private followStream(
    id: string,
    options: { timestamps?: boolean; since?: number | string; tail?: number },
  ): Promise<NodeJS.ReadableStream> {
    return this.wrap(
      () =>
        this.docker
          .getContainer(id)
          .logs({ stdout: true, stderr: true, follow: true, ...options }) as Promise<NodeJS.ReadableStream>,
    );
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw describeEngineError(err, this.target.label);
    }
  }
}

/** Runs `op`; the engine's answer `status` (the container is already as asked: started, stopped, gone) is no failure. */
async function unlessStatus(status: number, op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (err) {
    if (statusOf(err) !== status) throw err;
  }
}
