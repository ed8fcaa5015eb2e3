import { PROCESSOR_NAME, type FromWorklet, type ToWorklet } from './messages';
import { PcmDecoder, SAMPLE_RATE } from './pcm';
import type { RingStats } from './ring';
import workletUrl from './worklet.ts?worker&url';

/**
 * `starting` until the context runs; `suspended` when the browser holds it until a user gesture
 * (Chromium's autoplay policy); `playing` while the stream plays (silence included); `failed` when the
 * worklet could not load; `stopped` once closed.
 */
export type AudioState = 'starting' | 'suspended' | 'playing' | 'failed' | 'stopped';

export interface AudioLevel {
  /** 0..1 */
  volume: number;
  muted: boolean;
}

/** What end-to-end tests and the audio bench read (`window.__portholeAudio`, test builds only). */
export interface AudioTestHook {
  readonly analyser: AnalyserNode;
  readonly context: AudioContext;
  state(): AudioState;
  /** The worklet's last report, or null before the first; each call asks the worklet for a new one. */
  stats(): RingStats | null;
  /** The audio socket's readyState, or null while there is none. */
  socketState(): number | null;
}

/**
 * A dropped or refused audio socket (the container restarted; a container from before sound was turned on
 * answers 502) is opened again after 2 s, doubling while it keeps failing, up to 30 s: no sound is not an error.
 */
const REOPEN_MS = 2000;
const REOPEN_MAX_MS = 30_000;
/** A context still suspended this long after creation waits for a user gesture. */
const GESTURE_WAIT_MS = 400;

/**
 * One screen's sound: the `/audio` websocket -> PCM decode -> AudioWorklet ring buffer -> gain (volume,
 * mute) -> analyser -> speakers. Lives outside React (useSyncExternalStore reads its state); `close()`
 * closes the socket and the AudioContext.
 */
export class ScreenAudio {
  readonly context: AudioContext;
  readonly analyser: AnalyserNode;
  private readonly gain: GainNode;
  private readonly decoder = new PcmDecoder();
  private node: AudioWorkletNode | null = null;
  private socket: WebSocket | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private closed = false;
  /** Sockets in a row that ended without sending anything. */
  private silentCloses = 0;
  private current: AudioState = 'starting';
  private lastStats: RingStats | null = null;
  private readonly subscribers = new Set<() => void>();

  constructor(
    private readonly url: string,
    level: AudioLevel,
  ) {
    this.context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
    this.gain = new GainNode(this.context, { gain: gainOf(level) });
    this.analyser = new AnalyserNode(this.context, { fftSize: 2048, smoothingTimeConstant: 0 });
    this.gain.connect(this.analyser).connect(this.context.destination);
    this.context.onstatechange = () => this.followContext();
    this.timers.push(setTimeout(() => this.followContext(true), GESTURE_WAIT_MS));
    this.followContext();
    this.context.audioWorklet.addModule(workletUrl).then(
      () => this.startWorklet(),
      () => this.setState('failed'),
    );
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  };

  readonly getState = (): AudioState => this.current;

  setLevel(level: AudioLevel): void {
    // A short glide, not a step: a step in gain clicks.
    this.gain.gain.setTargetAtTime(gainOf(level), this.context.currentTime, 0.01);
  }

  /** Lets the context run; called from a user gesture when the browser held it. */
  resume(): void {
    if (!this.closed) void this.context.resume().catch(() => undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.node?.disconnect();
    void this.context.close().catch(() => undefined);
    this.setState('stopped');
  }

  testHook(): AudioTestHook {
    return {
      analyser: this.analyser,
      context: this.context,
      state: () => this.current,
      stats: () => {
        // The answer comes on the port within a render quantum or so; this call gives the one before.
        this.post({ type: 'stats' });
        return this.lastStats;
      },
      socketState: () => this.socket?.readyState ?? null,
    };
  }

  private startWorklet(): void {
    if (this.closed) return;
    const node = new AudioWorkletNode(this.context, PROCESSOR_NAME, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [2],
    });
    node.port.onmessage = (event: MessageEvent<FromWorklet>) => {
      const { type: _type, ...stats } = event.data;
      this.lastStats = stats;
    };
    node.connect(this.gain);
    this.node = node;
    this.openSocket();
  }

  private openSocket(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (this.socket !== socket || !(event.data instanceof ArrayBuffer)) return;
      this.silentCloses = 0;
      // Decoded even while the context is held, so frames stay aligned; played only while it runs.
      const frames = this.decoder.decode(event.data);
      if (this.context.state !== 'running' || frames.left.length === 0) return;
      this.post({ type: 'frames', ...frames }, [frames.left.buffer, frames.right.buffer]);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.decoder.reset();
      this.post({ type: 'clear' });
      const delay = Math.min(REOPEN_MAX_MS, REOPEN_MS * 2 ** this.silentCloses);
      this.silentCloses += 1;
      this.timers.push(setTimeout(() => this.openSocket(), delay));
    };
  }

  private post(message: ToWorklet, transfer: Transferable[] = []): void {
    this.node?.port.postMessage(message, transfer);
  }

  private followContext(waited = false): void {
    if (this.closed || this.current === 'failed') return;
    if (this.context.state === 'running') this.setState('playing');
    else if (this.context.state === 'suspended' && (waited || this.current !== 'starting')) this.setState('suspended');
  }

  private setState(state: AudioState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.subscribers) listener();
  }
}

function gainOf(level: AudioLevel): number {
  return level.muted ? 0 : Math.min(1, Math.max(0, level.volume));
}
