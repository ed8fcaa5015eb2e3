import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited } from './processes';

/**
 * A private D-Bus session bus owned by one test: nothing of the user's desktop is touched. It starts no
 * service on demand, so a name on it is owned only while the test runs its owner.
 */
export class PrivateSessionBus {
  private constructor(
    readonly dir: string,
    private readonly daemon: ChildProcess,
    /** `unix:path=…`: what DBUS_SESSION_BUS_ADDRESS names. */
    readonly address: string,
  ) {}

  static async start(prefix = 'porthole-bus-'): Promise<PrivateSessionBus> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    await writeFile(
      join(dir, 'bus.conf'),
      [
        '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"',
        ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">',
        '<busconfig>',
        '  <type>session</type>',
        `  <listen>unix:path=${join(dir, 'bus')}</listen>`,
        '  <auth>EXTERNAL</auth>',
        '  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>',
        '</busconfig>',
        '',
      ].join('\n'),
    );
    const daemon = spawn('dbus-daemon', [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      // The daemon prints its address once it listens: that line is the event to wait for.
      const address = await new Promise<string>((resolve, reject) => {
        let text = '';
        daemon.stdout!.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          const line = text.split('\n')[0];
          if (text.includes('\n') && line) resolve(line.trim());
        });
        daemon.once('error', reject);
        daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${String(code)}`)));
      });
      return new PrivateSessionBus(dir, daemon, address);
    } catch (err) {
      daemon.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** An environment that talks to this bus only (no X11 autolaunch of some other bus). */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, DBUS_SESSION_BUS_ADDRESS: this.address, DISPLAY: '' };
  }

  async stop(): Promise<void> {
    this.daemon.kill('SIGTERM');
    await exited(this.daemon);
    await rm(this.dir, { recursive: true, force: true });
  }
}
