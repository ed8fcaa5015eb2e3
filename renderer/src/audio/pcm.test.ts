import { describe, expect, it } from 'vitest';
import { PcmDecoder } from './pcm';

/** Little-endian s16 stereo bytes of [left, right] pairs. */
function pcm(frames: [number, number][]): Uint8Array {
  const view = new DataView(new ArrayBuffer(frames.length * 4));
  frames.forEach(([l, r], i) => {
    view.setInt16(i * 4, l, true);
    view.setInt16(i * 4 + 2, r, true);
  });
  return new Uint8Array(view.buffer);
}

describe('PcmDecoder', () => {
  it('turns s16 into -1..1 floats and splits the interleaved channels', () => {
    const { left, right } = new PcmDecoder().decode(
      pcm([
        [0, 16384],
        [32767, -32768],
        [-16384, 1],
      ]).buffer as ArrayBuffer,
    );
    expect(Array.from(left)).toEqual([0, 32767 / 32768, -0.5]);
    expect(Array.from(right)).toEqual([0.5, -1, 1 / 32768]);
  });

  it('reads little-endian bytes whatever the order of this computer', () => {
    // 0x0100 = 256 in little-endian is bytes 00 01; 0xff7f = 32767 is ff 7f.
    const { left, right } = new PcmDecoder().decode(new Uint8Array([0x00, 0x01, 0xff, 0x7f]));
    expect(left[0]).toBe(256 / 32768);
    expect(right[0]).toBe(32767 / 32768);
  });

  it('keeps a partial frame for the next message, wherever a message ends', () => {
    const frames: [number, number][] = Array.from({ length: 50 }, (_, i) => [i * 100 - 2000, 5 - i * 37]);
    const bytes = pcm(frames);
    // Cut at every kind of offset inside a frame: 1, 2, 3 bytes in, and on a boundary.
    const cuts = [0, 1, 6, 11, 16, 17, 18, 19, 64, 101, 150, 199, 200];
    const decoder = new PcmDecoder();
    const left: number[] = [];
    const right: number[] = [];
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const out = decoder.decode(bytes.slice(cuts[i], cuts[i + 1]));
      left.push(...out.left);
      right.push(...out.right);
    }
    expect(decoder.pending).toBe(0);
    expect(left).toEqual(frames.map(([l]) => l / 32768));
    expect(right).toEqual(frames.map(([, r]) => r / 32768));
  });

  it('gives no frames for a message shorter than a frame, and the pending bytes count', () => {
    const decoder = new PcmDecoder();
    expect(decoder.decode(new Uint8Array([1, 2, 3])).left).toHaveLength(0);
    expect(decoder.pending).toBe(3);
    expect(decoder.decode(new Uint8Array([4, 5])).left).toHaveLength(1);
    expect(decoder.pending).toBe(1);
    decoder.reset();
    expect(decoder.pending).toBe(0);
  });

  it('decodes a view into a larger buffer by its own bytes only', () => {
    const backing = new Uint8Array(12);
    backing.set(pcm([[1000, -1000]]), 4);
    const { left, right } = new PcmDecoder().decode(backing.subarray(4, 8));
    expect(Array.from(left)).toEqual([1000 / 32768]);
    expect(Array.from(right)).toEqual([-1000 / 32768]);
  });
});
