import { describe, expect, it } from 'vitest';
import { captureScreenshot, screenshotFileName } from './screenshot';

describe('screenshots', () => {
  it('names the file after the machine and the local time, without path characters', () => {
    expect(screenshotFileName('Windows 11', new Date(2026, 10, 2, 5, 4, 3))).toBe('Windows 11 2026-11-02 05-04-03.png');
    expect(screenshotFileName('a/b:c\u0001', new Date(2026, 0, 1, 0, 0, 0))).toBe('a-b-c- 2026-01-01 00-00-00.png');
    expect(screenshotFileName('  ', new Date(2026, 0, 1, 0, 0, 0))).toBe('screen 2026-01-01 00-00-00.png');
  });

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
