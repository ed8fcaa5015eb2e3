import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lifecycle/ports';
import { exited, program, until } from './processes';

/**
 * An sshd of the test's own on 127.0.0.1 (Debian's openssh-server, no system configuration), with
 * generated host and client keys, in front of one engine: `docker system dial-stdio` on its side
 * reaches `engineHost` (SetEnv DOCKER_HOST). The client side is an ssh configuration file that
 * Porthole gets through PORTHOLE_SSH_CONFIG, with a pinned host key (StrictHostKeyChecking yes).
 */
export class TestSshd {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly daemon: ChildProcess,
  ) {}

  static async start(engineHost: string): Promise<TestSshd> {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-sshd-'));
    const at = (name: string): string => join(dir, name);
    await program('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', at('host_key')]);
    await program('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', at('client_key')]);
    await writeFile(at('authorized_keys'), await readFile(at('client_key.pub')), { mode: 0o600 });
    const port = await freePort();
    const user = userInfo().username;
    await writeFile(at('known_hosts'), `[127.0.0.1]:${port} ${(await readFile(at('host_key.pub'), 'utf8')).trim()}\n`);
    await writeFile(
      at('ssh_config'),
      [
        'Host 127.0.0.1',
        `  Port ${port}`,
        `  User ${user}`,
        `  IdentityFile ${at('client_key')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${at('known_hosts')}`,
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    // sshd's privilege separation folder; systemd makes it at boot where sshd is a service.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    const log = await import('node:fs').then((fs) => fs.openSync(at('sshd.log'), 'a'));
    const daemon = spawn(
      '/usr/sbin/sshd',
      [
        '-D',
        '-e',
        '-f',
        '/dev/null',
        '-p',
        String(port),
        '-h',
        at('host_key'),
        '-o',
        'ListenAddress=127.0.0.1',
        '-o',
        `AuthorizedKeysFile=${at('authorized_keys')}`,
        '-o',
        'StrictModes=no',
        '-o',
        'PidFile=none',
        '-o',
        'UsePAM=no',
        '-o',
        'PasswordAuthentication=no',
        '-o',
        `SetEnv=DOCKER_HOST=${engineHost}`,
      ],
      { stdio: ['ignore', log, log] },
    );
    const sshd = new TestSshd(dir, port, daemon);
    await until(
      async () =>
        await program('ssh', ['-F', at('ssh_config'), '-o', 'BatchMode=yes', '127.0.0.1', 'true']).then(() => true),
      30_000,
      `the test sshd (see ${at('sshd.log')})`,
    );
    return sshd;
  }

  get configFile(): string {
    return join(this.dir, 'ssh_config');
  }

  /** DOCKER_HOST=ssh://user@127.0.0.1:port and the ssh configuration, for a backend under test. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {
      ...base,
      DOCKER_HOST: `ssh://${userInfo().username}@127.0.0.1:${this.port}`,
      PORTHOLE_SSH_CONFIG: this.configFile,
    };
  }

  async dispose(): Promise<void> {
    if (this.daemon.exitCode === null && this.daemon.signalCode === null) {
      this.daemon.kill('SIGTERM');
      await exited(this.daemon);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
