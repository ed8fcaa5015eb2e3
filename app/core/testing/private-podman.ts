import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeSubnet, removeEngineFolder, startOrDispose } from './private-engine-folder';
import { dockerAt, exited, pipe, program, until } from './processes';
import { KEEP_GROUPS_ANNOTATION } from '../host/podman-groups';
import { asUser, endProcessesWith, grantTun, revokeTun, rootlessUser, type TestUser } from './rootless-user';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

/**
 * The OCI runtime: runc by default (see below). crun keeps a rootless user's groups; it refuses this
 * host's hybrid cgroups while the cgroup v2 hierarchy holds a controller (hugetlb), so a service on crun
 * runs where that hierarchy is hidden (its own mount namespace): crun then sees the v1 layout only.
 */
export type OciRuntime = 'runc' | 'crun';

/**
 * What Debian's podman 4.3 needs to run a container on these machines (measured): crun refuses the
 * hybrid cgroup layout (runc does not), systemd is not the init here (cgroupfs), journald is not
 * there for events (a file), and the default ulimits (nofile 1048576) exceed the hard limits a
 * container here may ask for.
 */
function containersConf(dir: string, network: string | undefined, runtime: OciRuntime, keepGroups: boolean): string {
  return [
    '[containers]',
    'default_ulimits = ["nofile=20000:20000", "nproc=1000:1000"]',
    // What a person sets to have crun keep their groups (kvm) in every container of theirs.
    ...(keepGroups ? [`annotations = ["${KEEP_GROUPS_ANNOTATION}"]`] : []),
    '[engine]',
    `runtime = "${runtime}"`,
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    `events_logfile_path = "${join(dir, 'events.log')}"`,
    `tmp_dir = "${join(dir, 'tmp')}"`,
    `static_dir = "${join(dir, 'graph', 'libpod')}"`,
    `volume_path = "${join(dir, 'graph', 'volumes')}"`,
    '[network]',
    `network_config_dir = "${join(dir, 'networks')}"`,
    // Rootful: a default network of this service's own (its own bridge), not the host's cni-podman0.
    ...(network ? [`default_network = "${network}"`] : []),
    '',
  ].join('\n');
}

function registriesConf(insecure: readonly string[]): string {
  return (
    [
      'unqualified-search-registries = []',
      ...insecure.flatMap((location) => ['[[registry]]', `location = "${location}"`, 'insecure = true']),
    ].join('\n') + '\n'
  );
}

function storageConf(dir: string): string {
  // Rootless podman ignores graphroot for rootless_storage_path (and runroot for $XDG_RUNTIME_DIR/containers).
  return [
    '[storage]',
    'driver = "overlay"',
    `graphroot = "${join(dir, 'graph')}"`,
    `runroot = "${join(dir, 'run')}"`,
    `rootless_storage_path = "${join(dir, 'graph')}"`,
    '',
  ].join('\n');
}

/**
 * A Podman API service of the test's own (`podman system service`): its containers.conf, storage,
 * events log and socket all under one temp folder, started and stopped by this process by pid, so
 * the host's own Podman (if any) and the shared Docker engine are never touched. Rootful as root; or
 * rootless as `user` (a throwaway account with subordinate ids), which is Podman's usual mode.
 */
export class PrivatePodman {
  private service: ChildProcess | undefined;
  private logFd: number | undefined;
  readonly host: string;
  /** `docker` (the CLI) against this service's Docker-compatible API. */
  readonly docker: (...args: string[]) => Promise<string>;

  /** Rootful: the bridge of this service's default network (removed at dispose). */
  private bridge: string | undefined;

  private constructor(
    readonly root: string,
    readonly user: TestUser | undefined,
    /** A device node the service sees as /dev/kvm (bound over it in a mount namespace of its own). */
    private readonly kvmDevice?: string,
    private readonly runtime: OciRuntime = 'runc',
  ) {
    this.host = `unix://${join(root, 'podman.sock')}`;
    this.docker = dockerAt(this.host);
  }

