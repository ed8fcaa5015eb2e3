import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { dialPort, type SshEndpoint } from './ssh';

/** How long a forward with no connection stays open: a screen that reconnects after a restart finds it still there. */
export const FORWARD_IDLE_MS = 120_000;

interface Forward {
  server: Server;
  localPort: number;
  connections: Set<Socket>;
  idle: NodeJS.Timeout | undefined;
}

export interface ForwardInfo {
  remotePort: number;
  localPort: number;
  connections: number;
}

/**
 * Local ports that reach a machine's ports on an ssh engine's computer. A machine publishes its
 * screen and RDP on that computer's 127.0.0.1 only (the screen has no password), so from here they
 * are reached through ssh: one listener on this computer's 127.0.0.1 per far port, opened when first
 * asked for, each connection carried by its own `ssh -W 127.0.0.1:<port>` (the user's keys, agent
 * and known hosts, as for the engine itself), and closed once no connection has used it for a while.
 */
export class SshForwards {
  private readonly forwards = new Map<number, Promise<Forward>>();
  /** The local port each far port had last: a reopened forward keeps its address if it is still free. */
  private readonly lastLocal = new Map<number, number>();
  private disposed = false;

  constructor(
    private readonly endpoint: SshEndpoint,
    private readonly idleMs = FORWARD_IDLE_MS,
    private readonly dial: (endpoint: SshEndpoint, host: string, port: number) => Duplex = dialPort,
  ) {}

  /** The local port reaching 127.0.0.1:<remotePort> on the engine's computer. */
  async localPort(remotePort: number): Promise<number> {
    if (this.disposed) throw new Error('The ssh forwards are closed.');
    let forward = this.forwards.get(remotePort);
    if (!forward) {
      forward = this.open(remotePort);
      this.forwards.set(remotePort, forward);
      forward.catch(() => this.forwards.delete(remotePort));
    }
    const opened = await forward;
    // Asked for again: the caller is about to connect, so the idle clock starts over.
    this.touch(opened);
    return opened.localPort;
  }

  /** The forwards open now (for tests and the architecture's measurements). */
  async list(): Promise<ForwardInfo[]> {
    const out: ForwardInfo[] = [];
    for (const [remotePort, pending] of this.forwards) {
      const f = await pending.catch(() => undefined);
      if (f) out.push({ remotePort, localPort: f.localPort, connections: f.connections.size });
    }
    return out;
  }

  /** Closes the forward to `remotePort` and its connections (the machine stopped or was deleted). */
  async close(remotePort: number): Promise<void> {
    const pending = this.forwards.get(remotePort);
    if (!pending) return;
    this.forwards.delete(remotePort);
    const f = await pending.catch(() => undefined);
    if (f) await shut(f);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all([...this.forwards.keys()].map((port) => this.close(port)));
  }

  private async open(remotePort: number): Promise<Forward> {
    const previous = this.lastLocal.get(remotePort);
    const server = previous ? await listen(previous).catch(() => listen(0)) : await listen(0);
    const forward: Forward = {
      server,
      localPort: (server.address() as AddressInfo).port,
      connections: new Set(),
      idle: undefined,
    };
    this.lastLocal.set(remotePort, forward.localPort);
    server.on('connection', (socket) => {
      forward.connections.add(socket);
      if (forward.idle) clearTimeout(forward.idle);
      forward.idle = undefined;
      const far = this.dial(this.endpoint, '127.0.0.1', remotePort);
      // Either side ending or failing ends the other: a refused far port is a closed connection here, as it would be there.
      socket.on('error', () => far.destroy());
      far.on('error', () => socket.destroy());
      socket.on('close', () => {
        far.destroy();
        forward.connections.delete(socket);
        if (forward.connections.size === 0) this.touch(forward);
      });
      socket.pipe(far).pipe(socket);
    });
    this.touch(forward);
    return forward;
  }

  private touch(forward: Forward): void {
    if (forward.idle) clearTimeout(forward.idle);
    forward.idle = undefined;
    if (forward.connections.size > 0) return;
    forward.idle = setTimeout(() => {
      for (const [remotePort, pending] of this.forwards) {
        void pending.then((f) => {
          if (f === forward && f.connections.size === 0) void this.close(remotePort);
        });
      }
    }, this.idleMs);
    forward.idle.unref();
  }
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function shut(f: Forward): Promise<void> {
  if (f.idle) clearTimeout(f.idle);
  for (const socket of f.connections) socket.destroy();
  return new Promise((resolve) => f.server.close(() => resolve()));
}
