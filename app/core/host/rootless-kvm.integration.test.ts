import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';
import { PrivatePodman } from '../testing/private-podman';
import { PrivateRootlessDocker } from '../testing/private-rootless-docker';
import { program } from '../testing/processes';
import { asUser, type TestUser } from '../testing/rootless-user';
import { groupsKept, kvmReaches } from './check';
import { hostContext, type HostCheckOptions } from './context';
import { resolveEngineEndpoint } from './engine-probe';
import { findKvm, kvmCheck } from './kvm';
import { podmanGroups, type PodmanGroups } from './podman-groups';
import { forwardSocket } from '../testing/test-host';

const image = inject('standinImage');
/** The test bed's stand-in for Debian's and Ubuntu's kvm group: the rootless account is a member. */
const KVM_GROUP = 'porthole-kvm-it';
/** Where, under the test's root, the check reads the private Podman's containers.conf (as CONTAINERS_CONF). */
const CONF = 'containers.conf';

interface RootlessEngine {
  readonly host: string;
  env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

const engines: ReadonlyArray<{
  name: string;
  kind: 'podman' | 'docker';
  /** The engine's runtime keeps the user's groups: the group alone reaches machines. */
  keepsGroups: boolean;
  /** What the check finds of a Podman's runtime and groups (podman-groups.ts). */
  groups?: PodmanGroups;
  start: (user: TestUser, kvmDevice: string) => Promise<RootlessEngine>;
}> = [
  {
    name: 'Podman',
    kind: 'podman',
    keepsGroups: false,
    groups: 'runtime-cannot',
    start: (user, kvmDevice) => PrivatePodman.start({ image, user, kvmDevice }),
  },
  {
    // Nothing in its containers.conf: Porthole makes the machine's container through Podman's own API, asking crun.
    name: 'Podman on crun, not told to keep the user’s groups (Porthole asks crun)',
    kind: 'podman',
    keepsGroups: true,
    groups: 'porthole-keeps',
    start: (user, kvmDevice) => PrivatePodman.start({ image, user, kvmDevice, runtime: 'crun' }),
  },
  {
    name: 'Podman on crun, told to keep the user’s groups (containers.conf)',
    kind: 'podman',
    keepsGroups: true,
    groups: 'kept',
    start: (user, kvmDevice) => PrivatePodman.start({ image, user, kvmDevice, runtime: 'crun', keepGroups: true }),
  },
  {
    name: 'Docker',
    kind: 'docker',
    keepsGroups: false,
    start: (_user, kvmDevice) => PrivateRootlessDocker.start({ image, kvmDevice }),
  },
];

/**
 * Debian and Ubuntu make /dev/kvm root:kvm 0660 and put the person in kvm. A rootless engine's
 * containers drop that group, so the image (which writes to /dev/kvm to test it, as the stand-in
 * does) stops with "/dev/kvm is unwriteable" although the person can open the device. The check must
 * predict that, and what its remedy (an access-control list for the user) changes. The device here is
 * a node of the test's own, bound over /dev/kvm in the private engine's mount namespace only.
 */
describe.each(engines)(
  'KVM through a rootless $name where /dev/kvm is root:kvm 0660 and the user is in kvm',
  ({ kind, keepsGroups, groups: expectedGroups, start }) => {
    let podman: RootlessEngine | undefined;
    let h: Harness | undefined;
    let machine: MachineView | undefined;
    let dir = '';
    let node = '';
    let user: TestUser;
    let kvmGid = 0;
    let socket: { close: () => unknown } | undefined;

    beforeAll(async () => {
      user = await PrivatePodman.rootlessUser();
      if (
        !(await program('getent', ['group', KVM_GROUP]).then(
          () => true,
          () => false,
        ))
      )
        await program('groupadd', ['--system', KVM_GROUP]);
      await program('usermod', ['-aG', KVM_GROUP, user.name]);
      kvmGid = Number((await program('getent', ['group', KVM_GROUP])).split(':')[2]);
      dir = await mkdtemp(join(tmpdir(), 'porthole-kvm-'));
      await mkdir(join(dir, 'dev'));
      await chmod(dir, 0o755);
      node = join(dir, 'dev', 'kvm');
      await program('mknod', [node, 'c', '10', '232']);
      // The test's root has a tun device as this computer does (the backend's check reads it there).
      await mkdir(join(dir, 'dev', 'net'));
      await program('mknod', [join(dir, 'dev', 'net', 'tun'), 'c', '10', '200']);
      await chown(node, 0, kvmGid);
      await chmod(node, 0o660);
      podman = await start(user, node);
      // The containers.conf the user's Podman reads, where the check finds it (under the test's root).
      if (podman instanceof PrivatePodman) await copyFile(join(podman.root, 'containers.conf'), join(dir, CONF));
    }, 120_000);
    afterAll(async () => {
      if (h) await h.cleanup(machine ? [machine.id] : []).catch(() => undefined);
      socket?.close();
      await podman?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 120_000);

    /** The host the checks read: the test's root, as the user the engine runs as (its groups from /etc/group, as a login gives them). */
    const asTheUser = (): HostCheckOptions => ({
      root: dir,
      env: {
        USER: user.name,
        DOCKER_HOST: podman!.host,
        ...(kind === 'podman' ? { CONTAINERS_CONF: `/${CONF}` } : {}),
      },
      uid: user.uid,
      gid: user.gid,
      groups: [user.gid, kvmGid],
      user: user.name,
      detectVirt: async () => null,
      openReadWrite: async (path) => {
        const [cmd, ...args] = asUser(user, ['sh', '-c', ': >"$1"', 'sh', path]);
        await program(cmd, args).catch((err: unknown) => {
          throw Object.assign(new Error(String(err)), { code: 'EACCES' });
        });
      },
    });

    /** The check's findings and prediction as the user the engine runs as. */
    const predict = async () => {
      const ctx = hostContext(asTheUser());
      const findings = await findKvm(ctx);
      // The runtime as the engine says it (Podman's /info), as the check reads it.
      const endpoint = await resolveEngineEndpoint({ env: podman!.env() });
      const groups = kind === 'podman' ? await podmanGroups(ctx, endpoint?.ociRuntime, endpoint?.crunPath) : undefined;
      return {
        findings,
        groups,
        check: kvmCheck(findings, ctx, false, true, groups),
        reaches: kvmReaches(findings, { rootEngine: false, rootlessEngine: true, groupsKept: groupsKept(groups) }),
      };
    };

    /** Starts the machine and answers the reason the image's KVM test gave, or null when it went past it. */
    const kvmVerdict = async (flagsVisible: boolean): Promise<string | null> => {
      await h!.call('startMachine', { id: machine!.id });
      const seen = await h!.waitFor(
        machine!.id,
        (v) =>
          v.status.failure !== undefined ||
          (flagsVisible &&
            v.status.running &&
            ['booting', 'installing', 'ready', 'running-iso'].includes(v.status.phase)),
        90_000,
        'the image’s KVM test',
      );
      if (!seen.status.failure) return null;
      expect(seen.status.failure.exitCode).toBe(88);
      const reason =
        /\((\/dev\/kvm is unwriteable|not enabled in BIOS|\/dev\/kvm is missing)\)/.exec(
          seen.status.failure.logLine ?? '',
        )?.[1] ??
        seen.status.failure.logLine ??
        '';
      // The failure says why in plain words: the container could not write to the device.
      if (reason === '/dev/kvm is unwriteable')
        expect(seen.status.failure.cause).toContain('could not write to /dev/kvm');
      return reason;
    };

    it('the check predicts what the image finds: the group alone reaches the machine only where the runtime keeps it; an access-control list for the user does', async () => {
      const cpu = await readFile('/proc/cpuinfo', 'utf8');
      const flagsVisible = /^flags\s*:.*\b(vmx|svm)\b/m.test(cpu);

      // The user opens the device (the old check took that to mean machines can), but only through kvm.
      const before = await predict();
      expect(before.findings).toMatchObject({ present: true, usable: true, groupOnly: true });
      expect(before.reaches).toBe(keepsGroups);
      expect(before.groups).toBe(expectedGroups);
      if (before.groups === 'runtime-cannot') expect(before.check.fix?.text).toContain('install crun');

      // The backend's own check reads the same host (the engine's socket forwarded into the test's root).
      const engineSocket = podman!.host.replace(/^unix:\/\//, '');
      socket = await forwardSocket(join(dir, engineSocket), engineSocket);
      h = await Harness.create(podman!.env(), asTheUser());
      expect(await h.waitForEngine(true, 30_000)).toMatchObject({ kind, endpoint: podman!.host });
      machine = await h.call('createMachine', {
        name: uniqueName('RootlessKvm'),
        image,
        kvm: true,
        ramGiB: 2,
        cpuCores: 1,
        diskGiB: 64,
      });
      // Porthole runs as the engine's user in real use; here the backend runs as root (see podman.integration.test.ts).
      await chmod(join(h.configDir, '..'), 0o711);
      await chown(machine.storageDir, user.uid, user.gid);
      // Past the writable step: on a host whose CPU hides vmx/svm the image's next step refuses instead.
      const pastWritable = flagsVisible ? null : 'not enabled in BIOS';
      expect(await kvmVerdict(flagsVisible)).toBe(keepsGroups ? pastWritable : '/dev/kvm is unwriteable');
      if (expectedGroups === 'porthole-keeps') await expectFaithfulContainer(h, machine, podman as PrivatePodman);
      if (keepsGroups) return;

      // The remedy the check gives: the container, running as the user, keeps an entry for the user.
      await program('setfacl', ['-m', `u:${user.name}:rw`, node]);
      const after = await predict();
      expect(after.findings.groupOnly).toBe(false);
      expect(after.reaches).toBe(true);
      expect(await kvmVerdict(flagsVisible)).toBe(pastWritable);
    }, 240_000);
  },
);

/**
 * The container made through Podman's own create is the spec's: on crun with the annotation, ports on 127.0.0.1
 * only, the labels, mounts (read-only ones so), devices, NET_ADMIN and the environment.
 */
async function expectFaithfulContainer(h: Harness, machine: MachineView, podman: PrivatePodman): Promise<void> {
  const id = (await h.docker('ps', '-aq', '--filter', `label=io.porthole.machine=${machine.id}`)).trim();
  expect(id).toMatch(/^[0-9a-f]{12,64}$/);
  expect((await podman.podman('inspect', '--format', '{{.OCIRuntime}}', id)).trim()).toBe('crun');
  const info = JSON.parse(await h.docker('inspect', id)) as Array<{
    Config: { Env: string[]; Labels: Record<string, string>; StopTimeout?: number };
    HostConfig: {
      PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>;
      CapAdd: string[] | null;
      Devices: Array<{ PathOnHost: string }> | null;
    };
    Mounts: Array<{ Type: string; Source: string; Destination: string; RW: boolean }>;
  }>;
  const c = info[0]!;
  const bindings = Object.entries(c.HostConfig.PortBindings);
  expect(bindings.map(([port]) => port).sort()).toEqual(['3389/tcp', '3389/udp', '8006/tcp']);
  for (const [, list] of bindings) expect(list.map((b) => b.HostIp)).toEqual(['127.0.0.1']);
  expect(c.HostConfig.PortBindings['8006/tcp']![0]!.HostPort).toBe(String(machine.ports.web));
  expect(c.Config.Labels).toMatchObject({
    'io.porthole.machine': machine.id,
    'io.porthole.version': '1',
    'io.porthole.keep-groups': '1',
  });
  expect(c.Config.Labels['io.porthole.spec']).toMatch(/^[0-9a-f]{64}$/);
  expect(c.Config.Env).toEqual(expect.arrayContaining([`RAM_SIZE=2G`, 'CPU_CORES=1', 'DISK_SIZE=64G', 'SAMBA=Y']));
  expect(c.Config.Env.some((e) => e.startsWith('KVM='))).toBe(false);
  expect(c.Config.StopTimeout).toBe(120);
  expect(c.HostConfig.CapAdd).toContain('NET_ADMIN');
  // Rootless, Podman binds devices in (its inspect lists only device nodes it made): the runtime's own config says.
  const configPath = (await podman.podman('inspect', '--format', '{{.OCIConfigPath}}', id)).trim();
  const oci = JSON.parse(await readFile(configPath, 'utf8')) as {
    mounts?: Array<{ destination: string }>;
    linux?: { devices?: Array<{ path: string }> };
    annotations?: Record<string, string>;
  };
  const inContainer = [
    ...(oci.linux?.devices ?? []).map((d) => d.path),
    ...(oci.mounts ?? []).map((m) => m.destination),
  ];
  expect(inContainer).toEqual(expect.arrayContaining(['/dev/kvm', '/dev/net/tun']));
  expect(oci.annotations?.['run.oci.keep_original_groups']).toBe('1');
  const mount = (target: string) => c.Mounts.find((m) => m.Destination === target);
  expect(mount('/storage')).toMatchObject({ Type: 'bind', Source: machine.storageDir, RW: true });
  expect(mount('/oem')).toMatchObject({ Type: 'bind', RW: false });
}
