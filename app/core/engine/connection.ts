import { PortholeError, type EngineStatus } from '../../api';
import { EngineClient, type EngineClientOptions, type EngineTarget } from './client';
import type { EngineEvent } from './events';

const BACKOFF_MS = [200, 500, 1000, 2000, 5000];

export interface ConnectionListener {
  onEvent(event: EngineEvent): void;
  /** Called on every (re)connect, after the event stream is open: reconcile with one list + inspect. */
  onConnected(client: EngineClient): Promise<void>;
  onStatus(status: EngineStatus): void;
}

/**
 * Keeps the engine's event stream open. When the engine goes away it says so and reconnects by
 * itself (backoff while disconnected only: while connected, nothing is polled).
 */
export class EngineConnection {
  readonly client: EngineClient;
  private stopEvents: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private attempt = 0;
  private disposed = false;
  private current: EngineStatus;
  private heard: () => void = () => undefined;

  constructor(
    target: EngineTarget,
    private readonly listener: ConnectionListener,
    options: EngineClientOptions = {},
  ) {
    this.client = new EngineClient(target, options);
    this.answered = new Promise((resolve) => (this.heard = resolve));
    this.current = { connected: false, kind: target.kind, endpoint: target.label, message: 'Connecting…' };
  }

  get status(): EngineStatus {
    return this.current;
  }

  /** Resolves after the first attempt, connected or not. */
  async start(): Promise<void> {
    await this.connect();
  }

  /**
   * Resolves once the first attempt heard from the engine, or failed: a host that waits for the engine only
   * so long (the web host) waits for the rest of the attempt (a reconcile, every call within its deadline)
   * only when the engine does answer.
   */
  readonly answered: Promise<void>;

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.listener.onStatus(status);
  }

  private async connect(): Promise<void> {
    if (this.disposed) return;
    const { unusable } = this.client.target;
    if (unusable) {
      // Nothing to retry: the address itself is wrong until the user changes it (and restarts Porthole).
      this.setStatus({
        connected: false,
        kind: this.client.target.kind,
        endpoint: this.client.target.label,
        message: unusable,
      });
      this.heard();
      return;
    }
    try {
      await this.client.ping().finally(() => this.heard());
      if (this.disposed) return;
      const stopEvents = await this.client.events(
        (e) => this.listener.onEvent(e),
        (err) => this.lost(err),
      );
      // Disposed while the stream opened (a host that did not wait for the engine, closed meanwhile).
      if (this.disposed) return stopEvents();
      this.stopEvents = stopEvents;
      this.attempt = 0;
      this.setStatus({ connected: true, kind: await this.client.engineKind(), endpoint: this.client.target.label });
      await this.listener.onConnected(this.client);
    } catch (err) {
      this.lost(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private lost(err?: Error): void {
    if (this.disposed) return;
    this.stopEvents?.();
    this.stopEvents = undefined;
    if (this.retry) return;
    if (this.current.connected || this.attempt === 0) {
      // An engine error already says it in words naming the engine (no answer within its deadline, say).
      const said =
        err instanceof PortholeError && err.code === 'ENGINE_UNAVAILABLE'
          ? err.message
          : `The container engine at ${this.client.target.label} is not answering${err ? ` (${err.message})` : ''}.`;
      this.setStatus({
        connected: false,
        kind: this.client.target.kind,
        endpoint: this.client.target.label,
        message: `${said} Porthole reconnects when it returns.`,
      });
    }
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
    this.attempt += 1;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, delay);
  }

  dispose(): void {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.stopEvents?.();
  }
}
