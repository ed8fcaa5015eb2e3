import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { exited, until } from './processes';
import { PrivateSessionBus } from './session-bus';
import { runTool } from '../secrets/run';

/** The Debian packages a real Secret Service in tests needs, and the program each provides. */
export const KEYRING_TOOLS: ReadonlyArray<{ program: string; debian: string }> = [
  { program: 'dbus-daemon', debian: 'dbus-daemon' },
  { program: 'dbus-send', debian: 'dbus-bin' },
  { program: 'gnome-keyring-daemon', debian: 'gnome-keyring' },
  { program: 'secret-tool', debian: 'libsecret-tools' },
];

/** The Debian packages whose programs are not on PATH. */
export function missingKeyringPackages(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return KEYRING_TOOLS.filter(({ program }) => !dirs.some((d) => existsSync(join(d, program)))).map((t) => t.debian);
}

/**
 * A private session bus (session-bus.ts) with its own GNOME Keyring, owned by one test: nothing of the user's desktop
 * is touched. The bus starts no service on demand, so the keyring is there only while the test runs it.
 */
export class PrivateKeyring {
  private bus: PrivateSessionBus | null = null;
  private daemon: ChildProcess | null = null;
  /** The environment a Porthole process under test gets: the private bus instead of the desktop's. */
  env: NodeJS.ProcessEnv = {};

  private constructor(
    readonly dir: string,
    /** The keyring's own login password (not a machine password). */
    private readonly loginPassword: string,
  ) {}

  static async start(): Promise<PrivateKeyring> {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-keyring-'));
    const keyring = new PrivateKeyring(dir, 'keyring-login-password');
    for (const sub of ['home', 'data', 'run']) await mkdir(join(dir, sub), { mode: 0o700 });
    try {
      await keyring.startBus();
      await keyring.startDaemon(true);
    } catch (err) {
      await keyring.stop();
      throw err;
    }
    return keyring;
  }

  private async startBus(): Promise<void> {
    this.bus = await PrivateSessionBus.start('porthole-keyring-bus-');
    this.env = this.bus.env();
  }

  /** Runs the keyring daemon: unlocked (the login password on stdin, as PAM gives it) or locked. */
  private async startDaemon(unlocked: boolean): Promise<void> {
    const daemon = spawn(
      'gnome-keyring-daemon',
      ['--foreground', '--components=secrets', ...(unlocked ? ['--unlock'] : [])],
      {
        env: {
          PATH: process.env.PATH,
          HOME: join(this.dir, 'home'),
          XDG_DATA_HOME: join(this.dir, 'data'),
          XDG_RUNTIME_DIR: join(this.dir, 'run'),
          DBUS_SESSION_BUS_ADDRESS: this.env.DBUS_SESSION_BUS_ADDRESS,
        },
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    this.daemon = daemon;
    daemon.stdin.on('error', () => undefined);
    daemon.stdin.end(unlocked ? this.loginPassword : '');
    // gnome-keyring announces nothing we can wait on; the bus answers once it owns its name.
    await until(
      async () => {
        const r = await runTool('secret-tool', ['lookup', 'porthole-test', 'ready'], {
          env: this.env,
          timeoutMs: 2000,
        });
        return r.code === 1 && r.stderr.trim() === '';
      },
      15_000,
      'gnome-keyring-daemon on the private bus',
    );
  }

  /** Stops the keyring daemon and runs it again, its keyring locked or unlocked (the items stay). */
  async restart(unlocked: boolean): Promise<void> {
    await this.stopDaemon();
    await this.startDaemon(unlocked);
  }

  /** Stops only the keyring daemon: the bus answers, the Secret Service is gone. */
  async stopDaemon(): Promise<void> {
    const daemon = this.daemon;
    this.daemon = null;
    if (daemon) {
      daemon.kill('SIGTERM');
      await exited(daemon);
    }
  }

  /** What `secret-tool lookup` says for these attributes: the secret, or null when not found. */
  async lookup(attributes: Record<string, string>): Promise<string | null> {
    const r = await runTool('secret-tool', ['lookup', ...Object.entries(attributes).flat()], {
      env: this.env,
      timeoutMs: 5000,
    });
    if (r.code === 0) return r.stdout;
    if (r.stderr.trim()) throw new Error(r.stderr.trim());
    return null;
  }

  async stop(): Promise<void> {
    await this.stopDaemon();
    const bus = this.bus;
    this.bus = null;
    if (bus) await bus.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
