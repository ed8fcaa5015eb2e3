import { describe, expect, it } from 'vitest';
import { EVENT_FILTER, parseEngineEvent } from './events';

// Lines as Podman 4.3's Docker-compatible /events wrote them (measured), shortened to what matters.
const podman = (status: string, attributes: Record<string, string>): string =>
  JSON.stringify({
    status,
    id: 'e0e8b045617d',
    Type: 'container',
    Action: status,
    Actor: { ID: 'e0e8b045617d', Attributes: attributes },
    time: 1795918703,
  });

describe('engine events from Docker and Podman', () => {
  it('asks the engine for Podman’s names too: its filter matches `died` and `remove`, not `die` and `destroy`', () => {
    // Before, the filter held Docker's names only and a Podman stream never carried an exit.
    expect(EVENT_FILTER).toEqual(expect.arrayContaining(['start', 'die', 'died', 'oom', 'destroy', 'remove']));
  });

  it('reads Podman’s exit (its exitCode attribute) and removal as Docker’s die and destroy', () => {
    const exit = parseEngineEvent(
      podman('died', { containerExitCode: '88', exitCode: '88', 'io.porthole.machine': 'm1', name: 't1' }),
    );
    expect(exit).toMatchObject({ action: 'die', containerId: 'e0e8b045617d', exitCode: 88, machineId: 'm1' });
    expect(parseEngineEvent(podman('remove', { 'io.porthole.machine': 'm1' }))).toMatchObject({
      action: 'destroy',
      machineId: 'm1',
    });
    // As printed by the compatible API (its own name translated) it reads the same.
    expect(parseEngineEvent(podman('die', { exitCode: '0' }))).toMatchObject({ action: 'die', exitCode: 0 });
  });

  it('reads the container’s record nonce (its io.porthole.record label); an older container has none', () => {
    expect(
      parseEngineEvent(podman('start', { 'io.porthole.machine': 'm1', 'io.porthole.record': 'n1' })),
    ).toMatchObject({ machineId: 'm1', record: 'n1' });
    expect(parseEngineEvent(podman('start', { 'io.porthole.machine': 'm1' }))?.record).toBeUndefined();
  });

  it('keeps Docker’s names as they are', () => {
    const line = JSON.stringify({
      status: 'destroy',
      id: 'abc',
      Type: 'container',
      Action: 'destroy',
      Actor: { ID: 'abc', Attributes: {} },
      time: 1,
    });
    expect(parseEngineEvent(line)).toMatchObject({ action: 'destroy', containerId: 'abc' });
  });
});
