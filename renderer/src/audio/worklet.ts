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

/** Render quanta between two stats messages (128 frames each: ~107 ms at 48 kHz). */
const STATS_EVERY = 40;

class PcmPlayerProcessor extends AudioWorkletProcessor {
  private readonly ring = new StereoRing(ringOptionsFor(sampleRate));
  private quanta = 0;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<ToWorklet>) => {
      const message = event.data;
      if (message.type === 'frames') this.ring.write(message.left, message.right);
      else this.ring.clear();
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    if (channels?.[0]) this.ring.read(channels[0], channels[1] ?? new Float32Array(channels[0].length));
    this.quanta += 1;
    if (this.quanta % STATS_EVERY === 0) {
      const stats: FromWorklet = { type: 'stats', ...this.ring.stats() };
      this.port.postMessage(stats);
    }
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, PcmPlayerProcessor);
