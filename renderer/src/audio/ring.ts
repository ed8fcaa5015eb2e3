/** Sizes of the player's jitter buffer, in frames. */
export interface RingOptions {
  /** Frames the ring can hold at all; the oldest go when a write would pass it. */
  capacity: number;
  /**
   * Frames buffered before playback starts (and starts again after an underrun): the jitter target. With `adapt`
   * this is the base the adaptive target starts at and comes back down to.
   */
  target: number;
  /**
   * Above this many buffered frames each read skips one frame (a 0.8% catch-up at 128 frames a read, not
   * heard), so a sender's clock a little faster than the sound card's does not creep up to `max`. Given at the
   * base target; it moves with the adaptive target (the same distance above it).
   */
  catchUp: number;
  /** Past this many buffered frames the ring drops the oldest down to the target, so latency cannot creep. Moves with the target too. */
  max: number;
  /** The adaptive jitter target; without it the target stays at `target`. */
  adapt?: AdaptOptions;
}

/**
 * How the target follows the stream's jitter (all in frames). The ring keeps its own clock, the frames read so
 * far (real time as the audio thread sees it), and measures each write's lateness as WebRTC's NetEq does: its
 * delay (clock − stream position) against the earliest such delay of the last `window` buckets. The target is
 * `factor` times the highest lateness of the last `memory` buckets plus `margin`; an underrun raises it `underrunStep` more. It
 * rises at once, and comes down `decay` a bucket once nothing raised it for `hold`. Never above `ceiling`.
 */
export interface AdaptOptions {
  ceiling: number;
  underrunStep: number;
  /** The target is `factor` × the highest lateness + `margin`. */
  factor: number;
  margin: number;
  hold: number;
  decay: number;
  /** One bucket of the lateness history. */
  bucket: number;
  /** Buckets whose earliest delay is the reference (a sender's drift stays out of the lateness). */
  window: number;
  /** Buckets whose highest lateness sets the target. */
  memory: number;
  /**
   * Frames after a stream's first write whose lateness is not learnt: a page that is still starting (the screen
   * connecting, the audio device opening) delays the first messages once, not as the stream will go on.
   */
  warmUp: number;
  /**
   * While playing below target − this, each read plays one frame twice (the catch-up's mirror, 0.8% slower), so
   * a target raised without an underrun is reached without a gap.
   */
  stretchBelow: number;
}

export interface RingStats {
  buffered: number;
  /** The jitter target now (frames). */
  target: number;
  /** The highest lateness in the target's memory (frames): how late the stream came, lately. */
  lateness: number;
  /** Times playback ran dry after it had started. */
  underruns: number;
  /** Times the buffer grew past `max` and was cut back to the target. */
  resyncs: number;
  /** Frames thrown away by resyncs, catch-up and overflow. */
  dropped: number;
  /** Frames played twice to raise the buffer to a higher target. */
  stretched: number;
  playing: boolean;
}

/**
 * Defaults at 48 kHz, chosen from bench/audio (its README has the runs): start at 80 ms (median click latency
 * 66-100 ms, 0 underruns at ordinary load), catch up gently 20 ms above the target (the steady saw-tooth of 10 ms
 * messages fits under it), cut back 80 ms above it, hold at most a second.
 * Adaptive: the target is twice the last 10 s's highest lateness + 10 ms. On the loaded bench machine the lateness
 * sat at 15-45 ms (the audio device's batching, the browser's threads; 2 x 45 + 10 = 100 ms) and a rare stall
 * came at about twice the recent peak (113 ms after peaks of 65 ms); at ordinary load it stays under 35 ms, so
 * the target stays at the base. Each underrun adds 20 ms more. 20 s without a raise and it comes down 5 ms a
 * second (slower than the catch-up drains, 7.5 ms a second, so no resync); never above 120 ms: the click
 * reaches the speaker about 20 ms after the target, so the median stays under 150 ms even under load (at 200 ms
 * the loaded runs' median was 183-202 ms; at 120 ms it was 99-120 ms with no underrun in the steady 20 s). The
 * first 3 s of a stream are not learnt: the page starting delayed them once by up to 150 ms (bench/audio), which
 * would have held the target at its ceiling a minute.
 */
