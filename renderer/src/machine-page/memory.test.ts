import { describe, expect, it } from 'vitest';
import { memoryFloor, memoryNow } from './memory';

describe('memory graph numbers', () => {
  it('says what the machine holds now against its size, in the GB of its settings', () => {
    expect(memoryNow(8 * 1024 ** 3, 8)).toBe('8.0 GB of 8 GB');
    expect(memoryNow(2.5 * 1024 ** 3, 8)).toBe('2.5 GB of 8 GB');
    expect(memoryNow(40 * 1024 ** 2, 4)).toBe('40 MB of 4 GB');
    expect(memoryFloor(4)).toBe(4 * 1024 ** 3);
  });
});
