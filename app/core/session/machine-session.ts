import WebSocket from 'ws';
import type Docker from 'dockerode';
import type { MachineStatus, Progress } from '../../api';
import type { EngineClient, EngineEvent } from '../engine/client';
import { failureFor, isCleanExit } from './failures';
import { interpretLogLine, interpretStatusMessage, type LogSignal, type StatusSignal } from './log-signals';

export interface SessionDeps {
  /** The log source: the engine client in use now (it changes after a reconnect). */
  engine: () => Pick<EngineClient, 'followLogs' | 'logs'>;
  installMarker: RegExp;
  /** The host port of the machine's 8006. */
  webPort: () => number;
  installed: () => boolean;
  onChange: (status: MachineStatus) => void;
  onInstalled: () => void;
}

const STATUS_RETRY_MS = [250, 500, 1000, 2000, 3000, 5000];

/**
 * The live state of one machine, derived from the engine's events, the container log and the
 * image's `/status` websocket. Each attach starts a new generation; signals from an older one are ignored.
 */
export class MachineSession {
  private current: MachineStatus = { phase: 'absent', running: false, screenReady: false };
  private generation = 0;
  private stopFollowing: (() => void) | undefined;
  private statusSocket: WebSocket | undefined;
  private statusRetry: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private kvmInternalError = false;
  private userStop = false;
  private firmwareBoots = 0;

  constructor(private readonly deps: SessionDeps) {}

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

  setFailed(cause: string, remedy: string): void {
    this.set({ phase: 'failed', running: false, screenReady: false, failure: { exitCode: null, cause, remedy } }, [
      'progress',
      'shutdown',
    ]);
  }

  setAbsent(): void {
    this.detach();
    this.set({ phase: 'absent', running: false, screenReady: false }, ['containerId', 'progress', 'shutdown', 'message']);
  }

  /** The user asked for a graceful stop: what follows is a stop, not a crash. */
  expectStop(): void {
    this.userStop = true;
    if (this.current.running) this.set({ phase: 'stopping', message: 'Shutting Windows down…' }, ['progress']);
  }

  /** Adopt a container's current state (at start-up, after reconnecting to the engine, after start). */
  async attach(info: Docker.ContainerInspectInfo): Promise<void> {
    this.detach();
    const generation = ++this.generation;
    this.lastError = undefined;
    this.kvmInternalError = false;
    this.firmwareBoots = 0;
    const state = info.State;
    if (!state.Running) {
      this.userStop = false;
      if (state.Status === 'created') {
        this.set({ phase: 'created', running: false, screenReady: false, containerId: info.Id }, ['failure', 'progress', 'shutdown', 'message']);
      } else {
        await this.replayForExit(info.Id, generation);
        this.finish(info.Id, state.ExitCode);
      }
      return;
    }
    this.set({ phase: 'preparing', running: true, screenReady: false, containerId: info.Id, message: 'Starting…' }, [
      'failure',
      'progress',
      'shutdown',
    ]);
    const since = Math.floor(new Date(state.StartedAt).getTime() / 1000);
    const stop = await this.deps.engine().followLogs(info.Id, (line) => this.onLogLine(line, generation), since);
    if (generation !== this.generation) {
      stop();
      return;
    }
    this.stopFollowing = stop;
    this.openStatusSocket(generation, 0);
  }

  onEngineEvent(event: EngineEvent): void {
    switch (event.action) {
      case 'die':
        this.finish(event.containerId, event.exitCode ?? null);
        break;
      case 'oom':
        this.lastError = 'The container ran out of memory.';
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
        failure: failureFor(exitCode, this.lastError, this.kvmInternalError),
      },
      ['progress', 'shutdown', 'message'],
    );
  }

  /** For a container that already exited: read its last lines for the ERROR that explains it. */
  private async replayForExit(id: string, generation: number): Promise<void> {
    const lines = await this.deps.engine().logs(id, 50).catch(() => []);
    if (generation !== this.generation) return;
    for (const line of lines) {
      const signal = interpretLogLine(line, this.deps.installMarker);
      if (signal?.kind === 'error') this.lastError = signal.text;
      if (signal?.kind === 'kvm-internal-error') this.kvmInternalError = true;
    }
  }

  private onLogLine(line: string, generation: number): void {
    if (generation !== this.generation) return;
    const signal = interpretLogLine(line, this.deps.installMarker);
    if (signal) this.applyLog(signal);
  }

  private applyLog(signal: LogSignal): void {
    switch (signal.kind) {
      case 'error':
        this.lastError = signal.text;
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
          const installed = this.deps.installed();
          this.set(
            { phase: installed ? 'ready' : 'installing', message: installed ? 'Windows is running' : 'Installing Windows…', screenReady: true },
            ['progress'],
          );
        }
        break;
      case 'firmware-boot':
        this.firmwareBoots += 1;
        if (this.firmwareBoots > 1) this.set({ reboots: this.firmwareBoots - 1 });
        break;
      case 'install-marker':
        this.deps.onInstalled();
        if (this.current.phase !== 'stopping') this.set({ phase: 'ready', message: 'Windows is running', screenReady: true });
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
    const socket = new WebSocket(`ws://127.0.0.1:${this.deps.webPort()}/status`);
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
      const preparing = this.current.phase === 'preparing';
      if (!opened && preparing && attempt < 40) {
        const delay = STATUS_RETRY_MS[Math.min(attempt, STATUS_RETRY_MS.length - 1)]!;
        this.statusRetry = setTimeout(() => this.openStatusSocket(generation, attempt + 1), delay);
      }
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
