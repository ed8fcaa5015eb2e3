import { describe, expect, it } from 'vitest';
import { safeFileStem, savedScreenshotName, screenshotFileName } from './screenshot-name';

describe('screenshot file names', () => {
  const at = new Date(2026, 10, 2, 5, 4, 3);

  it('name a screenshot after the machine and the local time', () => {
    expect(screenshotFileName('Windows 11', at)).toBe('Windows 11 2026-11-02 05-04-03.png');
    expect(screenshotFileName('a/b:c\u0001', new Date(2026, 0, 1, 0, 0, 0))).toBe('a-b-c- 2026-01-01 00-00-00.png');
    expect(screenshotFileName('  ', at)).toBe('Porthole screenshot 2026-11-02 05-04-03.png');
  });

  it('save what the page proposed as it is, when it is safe, with .png once', () => {
    expect(savedScreenshotName(screenshotFileName('Windows 11', at), at)).toBe('Windows 11 2026-11-02 05-04-03.png');
    expect(savedScreenshotName('shot.PNG', at)).toBe('shot.png');
  });

  it('never leave the folder the person picks', () => {
    expect(savedScreenshotName('../../.bashrc', at)).toBe('bashrc.png');
    expect(savedScreenshotName('a/b\\c\u0000d', at)).toBe('a-b-c-d.png');
    expect(safeFileStem('x'.repeat(300))).toHaveLength(100);
  });

  it('fall back to a dated name when nothing is left', () => {
    expect(savedScreenshotName('', at)).toBe('Porthole screenshot 2026-11-02 05-04-03.png');
    expect(savedScreenshotName('...', at)).toBe('Porthole screenshot 2026-11-02 05-04-03.png');
  });
});
