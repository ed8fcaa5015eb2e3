import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  fromEnvelope,
  type ActionName,
  type ActionRequest,
  type ActionResponse,
  type LogStreamItem,
  type MachineView,
} from '../../api';
import { createBackend, type Backend } from '../backend';
import { uniqueName } from '../testing/harness';

const image = inject('standinImage');

/**
 * The container log followed live through the backend's machineLog stream, and Porthole's own log
 * after a whole lifecycle: it says what happened and never holds the machine's password.
 */
describe('machine log stream and Porthole’s log (real engine, stand-in image)', () => {
  let root: string;
  let backend: Backend;
  const views = new Map<string, MachineView>();
  const waiters = new Set<() => void>();
  let created: string | undefined;

  const call = async <K extends ActionName>(action: K, request: ActionRequest<K>): Promise<ActionResponse<K>> => {
    const result = await backend.invoke(action, request);
    if (!result.ok) throw fromEnvelope(result.error);
    return result.value as ActionResponse<K>;
  };
  /** Resolves once `check` holds, re-checked on every event and stream item (no polling). */
  const until = (check: () => boolean, what: string, ms = 120_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const test = (): void => {
        if (!check()) return;
        waiters.delete(test);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(test);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      waiters.add(test);
      test();
    });
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-applog-'));
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      stateDir: join(root, 'state'),
      env: process.env,
      watch: false,
    });
    backend.subscribe((e) => {
      if (e.event === 'machineChanged') views.set(e.payload.id, e.payload);
      wake();
    });
  });
  afterAll(async () => {
    if (created) await backend.invoke('deleteMachine', { id: created, deleteDisk: true });
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('follows the stand-in’s ❯ lines live with phase changes, stops when closed, and logs no password', async () => {
    const password = `Pw-${Math.random().toString(36).slice(2, 10)}-$ecret`;
    const machine = await call('createMachine', {
      name: uniqueName('Logs'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      password,
    });
    created = machine.id;

    const items: LogStreamItem[] = [];
    let ended: unknown = 'open';
    const opened = await backend.openStream(
      'machineLog',
      { id: machine.id, tail: 50 },
      {
        item: (item) => {
          items.push(item as LogStreamItem);
          wake();
        },
        end: (error) => (ended = error),
      },
    );
    if (!opened.ok) throw fromEnvelope(opened.error);
    // No container yet: the stream says so and waits for a start.
    await until(() => items.some((i) => i.kind === 'ended'), 'the stream to say there is no container');

    await call('startMachine', { id: machine.id });
    const lines = (): string[] => items.flatMap((i) => (i.kind === 'lines' ? i.lines : []));
    await until(() => items.some((i) => i.kind === 'started'), 'the stream to follow the new container');
    await until(() => lines().some((l) => l.includes('❯')), 'a ❯ line of the image, live');
    await until(
      () =>
        items.some((i) => i.kind === 'phase' && i.phase === 'booting') ||
        views.get(machine.id)?.status.screenReady === true,
      'booting',
    );
    expect(items.filter((i) => i.kind === 'phase').length).toBeGreaterThan(0);

    // The UI reads the password (the app's reveal): it is then kept out of the log by value too.
    expect((await call('machinePassword', { id: machine.id })).password).toBe(password);

    await call('stopMachine', { id: machine.id });
    await until(() => views.get(machine.id)?.status.phase === 'stopped', 'stopped');
    await until(() => items.filter((i) => i.kind === 'ended').length >= 2, 'the follow to end with the container');
    expect(lines().join('\n')).toContain('Shutdown completed');

    opened.close();
    const count = items.length;
    await call('startMachine', { id: machine.id });
    await until(() => views.get(machine.id)?.status.running === true, 'running again');
    // Closed: nothing more comes, whatever the machine does.
    expect(items.length).toBe(count);
    expect(ended).toBe('open');
    await call('deleteMachine', { id: machine.id, deleteDisk: true });
    created = undefined;

    const state = join(root, 'state');
    const files = await readdir(state);
    expect(files).toContain('porthole.log');
    const text = (await Promise.all(files.map((f) => readFile(join(state, f), 'utf8')))).join('\n');
    expect(text).toContain(`startMachine id=${machine.id}`);
    expect(text).toContain('machine phase');
    expect(text).toContain('deleteMachine');
    expect(text).not.toContain(password);
    expect(text).not.toContain(password.slice(0, 11));
    const appLog = await call('appLog', { tail: 5 });
    expect(appLog.file).toBe(join(state, 'porthole.log'));
    expect(appLog.lines).toHaveLength(5);
  });
});
