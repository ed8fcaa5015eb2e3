/**
 * The screen's sound stream, as dockur's `/audio` websocket sends it: raw PCM, signed 16-bit little-endian,
 * 48 kHz, stereo interleaved, in messages of any size (a message may end inside a frame).
 */
export const SAMPLE_RATE = 48_000;
const BYTES_PER_FRAME = 4;

/** One channel's samples each, -1..1. */
export interface StereoFrames {
  left: Float32Array;
  right: Float32Array;
}

const EMPTY = new Uint8Array(0);

/** Turns messages into float frames, keeping the bytes of a partial frame for the next message. */
export class PcmDecoder {
  private leftover: Uint8Array = EMPTY;

  decode(message: ArrayBuffer | Uint8Array): StereoFrames {
    const incoming = message instanceof Uint8Array ? message : new Uint8Array(message);
    let bytes = incoming;
    if (this.leftover.length > 0) {
      bytes = new Uint8Array(this.leftover.length + incoming.length);
      bytes.set(this.leftover);
      bytes.set(incoming, this.leftover.length);
    }
    const frames = Math.floor(bytes.length / BYTES_PER_FRAME);
    const usable = frames * BYTES_PER_FRAME;
    this.leftover = usable < bytes.length ? bytes.slice(usable) : EMPTY;
    // A DataView reads little-endian whatever this computer's byte order.
    const view = new DataView(bytes.buffer, bytes.byteOffset, usable);
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    for (let i = 0; i < frames; i += 1) {
      left[i] = view.getInt16(i * BYTES_PER_FRAME, true) / 32768;
      right[i] = view.getInt16(i * BYTES_PER_FRAME + 2, true) / 32768;
    }
    return { left, right };
  }

  /** Bytes of a partial frame waiting for the next message. */
  get pending(): number {
    return this.leftover.length;
  }

  reset(): void {
    this.leftover = EMPTY;
  }
}
