import type { RingStats } from './ring';

/** The processor's name, as registered in the worklet and created by the player. */
export const PROCESSOR_NAME = 'porthole-pcm-player';

/** Main thread -> worklet: frames to play (their buffers transferred), a new stream, or a request for stats. */
export type ToWorklet =
  { type: 'frames'; left: Float32Array; right: Float32Array } | { type: 'clear' } | { type: 'stats' };

/** Worklet -> main thread, the answer to `{ type: 'stats' }` (the player asks about ten times a second). */
export type FromWorklet = { type: 'stats' } & RingStats;
