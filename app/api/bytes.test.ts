import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

describe('formatBytes: one unit system (binary, labelled as Windows labels it)', () => {
  it('shows a 64 GB disk as 64 GB, as the disk size was chosen (issue 23 item 7)', () => {
    expect(formatBytes(64 * 1024 ** 3)).toBe('64 GB');
    expect(formatBytes(68_719_476_736)).toBe('64 GB');
  });
  it('moves up a unit at 1000 of the one below', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(45 * 1024 ** 2)).toBe('45 MB');
    expect(formatBytes(1000 * 1024 ** 2)).toBe('1 GB');
    expect(formatBytes(200 * 1024 ** 3)).toBe('200 GB');
  });
});
