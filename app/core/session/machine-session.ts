import WebSocket from 'ws';
import type Docker from 'dockerode';
import type { Failure, MachineStatus, Progress } from '../../api';
import type { EngineClient } from '../engine/client';
import type { EngineEvent } from '../engine/events';
import { failureFor, isCleanExit } from './failures';
import { startedStatus, type BootMedia } from './media';
import { ErrorTrail, interpretLogLine, interpretStatusMessage, type LogSignal, type StatusSignal } from './log-signals';

export interface SessionDeps {
  /** The engine client in use now (it changes after a reconnect): logs, and one inspect per start event. */
  engine: () => Pick<EngineClient, 'followLogs' | 'logs' | 'inspect'>;
  installMarker: RegExp;
  /** The host port of the machine's 8006. */
  webPort: () => number;
  /** Where that port is reached from here (an ssh forward for an ssh engine); default 127.0.0.1:<port>. */
  reach?: (hostPort: number) => Promise<{ host: string; port: number }>;
  installed: () => boolean;
  /** What the machine boots while Windows is not installed (session/media.ts); read at each attach. Default: Windows setup. */
  bootMedia?: () => Promise<BootMedia>;
  onChange: (status: MachineStatus) => void;
  onInstalled: () => void;
}

const STATUS_RETRY_MS = [250, 500, 1000, 2000, 3000, 5000];

/**
 * The live state of one machine, derived from the engine's events, the container log and the
 * image's `/status` websocket. Each attach starts a new generation; signals from an older one are ignored.
 * Attaches and engine events are handled one at a time, in the order they came: a container that
 * dies while its start is still being inspected is finished after that inspect, never before it.
 */
