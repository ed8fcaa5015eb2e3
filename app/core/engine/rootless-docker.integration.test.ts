import { chmod, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { checkHost } from '../host/check';
import { Harness } from '../testing/harness';
import { PrivateRootlessDocker } from '../testing/private-rootless-docker';
import { remoteLifecyclePass } from '../testing/remote-lifecycle';

const image = inject('standinImage');

/**
 * Rootless Docker, for real: Debian's dockerd-rootless.sh (rootlesskit, slirp4netns, newuidmap from
 * uidmap) run as the test bed's unprivileged account, driven by the same backend and lifecycle pass
 * as the other engines. Where it cannot start, every test is skipped with the engine's own words.
 */
describe('rootless Docker (dockerd-rootless.sh as an unprivileged user)', () => {
  let engine: PrivateRootlessDocker | undefined;
  let unavailable: string | undefined;
  let h: Harness | undefined;
  let machine: MachineView | undefined;

  beforeAll(async () => {
    engine = await PrivateRootlessDocker.start({ image }).catch((err: unknown) => {
      unavailable = `rootless Docker cannot run here: ${err instanceof Error ? err.message : String(err)}`;
      return undefined;
    });
  }, 180_000);
  afterAll(async () => {
    if (h) await h.cleanup(machine ? [machine.id] : []).catch(() => undefined);
    await engine?.dispose();
  }, 120_000);

  it('porthole check names it docker-rootless', async (ctx) => {
    if (!engine) return ctx.skip(unavailable);
    const report = await checkHost({ env: engine.env() });
    expect(report.facts.engine).toMatchObject({
      kind: 'docker',
      flavor: 'docker-rootless',
      rootless: true,
      endpoint: engine.host,
    });
  });

  it('create, start to a live screen, adopt after a restart, graceful stop, start again, recreate keeping the disk', async (ctx) => {
    if (!engine) return ctx.skip(unavailable);
    h = await Harness.create(engine.env());
    expect(await h.waitForEngine(true, 30_000)).toMatchObject({ kind: 'docker', endpoint: engine.host });
    // In real use Porthole runs as the engine's user; here the backend is root, so the machine's
    // folders are handed to that user (the harness root made traversable).
    const user = engine.user;
    const prepare = async (m: MachineView): Promise<void> => {
      await chmod(join(h!.configDir, '..'), 0o711);
      await chown(m.storageDir, user.uid, user.gid);
    };
    machine = await remoteLifecyclePass(h, engine, {
      image,
      name: 'RootlessDocker',
      over: 'rootless Docker',
      full: true,
      prepare,
    });
  }, 400_000);
});
