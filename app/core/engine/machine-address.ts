import { SshForwards, FORWARD_IDLE_MS } from './ssh-forward';
import type { EngineTarget } from './target';

/**
 * Where this computer reaches one of a machine's published ports (its screen, RDP, the image's
 * status page). Machines publish on 127.0.0.1 of the engine's computer only (the screen's VNC has
 * no password), so:
 * - a local engine (unix socket, or TCP/TLS on a loopback address): 127.0.0.1:<port>, as published;
 * - an ssh engine: a local port forwarded through ssh to 127.0.0.1:<port> over there;
 * - a TCP/TLS engine on another computer: nothing here reaches that computer's 127.0.0.1, and
 *   Porthole will not publish an unauthenticated screen on its network instead; the address is
 *   127.0.0.1:<port> once the user runs the ssh tunnel the note gives, and the note says so plainly.
 */
export interface MachineAddress {
  host: string;
  port: number;
  via: 'this-computer' | 'ssh-forward' | 'engine-host';
  /** Said to the user with the address whenever it is not plainly this computer's own port. */
  note?: string;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', 'ip6-localhost']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether machines on this engine live on another computer (ports, storage and /dev/kvm are that computer's). */
export function engineIsRemote(target: EngineTarget): boolean {
  if (target.ssh) return true;
  return !target.socketPath && target.host !== undefined && !isLoopbackHost(target.host);
}

/** The engine's computer as a person names it: `host` of ssh://user@host or tcp://host:2376. */
export function engineHostName(target: EngineTarget): string {
  return target.ssh?.host ?? target.host ?? 'this computer';
}

/** The one place that decides how a machine's port is reached from here. */
export class MachineAddresses {
  private readonly forwards: SshForwards | undefined;

  constructor(
    private readonly target: EngineTarget,
    idleMs = FORWARD_IDLE_MS,
  ) {
    this.forwards = target.ssh && !target.unusable ? new SshForwards(target.ssh, idleMs) : undefined;
  }

  async of(hostPort: number): Promise<MachineAddress> {
    if (this.forwards) {
      const port = await this.forwards.localPort(hostPort);
      return {
        host: '127.0.0.1',
        port,
        via: 'ssh-forward',
        note: `Reached through ssh: port ${port} here is forwarded to 127.0.0.1:${hostPort} on ${engineHostName(this.target)} while Porthole runs.`,
      };
    }
    if (!engineIsRemote(this.target)) {
      // A TCP/TLS engine on a loopback address runs here: its published port is this computer's. Said,
      // since the engine's address (tcp://…) does not make plain which address the screen uses.
      if (this.target.socketPath || this.target.host === undefined)
        return { host: '127.0.0.1', port: hostPort, via: 'this-computer' };
      const over = this.target.protocol === 'https' ? 'TLS' : 'TCP';
      return {
        host: '127.0.0.1',
        port: hostPort,
        via: 'this-computer',
        note: `The engine (${over} at ${this.target.host}:${this.target.port ?? ''}) runs on this computer: this is its published port 127.0.0.1:${hostPort} here, no forward needed.`,
      };
    }
    const host = engineHostName(this.target);
    return {
      host: '127.0.0.1',
      port: hostPort,
      via: 'engine-host',
      note:
        `The engine runs machines on ${host}, which publishes this port on its own 127.0.0.1 only (the screen has no password), ` +
        `so it is not reachable from here over ${this.target.protocol === 'https' ? 'TLS' : 'TCP'}. ` +
        `Forward it with: ssh -N -L ${hostPort}:127.0.0.1:${hostPort} ${host}  (or use DOCKER_HOST=ssh://${host}, which Porthole forwards by itself).`,
    };
  }

  /** The forward to `hostPort`, if any, is closed: the machine stopped, or its port changed. */
  async release(hostPort: number): Promise<void> {
    await this.forwards?.close(hostPort);
  }

  /** Open forwards, for tests and measurements (empty unless the engine is reached over ssh). */
  async open(): Promise<{ remotePort: number; localPort: number; connections: number }[]> {
    return this.forwards ? this.forwards.list() : [];
  }

  async dispose(): Promise<void> {
    await this.forwards?.dispose();
  }
}