export class MachineSession {
  private current: MachineStatus = { phase: 'absent', running: false, screenReady: false };
  private generation = 0;
  private stopFollowing: (() => void) | undefined;
  private statusSocket: WebSocket | undefined;
  private statusRetry: NodeJS.Timeout | undefined;
  private readonly errors = new ErrorTrail();
  private kvmInternalError = false;
  private userStop = false;
  private firmwareBoots = 0;
  private media: BootMedia = 'windows-setup';
  /**
   * The last run followed (its container and StartedAt), kept after it ended: a second report of the same
   * start changes nothing, whether the run still goes on or its exit was already handled by its die event.
   */
  private followed: { id: string; startedAt: string } | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SessionDeps) {}

  private enqueue(op: () => Promise<void> | void): Promise<void> {
    const next = this.queue.then(op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  get status(): MachineStatus {
    return this.current;
  }

  private set(patch: Partial<MachineStatus>, remove: (keyof MachineStatus)[] = []): void {
    const next: Record<string, unknown> = { ...this.current, ...patch };
    for (const key of remove) next[key] = undefined;
    this.current = JSON.parse(JSON.stringify(next)) as MachineStatus;
    this.deps.onChange(this.current);
  }

  setPulling(progress: Progress, message: string): void {
    this.set({ phase: 'pulling', message, progress, running: false, screenReady: false }, ['failure', 'shutdown']);
  }

  /** A start that failed before the container ran (a download, an engine refusal), with the fix when Porthole has one. */
  setFailed(cause: string, remedy: string, more: Pick<Failure, 'fix' | 'logLine'> = {}): void {
    this.set(
      { phase: 'failed', running: false, screenReady: false, failure: { exitCode: null, cause, remedy, ...more } },
      ['progress', 'shutdown'],
    );
  }

  setAbsent(): void {
    this.detach();
    this.set({ phase: 'absent', running: false, screenReady: false }, [
      'containerId',
      'progress',
      'shutdown',
      'message',
    ]);
  }

  /** The user asked for a graceful stop: what follows is a stop, not a crash. */
  expectStop(): void {
    this.userStop = true;
    if (this.current.running) this.set({ phase: 'stopping', message: 'Shutting Windows down…' }, ['progress']);
  }

  /** Adopt a container's current state (at start-up, after reconnecting to the engine, after an adoption). */
  attach(info: Docker.ContainerInspectInfo): Promise<void> {
    return this.enqueue(() => this.attachNow(info));
  }

  /**
   * The engine says the container started: inspect it once and follow it. What the machine boots is read
   * meanwhile (an ISO's volume descriptors): the screen waits on the followed log, so nothing before it
   * runs one after the other that need not (bench/first-frame).
   */
  onStarted(containerId: string): Promise<void> {
    return this.enqueue(async () => {
      // Each start is reported twice, by the start call that made it (at once) and by the engine's event
      // (Podman's can come a second later): the run already followed is not attached again, and for a
      // container already followed nothing is read (on a remote engine, a helper container) until the
      // inspect says it is a new run.
      const again = this.followed?.id === containerId;
      const media = again ? undefined : this.deps.bootMedia?.();
      // Awaited in attachNow when the container runs; unused (and so not reported) when it does not.
      media?.catch(() => undefined);
      const info = await this.deps.engine().inspect(containerId);
      if (info && !this.follows(info)) await this.attachNow(info, media);
    });
  }

  private follows(info: Docker.ContainerInspectInfo): boolean {
    const run = this.followed;
    return run !== undefined && run.id === info.Id && run.startedAt === info.State.StartedAt;
  }

  onEngineEvent(event: EngineEvent): Promise<void> {
    return this.enqueue(() => this.handleEvent(event));
  }

  /** `media`: what the machine boots, when the caller has started reading it already. */
  private async attachNow(info: Docker.ContainerInspectInfo, media?: Promise<BootMedia>): Promise<void> {
    this.detach();
    const generation = ++this.generation;
    this.errors.reset();
    this.kvmInternalError = false;
    this.firmwareBoots = 0;
    const state = info.State;
    if (!state.Running) {
      this.userStop = false;
      if (state.Status === 'created') {
        this.set({ phase: 'created', running: false, screenReady: false, containerId: info.Id }, [
          'failure',
          'progress',
          'shutdown',
          'message',
        ]);
      } else {
        await this.replayForExit(info.Id, generation);
        this.finish(info.Id, state.ExitCode);
      }
      return;
    }
    // A new run: a stop asked of the one before it is no stop of this one.
    if (!this.follows(info)) this.userStop = false;
    this.media = (await (media ?? this.deps.bootMedia?.())) ?? 'windows-setup';
    if (generation !== this.generation) return;
    this.set({ phase: 'preparing', running: true, screenReady: false, containerId: info.Id, message: 'Starting…' }, [
      'failure',
      'progress',
      'shutdown',
    ]);
    // To the millisecond, not the second: a restart within the same second would otherwise replay the
    // previous run's last lines ("Waiting for Windows to shut down...") as if this run were stopping.
    const since = new Date(state.StartedAt).getTime() / 1000;
    const stop = await this.deps.engine().followLogs(info.Id, (line) => this.onLogLine(line, generation), since);
    if (generation !== this.generation) {
      stop();
      return;
    }
    this.stopFollowing = stop;
    this.followed = { id: info.Id, startedAt: state.StartedAt };
    this.openStatusSocket(generation, 0);
  }

  private async handleEvent(event: EngineEvent): Promise<void> {
    switch (event.action) {
      case 'die': {
        const { containerId } = this.current;
        // Already finished (an attach found it exited), or the exit of some other container: nothing new.
        if (
          containerId === event.containerId &&
          !this.current.running &&
          ['stopped', 'failed'].includes(this.current.phase)
        )
          break;
        if (this.current.running && containerId && containerId !== event.containerId) break;
        const exitCode = event.exitCode ?? null;
        if (!isCleanExit(exitCode)) {
          // The followed log may not have delivered the last lines yet: read the tail for the ERROR.
          const generation = this.generation;
          await this.replayForExit(event.containerId, generation);
          if (generation !== this.generation) break;
        }
        this.finish(event.containerId, exitCode);
        break;
      }
      case 'oom':
        this.errors.set('The container ran out of memory.');
        break;
      case 'destroy':
        if (this.current.containerId === event.containerId) this.setAbsent();
        break;
      default:
        break;
    }
  }

  private finish(containerId: string, exitCode: number | null): void {
    this.detach();
    const userStop = this.userStop;
    this.userStop = false;
    if (isCleanExit(exitCode) || (userStop && exitCode === 137)) {
      this.set({ phase: 'stopped', running: false, screenReady: false, containerId }, [
        'failure',
        'progress',
        'shutdown',
        'message',
      ]);
      return;
    }
    this.set(
      {
        phase: 'failed',
        running: false,
        screenReady: false,
        containerId,
        failure: failureFor(exitCode, this.errors.text, this.kvmInternalError),
      },
      ['progress', 'shutdown', 'message'],
    );
  }

  /** For a container that already exited: read its last lines for the ERROR that explains it. */
  private async replayForExit(id: string, generation: number): Promise<void> {
    const lines = await this.deps
      .engine()
      .logs(id, 50)
      .catch(() => []);
    if (generation !== this.generation) return;
    const trail = new ErrorTrail();
    for (const line of lines) {
      const signal = interpretLogLine(line, this.deps.installMarker);
      trail.push(line, signal);
      if (signal?.kind === 'kvm-internal-error') this.kvmInternalError = true;
    }
    if (trail.text) this.errors.set(trail.text);
  }

  private onLogLine(line: string, generation: number): void {
    if (generation !== this.generation) return;
    const signal = interpretLogLine(line, this.deps.installMarker);
    this.errors.push(line, signal);
    if (signal) this.applyLog(signal);
  }

  private applyLog(signal: LogSignal): void {
    switch (signal.kind) {
      case 'error':
        break;
      case 'kvm-internal-error':
        this.kvmInternalError = true;
        break;
      case 'booting':
        if (this.current.phase !== 'stopping') {
          this.set({ phase: 'booting', message: 'Booting…', screenReady: true }, ['progress']);
        }
        break;
      case 'started':
        if (this.current.phase !== 'stopping') {
          this.set({ ...startedStatus(this.deps.installed(), this.media), screenReady: true }, ['progress']);
        }
        break;
      case 'firmware-boot':
        this.firmwareBoots += 1;
        if (this.firmwareBoots > 1) this.set({ reboots: this.firmwareBoots - 1 });
        break;
      case 'install-marker':
        // Porthole's install.bat runs only at the first logon of a Windows that setup installed:
        // a machine running another ISO is never marked installed.
        if (this.media === 'other-iso') break;
        this.deps.onInstalled();
        if (this.current.phase !== 'stopping')
          this.set({ phase: 'ready', message: 'Windows is running', screenReady: true });
        break;
      case 'stopping':
        this.set({ phase: 'stopping', message: 'Shutting Windows down…' }, ['progress']);
        break;
      case 'shutdown-step':
        this.set({ phase: 'stopping', shutdown: { step: signal.step, of: signal.of } });
        break;
      case 'starting':
      case 'warning':
      case 'shutdown-done':
        break;
    }
  }

  private applyStatus(signal: StatusSignal): void {
    if (signal.kind === 'screen-ready') {
      this.set({ screenReady: true });
      return;
    }
    if (this.current.phase !== 'preparing') return;
    this.set(
      { message: signal.text, ...(signal.fraction === undefined ? {} : { progress: { fraction: signal.fraction } }) },
      signal.fraction === undefined ? ['progress'] : [],
    );
  }

  /** The image's `/status` websocket; nginx needs a moment after start, so connecting is retried briefly. */
  private openStatusSocket(generation: number, attempt: number): void {
    if (generation !== this.generation || !this.current.running) return;
    const port = this.deps.webPort();
    if (this.deps.reach) {
      // The address is asked for on each attempt: a forward that idled out is opened again.
      this.deps.reach(port).then(
        (at) => this.connectStatusSocket(generation, attempt, `ws://${at.host}:${at.port}/status`),
        () => this.retryStatusSocket(generation, attempt),
      );
      return;
    }
    this.connectStatusSocket(generation, attempt, `ws://127.0.0.1:${port}/status`);
  }

  private retryStatusSocket(generation: number, attempt: number): void {
    if (generation !== this.generation || this.current.phase !== 'preparing' || attempt >= 40) return;
    const delay = STATUS_RETRY_MS[Math.min(attempt, STATUS_RETRY_MS.length - 1)]!;
    this.statusRetry = setTimeout(() => this.openStatusSocket(generation, attempt + 1), delay);
  }

  private connectStatusSocket(generation: number, attempt: number, url: string): void {
    if (generation !== this.generation || !this.current.running) return;
    const socket = new WebSocket(url);
    this.statusSocket = socket;
    let opened = false;
    socket.on('open', () => {
      opened = true;
    });
    socket.on('message', (data) => {
      if (generation !== this.generation) return;
      const signal = interpretStatusMessage(data.toString());
      if (signal) this.applyStatus(signal);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (generation !== this.generation || this.statusSocket !== socket) return;
      this.statusSocket = undefined;
      if (!opened) this.retryStatusSocket(generation, attempt);
    });
  }

  detach(): void {
    this.generation += 1;
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    if (this.statusRetry) clearTimeout(this.statusRetry);
    this.statusRetry = undefined;
    const socket = this.statusSocket;
    this.statusSocket = undefined;
    socket?.terminate();
  }
}