export function ringOptionsFor(sampleRate: number): RingOptions {
  const ms = (n: number): number => Math.round((sampleRate * n) / 1000);
  return {
    capacity: sampleRate,
    target: ms(80),
    catchUp: ms(100),
    max: ms(160),
    adapt: {
      ceiling: ms(120),
      underrunStep: ms(20),
      factor: 2,
      margin: ms(10),
      hold: ms(20_000),
      decay: ms(2.5),
      bucket: ms(500),
      window: 4,
      memory: 20,
      warmUp: ms(3000),
      stretchBelow: ms(2),
    },
  };
}

/** A stereo ring buffer between the socket (writes) and the audio thread (reads, 128 frames at a time). */
export class StereoRing {
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private readonly jitter: JitterTarget;
  private start = 0;
  private size = 0;
  private playing = false;
  /** Frames read so far, silence included: the audio thread's clock. */
  private clock = 0;
  /** Frames written so far: the stream's position. */
  private position = 0;
  private underruns = 0;
  private resyncs = 0;
  private dropped = 0;
  private stretched = 0;

  constructor(private readonly options: RingOptions) {
    const { target, catchUp, max, capacity, adapt } = options;
    if (!(target <= catchUp && catchUp <= max && max <= capacity))
      throw new Error('ring sizes must be target <= catchUp <= max <= capacity');
    if (adapt && !(target <= adapt.ceiling && adapt.ceiling + max - target <= capacity))
      throw new Error('ring sizes must be target <= ceiling and ceiling + (max - target) <= capacity');
    this.left = new Float32Array(options.capacity);
    this.right = new Float32Array(options.capacity);
    this.jitter = new JitterTarget(target, adapt);
  }

  write(left: Float32Array, right: Float32Array): void {
    const { capacity } = this.options;
    const frames = Math.min(left.length, right.length);
    this.jitter.arrived(this.clock, this.position);
    this.position += frames;
    for (let i = 0; i < frames; i += 1) {
      if (this.size === capacity) this.skip(1);
      const at = (this.start + this.size) % capacity;
      this.left[at] = left[i]!;
      this.right[at] = right[i]!;
      this.size += 1;
    }
    const target = this.jitter.target;
    if (this.size > target + this.options.max - this.options.target) {
      this.skip(this.size - target);
      this.resyncs += 1;
    }
  }

  /** Fills both outputs: the buffered frames, silence while priming, and silence past an underrun. */
  read(outLeft: Float32Array, outRight: Float32Array): void {
    const wanted = outLeft.length;
    this.clock += wanted;
    this.jitter.tick(this.clock);
    const target = this.jitter.target;
    if (!this.playing) {
      if (this.size < target) {
        outLeft.fill(0);
        outRight.fill(0);
        return;
      }
      this.playing = true;
    }
    const { capacity, adapt } = this.options;
    // Past the catch-up level one frame is skipped; under the stretch level the first frame plays twice.
    if (this.size > target + this.options.catchUp - this.options.target + wanted) this.skip(1);
    const twice = adapt !== undefined && this.size > 0 && this.size < target - adapt.stretchBelow ? 1 : 0;
    const taken = Math.min(wanted - twice, this.size);
    if (twice) {
      outLeft[0] = this.left[this.start]!;
      outRight[0] = this.right[this.start]!;
      this.stretched += 1;
    }
    for (let i = 0; i < taken; i += 1) {
      const at = (this.start + i) % capacity;
      outLeft[i + twice] = this.left[at]!;
      outRight[i + twice] = this.right[at]!;
    }
    outLeft.fill(0, taken + twice);
    outRight.fill(0, taken + twice);
    this.start = (this.start + taken) % capacity;
    this.size -= taken;
    if (taken + twice < wanted) {
      // Ran dry: count it, raise the target, and build the jitter buffer up to it before playing on.
      this.underruns += 1;
      this.playing = false;
      this.jitter.underrun(this.clock);
    }
  }

