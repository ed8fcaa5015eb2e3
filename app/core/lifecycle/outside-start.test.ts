import { describe, expect, it } from 'vitest';
import { parseEngineEvent, type EngineEvent } from '../engine/events';
import { imageRepository } from '../../api';
import { machinesNeedEvent } from './outside-start';

const RECORDS = [
  { settings: { image: 'porthole/standin-windows:4a4731953efb' } },
  { settings: { image: 'dockurr/windows' }, adoptedContainerId: 'adopted1' },
];

function start(attributes: Record<string, string>, id = 'c0ffee'): EngineEvent {
  return parseEngineEvent(
    JSON.stringify({ Type: 'container', Action: 'start', id, Actor: { ID: id, Attributes: attributes }, time: 1 }),
  )!;
}

describe('which engine events the machines need', () => {
  it('reads the image from the engine event', () => {
    expect(start({ image: 'busybox', name: 'x' }).image).toBe('busybox');
    expect(start({ name: 'x' }).image).toBeUndefined();
  });

  it('drops the start of an unlabelled container of another image: no inspect for it', () => {
    expect(machinesNeedEvent(start({ image: 'busybox' }), RECORDS)).toBe(false);
    expect(machinesNeedEvent(start({ image: 'docker.io/library/nginx:1.27' }), RECORDS)).toBe(false);
    expect(machinesNeedEvent(start({ image: 'ghcr.io/someone/windows:1' }), RECORDS)).toBe(false);
  });

  it('keeps the start of a container that may be a machine run by hand: the Windows image or a machine’s, any tag', () => {
    expect(machinesNeedEvent(start({ image: 'dockurr/windows' }), RECORDS)).toBe(true);
    expect(machinesNeedEvent(start({ image: 'docker.io/dockurr/windows:4.07' }), RECORDS)).toBe(true);
    expect(machinesNeedEvent(start({ image: 'dockurr/windows@sha256:' + 'a'.repeat(64) }), RECORDS)).toBe(true);
    expect(machinesNeedEvent(start({ image: 'porthole/standin-windows:other' }), RECORDS)).toBe(true);
  });

  it('keeps what it cannot tell: no image in the event, or an image id', () => {
    expect(machinesNeedEvent(start({}), RECORDS)).toBe(true);
    expect(machinesNeedEvent(start({ image: 'sha256:' + 'b'.repeat(64) }), RECORDS)).toBe(true);
    expect(machinesNeedEvent(start({ image: 'b'.repeat(12) }), RECORDS)).toBe(true);
  });

  it('keeps every event of a labelled or adopted container, and every other action', () => {
    expect(machinesNeedEvent(start({ image: 'busybox', 'io.porthole.machine': 'm1' }), RECORDS)).toBe(true);
    expect(machinesNeedEvent(start({ image: 'busybox' }, 'adopted1'), RECORDS)).toBe(true);
    const die = parseEngineEvent(
      JSON.stringify({
        Type: 'container',
        Action: 'die',
        id: 'c0ffee',
        Actor: { ID: 'c0ffee', Attributes: { image: 'busybox' } },
        time: 1,
      }),
    )!;
    expect(machinesNeedEvent(die, RECORDS)).toBe(true);
  });

  it('names repositories without registry defaults, tag or digest', () => {
    expect(imageRepository('localhost:5000/win:1')).toBe('localhost:5000/win');
    expect(imageRepository('localhost/win:1')).toBe('win');
    expect(imageRepository('dockurr/windows')).toBe('dockurr/windows');
  });
});
