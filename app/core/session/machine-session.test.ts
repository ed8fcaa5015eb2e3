import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineStatus } from '../../api';
import type { EngineEvent } from '../engine/events';
import { MachineSession } from './machine-session';

const KVM_ERROR = [
  '❯ Starting Windows for Docker v6.05...',
  '\u001b[1;31m❯ ERROR: KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance.\u001b[0m',
  '\u001b[1;31m❯ ERROR: See the FAQ for possible causes, or disable acceleration by adding the "KVM=N" variable (not recommended).\u001b[0m',
];

function info(running: boolean, exitCode = 0): Docker.ContainerInspectInfo {
  return {
    Id: 'c1',
    State: {
      Running: running,
      Status: running ? 'running' : 'exited',
      ExitCode: exitCode,
      StartedAt: '2026-11-22T07:50:01.123456789Z',
    },
  } as unknown as Docker.ContainerInspectInfo;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const die = (exitCode: number): EngineEvent => ({
  action: 'die',
  containerId: 'c1',
  machineId: 'm',
  instance: undefined,
  exitCode,
  time: 0,
});

describe('MachineSession (fake engine)', () => {
  const sessions: MachineSession[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) s.detach();
  });

  function setup(
    inspect: () => Promise<Docker.ContainerInspectInfo | null>,
    tail: string[] = [],
    media?: 'windows-setup' | 'other-iso',
  ) {
    const calls = {
      since: [] as Array<number | undefined>,
      logs: 0,
      installed: 0,
      media: 0,
      onLine: undefined as ((line: string) => void) | undefined,
    };
    const statuses: MachineStatus[] = [];
    const session = new MachineSession({
      engine: () => ({
        inspect: () => inspect(),
        logs: async () => {
          calls.logs += 1;
          return tail;
        },
        followLogs: async (_id: string, onLine: (line: string) => void, since?: number) => {
          calls.since.push(since);
          calls.onLine = onLine;
          return () => undefined;
        },
      }),
      installMarker: /PORTHOLE-INSTALLED/,
      // Nothing listens on port 1: the status socket fails quietly.
      webPort: () => 1,
      installed: () => false,
      bootMedia: async () => {
        calls.media += 1;
        return media ?? 'windows-setup';
      },
      onChange: (s) => statuses.push(s),
      onInstalled: () => {
        calls.installed += 1;
      },
    });
    sessions.push(session);
    return { session, calls, statuses };
  }

  it('follows the log from the container’s start to the millisecond, so a restart in the same second replays nothing of the last run', async () => {
    const { session, calls } = setup(async () => info(true));
    await session.attach(info(true));
    expect(calls.since).toEqual([Date.parse('2026-11-22T07:50:01.123Z') / 1000]);
    expect(calls.since[0]! % 1).toBeGreaterThan(0);
  });

  it('a container that dies while its start is being inspected ends failed with the ERROR lines, not running', async () => {
    const inspected = deferred<Docker.ContainerInspectInfo | null>();
    const { session, statuses } = setup(() => inspected.promise, KVM_ERROR);
    const started = session.onStarted('c1');
    const died = session.onEngineEvent(die(88));
    // The inspect answers after the die: the container was still running when it was inspected.
    inspected.resolve(info(true));
    await Promise.all([started, died]);
    expect(session.status).toMatchObject({ phase: 'failed', running: false, failure: { exitCode: 88 } });
    expect(session.status.failure!.logLine).toBe(
      'KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance. See the FAQ for possible causes, or disable acceleration by adding the "KVM=N" variable (not recommended).',
    );
    expect(statuses.map((s) => s.phase)).toEqual(['preparing', 'failed']);
  });

  it('a start reported twice (the start call, then the engine’s event) is followed once; the next run of the container is followed again', async () => {
    let run = info(true);
    const { session, calls, statuses } = setup(async () => run);
    await session.onStarted('c1');
    await session.onStarted('c1');
    expect(calls.since).toHaveLength(1);
    // What the machine boots is read once (on a remote engine that is a helper container), not for the echo.
    expect(calls.media).toBe(1);
    expect(statuses.map((s) => s.phase)).toEqual(['preparing']);
    // A restart: the same container, a new StartedAt.
    run = { ...run, State: { ...run.State, StartedAt: '2026-11-22T07:51:00.000000000Z' } };
    await session.onStarted('c1');
    expect(calls.since).toHaveLength(2);
    expect(calls.media).toBe(2);
  });

  it('a late start event for a run the user already forced off is no exit behind Porthole’s back (Podman: start answered, then off, then the event)', async () => {
    let run = info(true);
    const { session, calls } = setup(async () => run, KVM_ERROR);
    await session.onStarted('c1');
    session.expectStop();
    // The engine's start event comes after the kill: its inspect finds the same run, exited.
    run = { ...run, State: { ...run.State, Running: false, Status: 'exited', ExitCode: 137 } };
    await session.onStarted('c1');
    await session.onEngineEvent(die(137));
    expect(session.status).toMatchObject({ phase: 'stopped', running: false });
    expect(session.status.failure).toBeUndefined();
    expect(calls.since).toHaveLength(1);
  });

  it('does not finish twice: an attach that found the container exited makes its die event a no-op', async () => {
    const { session, calls, statuses } = setup(async () => info(false, 88), KVM_ERROR);
    await session.onStarted('c1');
    await session.onEngineEvent(die(88));
    expect(session.status.phase).toBe('failed');
    expect(calls.logs).toBe(1);
    expect(statuses.filter((s) => s.phase === 'failed')).toHaveLength(1);
  });

  it('a kill the user asked for is a stop; one behind Porthole’s back is a failure', async () => {
    const { session } = setup(async () => info(true));
    await session.attach(info(true));
    session.expectStop();
    await session.onEngineEvent(die(137));
    expect(session.status).toMatchObject({ phase: 'stopped', running: false });
    expect(session.status.failure).toBeUndefined();

    await session.attach(info(true));
    await session.onEngineEvent(die(137));
    expect(session.status).toMatchObject({
      phase: 'failed',
      failure: { exitCode: 137, cause: 'The machine was killed.' },
    });
  });

  const BOOT = [
    '❯ Starting Windows for Docker v6.05...',
    '❯ Booting Windows (legacy) using QEMU v7.2.15...',
    '❯ Windows started successfully, visit http://127.0.0.1:8006/ to view the screen...',
  ];

  it('a machine booting an ISO that is not Windows setup is "running-iso", never installing, and is not marked installed', async () => {
    const { session, calls, statuses } = setup(async () => info(true), [], 'other-iso');
    await session.attach(info(true));
    for (const line of [...BOOT, 'PORTHOLE-INSTALLED']) calls.onLine!(line);
    expect(session.status).toMatchObject({
      phase: 'running-iso',
      message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.',
      running: true,
      screenReady: true,
    });
    expect(statuses.map((s) => s.phase)).not.toContain('installing');
    expect(calls.installed).toBe(0);
  });

  it('Windows setup media install: installing, then ready at the marker', async () => {
    const { session, calls } = setup(async () => info(true), [], 'windows-setup');
    await session.attach(info(true));
    for (const line of BOOT) calls.onLine!(line);
    expect(session.status.phase).toBe('installing');
    calls.onLine!('PORTHOLE-INSTALLED');
    expect(session.status.phase).toBe('ready');
    expect(calls.installed).toBe(1);
  });

  it('reads what the machine boots while its start is being inspected, not after: the log (and the screen) is followed sooner', async () => {
    const inspected = deferred<Docker.ContainerInspectInfo | null>();
    const media = deferred<'windows-setup' | 'other-iso'>();
    let mediaAsked = 0;
    const session = new MachineSession({
      engine: () => ({
        inspect: () => inspected.promise,
        logs: async () => [],
        followLogs: async () => () => undefined,
      }),
      installMarker: /PORTHOLE-INSTALLED/,
      webPort: () => 1,
      installed: () => false,
      bootMedia: () => {
        mediaAsked += 1;
        return media.promise;
      },
      onChange: () => undefined,
      onInstalled: () => undefined,
    });
    sessions.push(session);
    const started = session.onStarted('c1');
    await Promise.resolve();
    await Promise.resolve();
    // The inspect has not answered yet, and the ISO is already being read.
    expect(mediaAsked).toBe(1);
    inspected.resolve(info(true));
    media.resolve('other-iso');
    await started;
    expect(mediaAsked).toBe(1);
    expect(session.status.phase).toBe('preparing');
  });
});
