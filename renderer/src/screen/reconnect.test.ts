import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './reconnect';

describe('reconnectDelay', () => {
  it('doubles from half a second and stays at five seconds', () => {
    expect([1, 2, 3, 4, 5, 6, 50, 5000].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });
});
