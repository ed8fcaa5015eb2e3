// Whether a tray icon can be seen is asked of a real session bus: a private dbus-daemon, with and without a
// StatusNotifier watcher on it (dbus-test-tool owns the name as a tray host would).
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, program } from '../core/testing/processes';
import { PrivateSessionBus } from '../core/testing/session-bus';
import { hasStatusNotifierHost } from './quit';

const WATCHER = 'org.kde.StatusNotifierWatcher';

describe('hasStatusNotifierHost on a real session bus', () => {
  let bus: PrivateSessionBus;
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;

  beforeAll(async () => {
    bus = await PrivateSessionBus.start();
    process.env.DBUS_SESSION_BUS_ADDRESS = bus.address;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    await bus.stop();
  });

  async function withWatcher<T>(body: () => Promise<T>): Promise<T> {
    const owner: ChildProcess = spawn('dbus-test-tool', ['black-hole', '--session', `--name=${WATCHER}`], {
      env: bus.env(),
      stdio: 'ignore',
    });
    try {
      // gdbus wait returns once the name has an owner: the event, not a poll of ours.
      await program('gdbus', ['wait', '--session', '--timeout', '10', WATCHER], { env: bus.env() });
      return await body();
    } finally {
      owner.kill('SIGTERM');
      await exited(owner);
    }
  }

  it('is false when nothing shows tray icons', async () => {
    await expect(hasStatusNotifierHost()).resolves.toBe(false);
  });

  it('is true while a tray host owns the watcher name, and false again after it goes', async () => {
    await expect(withWatcher(() => hasStatusNotifierHost())).resolves.toBe(true);
    await expect(hasStatusNotifierHost()).resolves.toBe(false);
  });

  it('is false without any session bus', async () => {
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${bus.dir}/no-such-bus`;
    try {
      await expect(hasStatusNotifierHost()).resolves.toBe(false);
    } finally {
      process.env.DBUS_SESSION_BUS_ADDRESS = bus.address;
    }
  });
});
