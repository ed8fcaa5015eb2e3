import RFB, { type RfbEventMap } from '@novnc/novnc';
import { FIRST_CONNECT_RETRY_MS, FIRST_CONNECT_WINDOW_MS, reconnectDelay, STABLE_CONNECTION_MS } from './reconnect';

declare global {
  interface Window {
    /** The live RFB client, for end-to-end tests only (`<Screen exposeForTests>`). */
    __portholeRfb?: RFB;
  }
}

/** What the screen shows; also `data-screen-state` for tests. */
export type ScreenState = 'waiting' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ConnectionSnapshot {
  readonly state: ScreenState;
  /** How many RFB clients this screen has created: each connection attempt is a new session. */
  readonly session: number;
  /** Failed attempts since the last good connection; > 0 while reconnecting. */
  readonly attempt: number;
  /** Delay of the pending reconnect, in ms. */
  readonly retryInMs: number | null;
  /** Why the last connection ended, in the user's words; null after a clean user disconnect. */
  readonly error: string | null;
  /** The last text Windows put on its clipboard. */
  readonly clipboardText: string | null;
}

export interface ViewOptions {
  /** Scale the remote screen to fit its container, keeping its aspect ratio. */
  scaleViewport: boolean;
  /** Clip instead of showing scrollbars when the screen is larger than its container. */
  clipViewport: boolean;
}

export type CreateRfb = (target: HTMLElement, url: string) => RFB;

interface Session {
  readonly id: number;
  readonly rfb: RFB;
  readonly removeListeners: (() => void)[];
  connectedAt: number | null;
  /** Set when the connection must not be retried by itself (the server wants credentials, refused us). */
  fatal: string | null;
  /** The RFB client reached 'disconnected'; calling disconnect() again would only log an error. */
  closed: boolean;
}