  /** Starts a fresh service; `image` (a tag of the shared Docker engine) is loaded into its store. */
  /** The account a rootless service runs as (see rootless-user.ts). */
  static rootlessUser(): Promise<TestUser> {
    return rootlessUser();
  }

  /**
   * `insecureRegistries`: registries (host:port) pulled from over plain HTTP. Docker trusts any
   * registry on 127.0.0.0/8 that way by itself; Podman only those its registries.conf marks insecure.
   */
  /**
   * `kvmDevice`: a device node (such as one made root:kvm 0660) that the service and its containers see
   * as /dev/kvm, bound over it in a private mount namespace: the host's /dev/kvm is never changed.
   */
  static async start(
    options: {
      image?: string;
      user?: TestUser;
      insecureRegistries?: string[];
      kvmDevice?: string;
      runtime?: OciRuntime;
      /** Rootless: every container keeps the user's supplementary groups (crun's annotation, in containers.conf). */
      keepGroups?: boolean;
    } = {},
  ): Promise<PrivatePodman> {
    const root = await mkdtemp(join(tmpdir(), 'porthole-podman-'));
    const podman = new PrivatePodman(root, options.user, options.kvmDevice, options.runtime ?? 'runc');
    const network = options.user ? undefined : `porthole-it-${randomBytes(3).toString('hex')}`;
    await writeFile(
      join(root, 'containers.conf'),
      containersConf(root, network, options.runtime ?? 'runc', options.keepGroups === true),
    );
    await writeFile(join(root, 'storage.conf'), storageConf(root));
    await writeFile(join(root, 'registries.conf'), registriesConf(options.insecureRegistries ?? []));
    if (options.user) {
      await grantTun(options.user);
      // The folder (and the socket in it) belongs to the user the service runs as.
      await chmod(root, 0o755);
      for (const f of ['', 'containers.conf', 'storage.conf', 'registries.conf'])
        await chown(join(root, f), options.user.uid, options.user.gid);
    }
    return startOrDispose(podman, async () => {
      if (network) {
        podman.bridge = `phpm${network.slice(-6)}`;
        // Podman 4.3 has no --interface-name: the CNI list it reads, written here (no masquerade: the tests need no internet).
        await mkdir(join(root, 'networks'));
        await writeFile(
          join(root, 'networks', `${network}.conflist`),
          cniNetwork(network, podman.bridge, await freeSubnet(214)),
        );
      }
      await podman.startService();
      if (options.image) await podman.load(options.image);
    });
  }

