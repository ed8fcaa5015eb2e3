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
import { kvmReaches } from './check';
import { hostContext } from './context';
import { resolveEngineEndpoint } from './engine-probe';
import { findKvm, kvmCheck } from './kvm';
import { podmanGroups } from './podman-groups';

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
  start: (user: TestUser, kvmDevice: string) => Promise<RootlessEngine>;
}> = [
  {
    name: 'Podman',
    kind: 'podman',
    keepsGroups: false,
    start: (user, kvmDevice) => PrivatePodman.start({ image, user, kvmDevice }),
  },
  {
    name: 'Podman on crun, told to keep the user’s groups (containers.conf)',
    kind: 'podman',
    keepsGroups: true,
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
  ({ kind, keepsGroups, start }) => {
    let podman: RootlessEngine | undefined;
    let h: Harness | undefined;
    let machine: MachineView | undefined;
    let dir = '';
    let node = '';
    let user: TestUser;
    let kvmGid = 0;

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
      await chown(node, 0, kvmGid);
      await chmod(node, 0o660);
      podman = await start(user, node);
      // The containers.conf the user's Podman reads, where the check finds it (under the test's root).
      if (podman instanceof PrivatePodman) await copyFile(join(podman.root, 'containers.conf'), join(dir, CONF));
    }, 120_000);
    afterAll(async () => {
      if (h) await h.cleanup(machine ? [machine.id] : []).catch(() => undefined);
      await podman?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 120_000);

    /** The check's findings and prediction as the user the engine runs as (its groups from /etc/group, as a login gives them). */
    const predict = async () => {
      const ctx = hostContext({
        root: dir,
        env: { USER: user.name, ...(kind === 'podman' ? { CONTAINERS_CONF: `/${CONF}` } : {}) },
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
      const findings = await findKvm(ctx);
      // The runtime as the engine says it (Podman's /info), as the check reads it.
      const endpoint = await resolveEngineEndpoint({ env: podman!.env() });
      const groups = kind === 'podman' ? await podmanGroups(ctx, endpoint?.ociRuntime) : undefined;
      return {
        findings,
        groups,
        check: kvmCheck(findings, ctx, false, true, groups),
        reaches: kvmReaches(findings, { rootEngine: false, rootlessEngine: true, groupsKept: groups === 'kept' }),
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
      expect(before.groups).toBe(kind === 'docker' ? undefined : keepsGroups ? 'kept' : 'runtime-cannot');
      if (before.groups === 'runtime-cannot') expect(before.check.fix?.text).toContain('install crun');

      h = await Harness.create(podman!.env());
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
