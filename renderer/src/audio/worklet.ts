// The AudioWorklet that plays the screen's sound: a ring buffer fed by the main thread (player.ts),
// read 128 frames at a time on the audio thread. Built as its own same-origin script (`?worker&url`),
// which the page's `script-src 'self'` allows.
import { PROCESSOR_NAME, type FromWorklet, type ToWorklet } from './messages';
import { ringOptionsFor, StereoRing } from './ring';

// The AudioWorkletGlobalScope's names (TypeScript's DOM library has none of them).
declare abstract class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;
declare const sampleRate: number;

// process() allocates nothing (no garbage collection on the audio thread): the stats are answered from the
// port's handler, when the main thread asks.
class PcmPlayerProcessor extends AudioWorkletProcessor {
  private readonly ring = new StereoRing(ringOptionsFor(sampleRate));
  /** A second channel's place when the output has one channel only (it is not heard). */
  private readonly spare = new Float32Array(128);

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<ToWorklet>) => {
      const message = event.data;
      if (message.type === 'frames') this.ring.write(message.left, message.right);
      else if (message.type === 'stats') {
        const stats: FromWorklet = { type: 'stats', ...this.ring.stats() };
        this.port.postMessage(stats);
      } else this.ring.clear();
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    const left = channels?.[0];
    if (left) this.ring.read(left, channels[1] ?? (left.length === this.spare.length ? this.spare : left.slice()));
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, PcmPlayerProcessor);
