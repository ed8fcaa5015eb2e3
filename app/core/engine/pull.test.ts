import { describe, expect, it } from 'vitest';
import { parsePullEvent, PullTracker } from './pull';

describe('PullTracker', () => {
  it('sums bytes over layers and completes finished ones', () => {
    const t = new PullTracker();
    const feed = (raw: unknown) => t.update(parsePullEvent(raw)!);
    feed({ status: 'Pulling from dockurr/windows', id: '6.05' });
    feed({ status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' });
    feed({ status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 100, total: 1000 } });
    let p = feed({ status: 'Downloading', id: 'bbbbbbbbbbbb', progressDetail: { current: 50, total: 500 } });
    expect(p).toMatchObject({ bytesDone: 150, bytesTotal: 1500 });
    p = feed({ status: 'Download complete', id: 'aaaaaaaaaaaa' });
    expect(p.bytesDone).toBe(1050);
    expect(p.layers.map((l) => l.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
    expect(t.error).toBeUndefined();
  });
  it('remembers an error reported inside the stream', () => {
    const t = new PullTracker();
    t.update(
      parsePullEvent({ errorDetail: { message: 'no space left on device' }, error: 'no space left on device' })!,
    );
    expect(t.error).toBe('no space left on device');
  });
  it('ignores junk', () => {
    expect(parsePullEvent(null)).toBeNull();
    expect(parsePullEvent('x')).toBeNull();
  });
});