  /** Empties the ring (a new stream); the counters and the target stay. */
  clear(): void {
    this.start = 0;
    this.size = 0;
    this.playing = false;
    this.jitter.reset();
  }

  stats(): RingStats {
    return {
      buffered: this.size,
      target: this.jitter.target,
      lateness: this.jitter.lateness,
      underruns: this.underruns,
      resyncs: this.resyncs,
      dropped: this.dropped,
      stretched: this.stretched,
      playing: this.playing,
    };
  }

  private skip(frames: number): void {
    this.start = (this.start + frames) % this.options.capacity;
    this.size -= frames;
    this.dropped += frames;
  }
}

/** The adaptive target (see AdaptOptions): fixed-size history, nothing allocated after construction. */
export class JitterTarget {
  private readonly earliest: Float64Array;
  private readonly latest: Float64Array;
  /** The bucket the clock is in (absolute index); its slot is `current % memory`. */
  private current = 0;
  private raisedAt = 0;
  /** The clock before which lateness is not learnt (set at a stream's first write). */
  private learnFrom: number | null = null;
  private value: number;

  constructor(
    private readonly base: number,
    private readonly options: AdaptOptions | undefined,
  ) {
    this.value = base;
    const slots = options ? Math.max(options.memory, options.window) : 1;
    this.earliest = new Float64Array(slots).fill(Infinity);
    this.latest = new Float64Array(slots);
  }

  get target(): number {
    return this.value;
  }

  get lateness(): number {
    return this.options ? this.peak() : 0;
  }

  /** A write of stream position `position` (frames written before it) came at `clock` (frames read so far). */
  arrived(clock: number, position: number): void {
    const o = this.options;
    if (!o) return;
    this.tick(clock);
    this.learnFrom ??= clock + o.warmUp;
    if (clock < this.learnFrom) return;
    const delay = clock - position;
    const slot = this.current % this.earliest.length;
    if (delay < this.earliest[slot]!) this.earliest[slot] = delay;
    let reference = Infinity;
    for (let k = 0; k < o.window && k <= this.current; k += 1)
      reference = Math.min(reference, this.earliest[(this.current - k) % this.earliest.length]!);
    const lateness = delay - reference;
    if (lateness > this.latest[slot]!) this.latest[slot] = lateness;
    this.raiseTo(clock, this.wanted());
  }

  /** Playback ran dry at `clock`: the target goes one step above what it was. */
  underrun(clock: number): void {
    if (this.options) this.raiseTo(clock, Math.max(this.value, this.wanted()) + this.options.underrunStep);
  }

  /** Called with the clock at every read: at each new bucket the target may come down. */
  tick(clock: number): void {
    const o = this.options;
    if (!o) return;
    const bucket = Math.floor(clock / o.bucket);
    while (this.current < bucket) {
      this.current += 1;
      const slot = this.current % this.earliest.length;
      this.earliest[slot] = Infinity;
      this.latest[slot] = 0;
      if (clock - this.raisedAt >= o.hold) this.value = Math.max(this.wanted(), this.value - o.decay);
    }
  }

  /** A new stream: the history goes, the target stays (the network is the same). */
  reset(): void {
    this.learnFrom = null;
    this.earliest.fill(Infinity);
    this.latest.fill(0);
  }

  private peak(): number {
    let peak = 0;
    for (let k = 0; k < this.options!.memory && k <= this.current; k += 1)
      peak = Math.max(peak, this.latest[(this.current - k) % this.latest.length]!);
    return peak;
  }

  private wanted(): number {
    const o = this.options!;
    return Math.min(o.ceiling, Math.max(this.base, Math.round(this.peak() * o.factor) + o.margin));
  }

  private raiseTo(clock: number, wanted: number): void {
    const next = Math.min(this.options!.ceiling, wanted);
    if (next <= this.value) return;
    this.value = next;
    this.raisedAt = clock;
  }
}
