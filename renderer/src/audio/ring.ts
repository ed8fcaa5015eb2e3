/** Sizes of the player's jitter buffer, in frames. */
export interface RingOptions {
  /** Frames the ring can hold at all; the oldest go when a write would pass it. */
  capacity: number;
  /** Frames buffered before playback starts (and starts again after an underrun): the jitter target. */
  target: number;
  /**
   * Above this many buffered frames each read skips one frame (a 0.8% catch-up at 128 frames a read, not
   * heard), so a sender's clock a little faster than the sound card's does not creep up to `max`.
   */
  catchUp: number;
  /** Past this many buffered frames the ring drops the oldest down to `target`, so latency cannot creep. */
  max: number;
}

export interface RingStats {
  buffered: number;
  /** Times playback ran dry after it had started. */
  underruns: number;
  /** Times the buffer grew past `max` and was cut back to `target`. */
  resyncs: number;
  /** Frames thrown away by resyncs and overflow. */
  dropped: number;
  playing: boolean;
}

/** Defaults: start at 80 ms, catch up gently past 110 ms, cut back past 160 ms, hold at most a second. */
export function ringOptionsFor(sampleRate: number): RingOptions {
  return {
    capacity: sampleRate,
    target: Math.round(sampleRate * 0.08),
    catchUp: Math.round(sampleRate * 0.11),
    max: Math.round(sampleRate * 0.16),
  };
}

/** A stereo ring buffer between the socket (writes) and the audio thread (reads, 128 frames at a time). */
export class StereoRing {
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private start = 0;
  private size = 0;
  private playing = false;
  private underruns = 0;
  private resyncs = 0;
  private dropped = 0;

  constructor(private readonly options: RingOptions) {
    const { target, catchUp, max, capacity } = options;
    if (!(target <= catchUp && catchUp <= max && max <= capacity))
      throw new Error('ring sizes must be target <= catchUp <= max <= capacity');
    this.left = new Float32Array(options.capacity);
    this.right = new Float32Array(options.capacity);
  }

  write(left: Float32Array, right: Float32Array): void {
    const { capacity } = this.options;
    const frames = Math.min(left.length, right.length);
    for (let i = 0; i < frames; i += 1) {
      if (this.size === capacity) this.skip(1);
      const at = (this.start + this.size) % capacity;
      this.left[at] = left[i]!;
      this.right[at] = right[i]!;
      this.size += 1;
    }
    if (this.size > this.options.max) {
      this.skip(this.size - this.options.target);
      this.resyncs += 1;
    }
  }

  /** Fills both outputs: the buffered frames, silence while priming, and silence past an underrun. */
  read(outLeft: Float32Array, outRight: Float32Array): void {
    const wanted = outLeft.length;
    if (!this.playing) {
      if (this.size < this.options.target) {
        outLeft.fill(0);
        outRight.fill(0);
        return;
      }
      this.playing = true;
    }
    const { capacity } = this.options;
    if (this.size > this.options.catchUp + wanted) this.skip(1);
    const taken = Math.min(wanted, this.size);
    for (let i = 0; i < taken; i += 1) {
      const at = (this.start + i) % capacity;
      outLeft[i] = this.left[at]!;
      outRight[i] = this.right[at]!;
    }
    outLeft.fill(0, taken);
    outRight.fill(0, taken);
    this.start = (this.start + taken) % capacity;
    this.size -= taken;
    if (taken < wanted) {
      // Ran dry: count it, and build the jitter buffer up again before playing on.
      this.underruns += 1;
      this.playing = false;
    }
  }

  /** Empties the ring (a new stream); the counters stay. */
  clear(): void {
    this.start = 0;
    this.size = 0;
    this.playing = false;
  }

  stats(): RingStats {
    return {
      buffered: this.size,
      underruns: this.underruns,
      resyncs: this.resyncs,
      dropped: this.dropped,
      playing: this.playing,
    };
  }

  private skip(frames: number): void {
    this.start = (this.start + frames) % this.options.capacity;
    this.size -= frames;
    this.dropped += frames;
  }
}
