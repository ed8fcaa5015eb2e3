import { describe, expect, it } from 'vitest';
import { captureScreenshot } from './screenshot';

describe('screenshots', () => {
  it('asks the canvas for a PNG and fails clearly without a picture', async () => {
    const png = new Blob(['x'], { type: 'image/png' });
    const types: (string | undefined)[] = [];
    await expect(
      captureScreenshot({
        toBlob: (cb, type) => {
          types.push(type);
          cb(png);
        },
      }),
    ).resolves.toBe(png);
    expect(types).toEqual(['image/png']);
    await expect(captureScreenshot({ toBlob: (cb) => cb(null) })).rejects.toThrow('no picture');
  });
});
