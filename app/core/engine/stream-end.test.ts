import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { endedOnce } from './stream-end';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('endedOnce', () => {
  it('tells the end once, though the stream ends and then closes', async () => {
    const stream = new PassThrough();
    const ends: (Error | undefined)[] = [];
    endedOnce(stream, (err) => ends.push(err));
    stream.resume();
    stream.end();
    await settle();
    expect(stream.destroyed).toBe(true);
    expect(ends).toEqual([undefined]);
  });

  it('tells a failure with its error, once, though a close follows', async () => {
    const stream = new PassThrough();
    const ends: (Error | undefined)[] = [];
    endedOnce(stream, (err) => ends.push(err));
    const failure = new Error('the engine went away');
    stream.destroy(failure);
    await settle();
    expect(ends).toEqual([failure]);
  });

  it('tells nothing when the caller stopped following, and closes the stream', async () => {
    const stream = new PassThrough();
    const ends: (Error | undefined)[] = [];
    const stop = endedOnce(stream, (err) => ends.push(err));
    stop();
    await settle();
    expect(stream.destroyed).toBe(true);
    expect(ends).toEqual([]);
  });
});