const initialSnapshot: ConnectionSnapshot = {
  state: 'waiting',
  session: 0,
  attempt: 0,
  retryInMs: null,
  error: null,
  clipboardText: null,
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The life of one screen's RFB connections, outside React: React renders its snapshot
 * (useSyncExternalStore) and tells it what is wanted. Each connection attempt is a session with
 * its own RFB client and listeners; events of any session but the current one are ignored, and a
 * session's listeners are removed before its client is disconnected.
 */
export class ScreenConnection {
  private target: HTMLElement | null = null;
  private url: string | null = null;
  /** The user disconnected (or a fatal error happened): connect only when asked to. */
  private held = false;
  private current: Session | null = null;
  private sessions = 0;
  private failures = 0;
  /** When the screen was last wanted (an endpoint set, Connect clicked) with no connection since; null once one worked. */
  private firstConnectSince: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private view: ViewOptions = { scaleViewport: true, clipViewport: false };
  private exposeForTests = false;
  private snapshot: ConnectionSnapshot = initialSnapshot;
  private readonly subscribers = new Set<() => void>();

  constructor(
    private readonly createRfb: CreateRfb = (target, url) => new RFB(target, url, { shared: true }),
    private readonly now: () => number = () => Date.now(),
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  };

  readonly getSnapshot = (): ConnectionSnapshot => this.snapshot;

  /** The RFB client once connected; null otherwise. */
  get rfb(): RFB | null {
    return this.current?.connectedAt != null ? this.current.rfb : null;
  }

  /** Gives the element noVNC draws into; the returned function takes it back and ends any session. */
  attach(target: HTMLElement): () => void {
    this.target = target;
    this.reconcile();
    return () => {
      if (this.target !== target) return;
      this.target = null;
      this.stopAll();
      this.update({ state: 'waiting', attempt: 0, retryInMs: null });
    };
  }

  /** The websocket to show, or null when the machine has no screen now (stopped, booting, no endpoint yet). */
  setEndpoint(url: string | null): void {
    if (url === this.url) return;
    this.url = url;
    this.stopAll();
    this.failures = 0;
    this.firstConnectSince = url === null ? null : this.now();
    // A machine that stops and starts again shows its screen again, even after a user disconnect.
    if (url === null) this.held = false;
    this.update({ attempt: 0, retryInMs: null, error: this.held ? this.snapshot.error : null });
    this.reconcile();
  }

  /** The user asks for a connection: forget any hold and backoff, connect now. */
  connect(): void {
    this.held = false;
    this.failures = 0;
    this.firstConnectSince = this.now();
    this.stopAll();
    this.update({ error: null, attempt: 0, retryInMs: null });
    this.reconcile();
  }

  /** The user disconnects: no reconnect until connect(). */
  disconnect(): void {
    this.held = true;
    this.failures = 0;
    this.stopAll();
    this.update({ error: null, attempt: 0, retryInMs: null });
    this.reconcile();
  }

  setView(view: ViewOptions): void {
    this.view = { ...view };
    if (this.current) this.applyView(this.current.rfb);
  }

  setExposeForTests(expose: boolean): void {
    this.exposeForTests = expose;
    const rfb = this.current?.rfb;
    if (expose && rfb) window.__portholeRfb = rfb;
    if (!expose && rfb && window.__portholeRfb === rfb) delete window.__portholeRfb;
  }

  /** Gives the keyboard back to the remote screen (after a toolbar click, say). */
  focus(): void {
    this.rfb?.focus({ preventScroll: true });
  }

  private emit(): void {
    for (const listener of this.subscribers) listener();
  }

  private update(patch: Partial<ConnectionSnapshot>): void {
    const next = { ...this.snapshot, ...patch };
    const keys = Object.keys(next) as (keyof ConnectionSnapshot)[];
    if (keys.every((k) => next[k] === this.snapshot[k])) return;
    this.snapshot = next;
    this.emit();
  }

  /** Brings the connection in line with what is wanted. */
  private reconcile(): void {
    if (!this.target || this.url === null) {
      this.update({ state: 'waiting' });
      return;
    }
    if (this.held) {
      this.update({ state: 'disconnected' });
      return;
    }
    if (!this.current && this.retryTimer === null) this.open(this.target, this.url);
  }

  private open(target: HTMLElement, url: string): void {
    const id = ++this.sessions;
    const state: ScreenState = this.failures > 0 ? 'reconnecting' : 'connecting';
    let rfb: RFB;
    try {
      rfb = this.createRfb(target, url);
    } catch (error) {
      // A client that cannot even be built (a malformed URL) will not get better by retrying.
      this.held = true;
      this.update({
        state: 'disconnected',
        session: id,
        retryInMs: null,
        error: `The screen could not be opened: ${message(error)}`,
      });
      return;
    }
    const session: Session = { id, rfb, removeListeners: [], connectedAt: null, fatal: null, closed: false };
    this.current = session;
    rfb.focusOnClick = true;
    rfb.resizeSession = false;
    rfb.background = '#000';
    this.applyView(rfb);
    if (this.exposeForTests) window.__portholeRfb = rfb;

    const on = <K extends keyof RfbEventMap>(type: K, handle: (event: RfbEventMap[K]) => void): void => {
      const listener = (event: RfbEventMap[K]): void => {
        if (this.current !== session) return; // an old session's late event
        handle(event);
      };
      rfb.addEventListener(type, listener);
      session.removeListeners.push(() => rfb.removeEventListener(type, listener));
    };
    on('connect', () => this.onConnect(session));
    on('disconnect', (event) => this.onDisconnect(session, event.detail.clean));
    on('securityfailure', (event) => {
      const why = event.detail.reason ?? `status ${event.detail.status}`;
      session.fatal = `The screen refused the connection (${why}).`;
    });
    on('credentialsrequired', () => {
      session.fatal =
        'The screen asks for a password, but Porthole machines have none. Another program may be using this port: restart the machine.';
      rfb.disconnect();
    });
    on('clipboard', (event) => this.update({ clipboardText: event.detail.text }));

    this.update({ state, session: id, attempt: this.failures, retryInMs: null });
  }

  private onConnect(session: Session): void {
    session.connectedAt = this.now();
    this.firstConnectSince = null;
    this.update({ state: 'connected', attempt: 0, retryInMs: null, error: null });
    // Take the keyboard unless the user is busy in another part of the window.
    const active = document.activeElement;
    if (!active || active === document.body || (this.target?.contains(active) ?? false)) this.focus();
  }

  private onDisconnect(session: Session, clean: boolean): void {
    session.closed = true;
    const wasStable = session.connectedAt !== null && this.now() - session.connectedAt >= STABLE_CONNECTION_MS;
    this.end(session);
    if (session.fatal) {
      this.held = true;
      this.update({ state: 'disconnected', error: session.fatal, attempt: 0, retryInMs: null });
      return;
    }
    if (!this.target || this.url === null) {
      this.update({ state: 'waiting' });
      return;
    }
    // The screen is still starting: try again soon, without counting a failure or showing one.
    if (
      session.connectedAt === null &&
      this.firstConnectSince !== null &&
      this.now() - this.firstConnectSince < FIRST_CONNECT_WINDOW_MS
    ) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.reconcile();
      }, FIRST_CONNECT_RETRY_MS);
      this.update({ state: 'connecting' });
      return;
    }
    this.firstConnectSince = null;
    if (wasStable) this.failures = 0;
    this.failures += 1;
    const delay = reconnectDelay(this.failures);
    const error =
      session.connectedAt === null
        ? 'Could not reach the screen.'
        : clean
          ? 'The screen closed the connection.'
          : 'The connection to the screen was lost.';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.reconcile();
    }, delay);
    this.update({ state: 'reconnecting', attempt: this.failures, retryInMs: delay, error });
  }

  /** Ends a session: listeners first, so its own disconnect event is never seen, then the client. */
  private end(session: Session): void {
    for (const remove of session.removeListeners.splice(0)) remove();
    if (!session.closed) {
      session.closed = true;
      try {
        session.rfb.disconnect();
      } catch {
        // Already torn down by noVNC; nothing left to release.
      }
    }
    if (window.__portholeRfb === session.rfb) delete window.__portholeRfb;
    if (this.current === session) this.current = null;
  }

  private stopAll(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.current) this.end(this.current);
  }

  private applyView(rfb: RFB): void {
    rfb.scaleViewport = this.view.scaleViewport;
    rfb.clipViewport = this.view.clipViewport;
  }
}
