import { chmod, chown, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { checkHost } from '../host/check';
import { resolveEngineEndpoint } from '../host/engine-probe';
import { docker, Harness, uniqueName } from '../testing/harness';
import { LocalRegistry } from '../testing/registry';
import { PrivatePodman } from '../testing/private-podman';
import { remoteLifecyclePass } from '../testing/remote-lifecycle';
import { EngineClient, targetFromEnv } from './client';
import type { EngineEvent } from './events';

const image = inject('standinImage');

interface Inspected {
  Config: { StopTimeout?: number; Labels: Record<string, string> };
  HostConfig: {
    CapAdd: string[];
    Devices: Array<{ PathOnHost: string; PathInContainer: string }>;
    PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  };
  Mounts: Array<{ Type: string; Source: string; Destination: string }>;
}

/** Waits for the first event that `match` accepts, from a live event stream (no polling). */
function nextEvent(
  events: EngineEvent[],
  waiters: Array<() => void>,
  match: (e: EngineEvent) => boolean,
  what: string,
): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${what} event; saw ${JSON.stringify(events.map((e) => e.action))}`)),
      30_000,
    );
    const check = (): void => {
      const found = events.find(match);
      if (!found) return;
      clearTimeout(timer);
      resolve(found);
    };
    waiters.push(check);
    check();
  });
}

/**
 * Podman's Docker-compatible API, for real: a private `podman system service` (Debian's podman 4.3,
 * rootful, runc + cgroupfs + a file events log, its own store and bridge) with the stand-in image
 * loaded, driven by the same backend and the same lifecycle pass as the ssh and TLS engines.
 */
describe('Podman, rootful (a private podman system service)', () => {
  let podman: PrivatePodman;
  let registry: LocalRegistry;
  let h: Harness | undefined;
  let machine: MachineView | undefined;
  let pulled: MachineView | undefined;

  beforeAll(async () => {
    registry = await LocalRegistry.start();
    podman = await PrivatePodman.start({ image, insecureRegistries: [registry.address] });
  }, 120_000);
  afterAll(async () => {
    if (h) await h.cleanup([machine, pulled].flatMap((m) => (m ? [m.id] : []))).catch(() => undefined);
    await podman?.dispose();
    await registry?.stop();
  }, 120_000);

  it('the host probe and porthole check name it podman (not rootless)', async () => {
    const found = await resolveEngineEndpoint({ env: podman.env() });
    expect(found).toMatchObject({ kind: 'podman', label: podman.host, rootless: false });
    const report = await checkHost({ env: podman.env() });
    expect(report.facts.engine).toMatchObject({ kind: 'podman', flavor: 'podman', endpoint: podman.host });
  });

  it('the event stream carries a container’s start, its exit with the exit code, and its removal', async () => {
    // Before, the stream was filtered on Docker's names only, and Podman filters an exit as `died`:
    // a machine whose container stopped on Podman never left "running".
    const client = new EngineClient({ ...targetFromEnv(podman.env()), kind: 'podman' });
    const events: EngineEvent[] = [];
    const waiters: Array<() => void> = [];
    const stop = await client.events(
      (e) => {
        events.push(e);
        for (const w of waiters) w();
      },
      () => undefined,
    );
    try {
      const id = await podman.docker(
        'create',
        '--label',
        'io.porthole.machine=evt',
        '--entrypoint',
        'sh',
        image,
        '-c',
        'exit 7',
      );
      await podman.docker('start', id);
      expect(
        await nextEvent(events, waiters, (e) => e.action === 'start' && e.containerId === id, 'start'),
      ).toMatchObject({ machineId: 'evt' });
      expect(await nextEvent(events, waiters, (e) => e.action === 'die' && e.containerId === id, 'die')).toMatchObject({
        exitCode: 7,
        machineId: 'evt',
      });
      await podman.docker('rm', id);
      await nextEvent(events, waiters, (e) => e.action === 'destroy' && e.containerId === id, 'destroy');
    } finally {
      stop();
    }
  });

  it('DOCKER_HOST=unix://…/podman.sock: create, start to a live screen, graceful stop, start again on the same container', async () => {
    h = await Harness.create(podman.env());
    const status = await h.waitForEngine(true, 30_000);
    expect(status).toMatchObject({ kind: 'podman', endpoint: podman.host });
    machine = await remoteLifecyclePass(h, podman, { image, name: 'Podman', over: 'Podman', full: true });
  }, 400_000);

  it('the container as Podman keeps it: NET_ADMIN, /dev/net/tun, ports on 127.0.0.1 only, the 120 s stop timeout', async () => {
    const [info] = JSON.parse(await podman.docker('inspect', h!.containerName(machine!.id))) as Inspected[];
    expect(info!.Config.StopTimeout).toBe(120);
    expect(info!.Config.Labels).toMatchObject({
      'io.porthole.machine': machine!.id,
      'io.porthole.instance': h!.instance,
    });
    expect(info!.HostConfig.CapAdd).toEqual(['NET_ADMIN']);
    // Podman reports the device without its cgroup permissions (Docker says rwm); the device is there all the same.
    expect(info!.HostConfig.Devices).toEqual([
      expect.objectContaining({ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun' }),
    ]);
    const bindings = Object.values(info!.HostConfig.PortBindings).flat();
    expect(bindings).toHaveLength(3);
    for (const b of bindings) expect(b.HostIp).toBe('127.0.0.1');
    // Binds come back with Podman's options appended (rw,rprivate,rbind): the /storage mount is still found.
    expect(info!.Mounts).toContainEqual(
      expect.objectContaining({ Type: 'bind', Source: machine!.storageDir, Destination: '/storage' }),
    );
  });

  it('pulls the image from a registry (pulling, progress only growing), then starts the machine', async () => {
    const ref = await registry.push(docker, image, 'standin', `podman-${Date.now().toString(36)}`);
    await docker('rmi', ref);
    h ??= await Harness.create(podman.env());
    pulled = await h.call('createMachine', {
      name: uniqueName('PodmanPull'),
      image: ref,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    const from = h.mark(pulled.id);
    await h.call('startMachine', { id: pulled.id });
    await h.waitFor(pulled.id, (v) => v.status.running, 60_000, 'running after the download');
    const statuses = h.statusesSince(pulled.id, from);
    expect(statuses.some((st) => st.phase === 'pulling')).toBe(true);
    // Podman reports a layer's bytes once a second (Docker: every chunk), so a fast local pull may
    // report few or none (measured here: none in one run, more than two in another); whatever it reports must only grow, up to the total.
    const progress = statuses.flatMap((st) => (st.phase === 'pulling' && st.progress?.bytesTotal ? [st.progress] : []));
    const done = progress.map((p) => p.bytesDone ?? 0);
    for (let i = 1; i < done.length; i++) expect(done[i]!).toBeGreaterThanOrEqual(done[i - 1]!);
    for (const p of progress) expect(p.bytesDone ?? 0).toBeLessThanOrEqual(p.bytesTotal!);
    expect(await podman.podman('image', 'inspect', '--format', '{{.Id}}', ref)).not.toBe('');
    await h.call('forceStopMachine', { id: pulled.id });
    await h.waitFor(pulled.id, (v) => v.status.phase === 'stopped', 30_000, 'off');
  });
});

/**
 * Rootless Podman, Podman's usual mode: the same private service run as a throwaway system user with
 * subordinate ids (uidmap's newuidmap), slirp4netns networking and rootlessport publishing on 127.0.0.1.
 */
describe('Podman, rootless (a private podman system service as an unprivileged user)', () => {
  let podman: PrivatePodman;
  let h: Harness | undefined;
  let machine: MachineView | undefined;

  beforeAll(async () => {
    podman = await PrivatePodman.start({ image, user: await PrivatePodman.rootlessUser() });
  }, 120_000);
  afterAll(async () => {
    if (h) await h.cleanup(machine ? [machine.id] : []).catch(() => undefined);
    await podman?.dispose();
  }, 120_000);

  it('porthole check names it podman-rootless', async () => {
    const report = await checkHost({ env: podman.env() });
    expect(report.facts.engine).toMatchObject({
      kind: 'podman',
      flavor: 'podman-rootless',
      rootless: true,
      endpoint: podman.host,
    });
  });

  it('create, start to a live screen, adopt after a restart, graceful stop, start again, recreate keeping the disk', async () => {
    h = await Harness.create(podman.env());
    expect(await h.waitForEngine(true, 30_000)).toMatchObject({ kind: 'podman', endpoint: podman.host });
    // In real use Porthole runs as the same user as its rootless Podman; here the backend runs as root,
    // so the machine's folders are handed to the service's user (the harness root made traversable).
    const user = podman.user!;
    const prepare = async (m: MachineView): Promise<void> => {
      await chmod(join(h!.configDir, '..'), 0o711);
      await chown(m.storageDir, user.uid, user.gid);
    };
    machine = await remoteLifecyclePass(h, podman, {
      image,
      name: 'Rootless',
      over: 'rootless Podman',
      full: true,
      prepare,
    });
    // The storage folder the container wrote through the user namespace stays the person's to read and delete.
    expect((await stat(join(machine.storageDir, 'data.img'))).size).toBe(64 * 1024 ** 3);
  }, 400_000);
});