  /** DOCKER_HOST for a backend under test. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, DOCKER_HOST: this.host };
  }

  get running(): boolean {
    return this.service !== undefined && this.service.exitCode === null && this.service.signalCode === null;
  }

  /** The environment podman runs in: this folder's configuration only, and the user's own runtime folder when rootless. */
  private get podmanEnv(): NodeJS.ProcessEnv {
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CONTAINERS_CONF: join(this.root, 'containers.conf'),
      CONTAINERS_STORAGE_CONF: join(this.root, 'storage.conf'),
      // Not the host's registries.conf: the tests pull from their own registry only, by full name.
      CONTAINERS_REGISTRIES_CONF: join(this.root, 'registries.conf'),
      TMPDIR: join(this.root, 'tmp'),
    };
    if (!this.user) return { ...base, HOME: this.root };
    return {
      ...base,
      HOME: this.root,
      USER: this.user.name,
      LOGNAME: this.user.name,
      XDG_RUNTIME_DIR: join(this.root, 'xdg'),
      // No session bus: without this, podman autolaunches a dbus-daemon that outlives the service.
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    };
  }

  /** `podman ARGS` as this service's user, with this service's configuration. */
  private command(args: readonly string[]): [string, ...string[]] {
    return asUser(this.user, ['podman', ...args]);
  }

  async podman(...args: string[]): Promise<string> {
    const [cmd, ...rest] = this.command(args);
    return program(cmd, rest, { env: this.podmanEnv });
  }

  private get log(): number {
    this.logFd ??= openSync(join(this.root, 'service.log'), 'a');
    return this.logFd;
  }

  async startService(): Promise<void> {
    if (this.running) return;
    for (const dir of ['tmp', ...(this.user ? ['xdg'] : [])]) {
      await program('mkdir', ['-p', '-m', '0700', join(this.root, dir)]);
      if (this.user) await chown(join(this.root, dir), this.user.uid, this.user.gid);
    }
    const service = this.command(['system', 'service', '--time=0', this.host]);
    // The service is the first podman of its user here: its user namespace (the pause process), and every
    // container, start inside this mount namespace.
    const steps = [
      ...(this.kvmDevice ? ['mount --bind "$0" /dev/kvm'] : []),
      ...(this.runtime === 'crun'
        ? [
            'if [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] && mountpoint -q /sys/fs/cgroup/unified; then umount -l /sys/fs/cgroup/unified; fi',
          ]
        : []),
    ];
    const [cmd, ...args] = steps.length
      ? [
          'unshare',
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          `${steps.join(' && ')} && exec "$@"`,
          this.kvmDevice ?? '-',
          ...service,
        ]
      : service;
    const child = spawn(cmd, args, { env: this.podmanEnv, stdio: ['ignore', this.log, this.log] });
    this.service = child;
    await until(
      async () => (await this.docker('version', '--format', '{{.Server.Version}}')).length > 0,
      START_TIMEOUT_MS,
      'the private Podman service',
    ).catch(async (err: unknown) => {
      throw new Error(`${String(err)}; podman said: ${(await this.logTail()) || '(nothing)'}`);
    });
  }

  /** The last lines of the service's own output, for failure messages. */
  async logTail(lines = 15): Promise<string> {
    const text = await readFile(join(this.root, 'service.log'), 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-lines).join('\n');
  }

  /**
   * Copies an image of the shared Docker engine into this store (docker save | podman load), unless
   * the store already holds that image id. Podman names a loaded `a/b:t` `localhost/a/b:t`; its
   * compatible API still finds it as `a/b:t`.
   */
  async load(image: string): Promise<void> {
    const id = (await program('docker', ['image', 'inspect', '--format', '{{.Id}}', image])).replace(/^sha256:/, '');
    const have = await this.podman('image', 'inspect', '--format', '{{.Id}}', image).catch(() => '');
    if (have.replace(/^sha256:/, '') === id) return;
    const [cmd, ...args] = this.command(['load', '-q']);
    await pipe(['docker', 'save', image], [cmd, ...args], this.podmanEnv);
  }

  async stopService(): Promise<void> {
    const child = this.service;
    if (!child) return;
    if (this.running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited(child);
      clearTimeout(timer);
    }
    // Every process of this service carries its configuration file in its environment.
    await endProcessesWith(`CONTAINERS_CONF=${join(this.root, 'containers.conf')}`, STOP_TIMEOUT_MS);
  }

  /** Removes every container, stops the service, unmounts and deletes its store. */
  async dispose(): Promise<void> {
    // Rootless, the process spawned here may already have handed over to its re-executed copy: always ask.
    await this.podman('rm', '-af', '-t', '0').catch(() => undefined);
    await this.stopService();
    if (this.user) await revokeTun(this.user);
    // Whatever the store still holds mounted on the host (its overlay home), deepest first.
    if (this.bridge) await program('ip', ['link', 'del', this.bridge]).catch(() => undefined);
    if (this.logFd !== undefined) closeSync(this.logFd);
    await removeEngineFolder(this.root, { lazy: true, dataDir: 'graph', log: 'service.log', what: 'private Podman' });
  }

  toString(): string {
    return `${this.host} (Podman${this.user ? `, rootless as ${this.user.name}` : ''})`;
  }
}

/** A CNI bridge network as Podman's own default one, on its own bridge and subnet. */
function cniNetwork(name: string, bridge: string, subnet: number): string {
  return JSON.stringify({
    cniVersion: '0.4.0',
    name,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          routes: [{ dst: '0.0.0.0/0' }],
          ranges: [[{ subnet: `10.214.${subnet}.0/24`, gateway: `10.214.${subnet}.1` }]],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'firewall', backend: '' },
      { type: 'tuning' },
    ],
  });
}
