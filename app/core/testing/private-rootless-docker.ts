import { spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, chown, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { closeSync, constants, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyImageInto, removeEngineFolder, startOrDispose } from './private-engine-folder';
import { dockerAt, exited, until } from './processes';
import { asUser, endProcessesWith, grantTun, revokeTun, rootlessUser, type TestUser } from './rootless-user';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;
/** Where Debian's docker.io keeps the script (not on PATH); Docker's own packages put it in /usr/bin. */
const SCRIPT_PLACES = ['/usr/bin/dockerd-rootless.sh', '/usr/share/docker.io/contrib/dockerd-rootless.sh'];
/** Marks every process of one engine (rootlesskit re-executes the script and dockerd inside its namespaces). */
const MARK = 'PORTHOLE_ROOTLESS_DOCKER';

/**
 * Rootless Docker of the test's own: `dockerd-rootless.sh` (rootlesskit + slirp4netns + dockerd in a
 * user namespace) run as the test bed's unprivileged account, with its data, runtime folder and
 * socket under one temp folder. Started and stopped by this process; the shared engine is untouched.
 */
export class PrivateRootlessDocker {
  private daemon: ChildProcess | undefined;
  private logFd: number | undefined;
  readonly host: string;
  readonly docker: (...args: string[]) => Promise<string>;

  private constructor(
    readonly root: string,
    readonly user: TestUser,
    /** A device node the daemon sees as /dev/kvm (bound over it in a mount namespace of its own). */
    private readonly kvmDevice?: string,
  ) {
    this.host = `unix://${join(root, 'docker.sock')}`;
    this.docker = dockerAt(this.host);
  }

  /** The script that starts rootless Docker, or why there is none. */
  static async script(): Promise<string> {
    for (const place of SCRIPT_PLACES) {
      if (
        await access(place, constants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return place;
    }
    throw new Error(
      `dockerd-rootless.sh is not installed (looked in ${SCRIPT_PLACES.join(', ')}); Debian's docker.io package has it`,
    );
  }

  /** `kvmDevice`: as PrivatePodman's, a node the daemon and its containers see as /dev/kvm; the host's is never changed. */
  static async start(options: { image?: string; kvmDevice?: string } = {}): Promise<PrivateRootlessDocker> {
    const script = await PrivateRootlessDocker.script();
    const user = await rootlessUser();
    const root = await mkdtemp(join(tmpdir(), 'porthole-rootless-docker-'));
    const engine = new PrivateRootlessDocker(root, user, options.kvmDevice);
    return startOrDispose(engine, async () => {
      await chmod(root, 0o755);
      await mkdir(join(root, 'xdg'), { mode: 0o700 });
      // No daemon.json of the user's or the host's applies.
      await writeFile(join(root, 'daemon.json'), '{}\n');
      for (const path of ['', 'xdg', 'daemon.json']) await chown(join(root, path), user.uid, user.gid);
      await grantTun(user);
      await engine.startDaemon(script);
      if (options.image) await copyImageInto(engine.host, options.image);
    });
  }

  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, DOCKER_HOST: this.host };
  }

  private get log(): number {
    this.logFd ??= openSync(join(this.root, 'dockerd.log'), 'a');
    return this.logFd;
  }

  private async startDaemon(script: string): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: this.root,
      USER: this.user.name,
      LOGNAME: this.user.name,
      XDG_RUNTIME_DIR: join(this.root, 'xdg'),
      [MARK]: this.root,
    };
    const daemon = asUser(this.user, [
      script,
      '--data-root',
      join(this.root, 'data'),
      '--exec-root',
      join(this.root, 'xdg', 'exec'),
      '--pidfile',
      join(this.root, 'xdg', 'docker.pid'),
      '--config-file',
      join(this.root, 'daemon.json'),
      '-H',
      this.host,
    ]);
    const [cmd, ...args] = this.kvmDevice
      ? [
          'unshare',
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount --bind "$0" /dev/kvm && exec "$@"',
          this.kvmDevice,
          ...daemon,
        ]
      : daemon;
    this.daemon = spawn(cmd, args, { env, stdio: ['ignore', this.log, this.log] });
    const gone = exited(this.daemon).then(async () => {
      throw new Error(`rootless Docker exited at start: ${await this.logTail()}`);
    });
    await Promise.race([
      gone,
      until(
        async () => (await this.docker('version', '--format', '{{.Server.Version}}')).length > 0,
        START_TIMEOUT_MS,
        'rootless Docker',
      ).catch(async (err: unknown) => {
        throw new Error(`${String(err)}; it said: ${await this.logTail()}`);
      }),
    ]);
    gone.catch(() => undefined);
  }

  /** The lines of its output that say what went wrong (the script traces every command with set -x). */
  async logTail(lines = 8): Promise<string> {
    const text = await readFile(join(this.root, 'dockerd.log'), 'utf8').catch(() => '');
    return (
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('+ '))
        .slice(-lines)
        .join('\n') || '(nothing)'
    );
  }

  async dispose(): Promise<void> {
    const ids = await this.docker('ps', '-aq').catch(() => '');
    if (ids) await this.docker('rm', '-f', ...ids.split('\n')).catch(() => undefined);
    if (this.daemon && this.daemon.exitCode === null && this.daemon.signalCode === null) this.daemon.kill('SIGTERM');
    await endProcessesWith(`${MARK}=${this.root}`, STOP_TIMEOUT_MS);
    await revokeTun(this.user);
    if (this.logFd !== undefined) closeSync(this.logFd);
    await removeEngineFolder(this.root, { lazy: true, dataDir: 'data', log: 'dockerd.log', what: 'rootless Docker' });
  }
}
