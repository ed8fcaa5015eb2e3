import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { engineIsRemote, MachineAddresses } from './machine-address';
import { SshForwards } from './ssh-forward';
import type { EngineTarget } from './target';

/** A real TCP service standing for a machine's port: it answers each line with "echo:<line>". */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.on('data', (d) => s.write(`echo:${d.toString()}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (d) => {
      resolve(d.toString());
      socket.end();
    });
    socket.once('error', reject);
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('SshForwards (the ssh leg replaced by a direct TCP dial: the forwarding logic itself)', () => {
  const direct = (_e: unknown, host: string, port: number) => connect(port, host);

  it('opens one local port per far port on demand, reuses it, and carries bytes both ways', async () => {
    const echo = await echoServer();
    cleanups.push(() => void echo.server.close());
    const forwards = new SshForwards({ host: 'box' }, 60_000, direct);
    cleanups.push(() => forwards.dispose());
    expect(await forwards.list()).toEqual([]);
    const local = await forwards.localPort(echo.port);
    expect(local).not.toBe(echo.port);
    expect(await forwards.localPort(echo.port)).toBe(local);
    expect(await roundTrip(local, 'hello')).toBe('echo:hello');
    expect(await forwards.list()).toEqual([
      { remotePort: echo.port, localPort: local, connections: expect.any(Number) },
    ]);
  });

  it('closes a forward nobody used for the idle time, and reopens it on the same local port when asked again', async () => {
    const echo = await echoServer();
    cleanups.push(() => void echo.server.close());
    const forwards = new SshForwards({ host: 'box' }, 150, direct);
    cleanups.push(() => forwards.dispose());
    const local = await forwards.localPort(echo.port);
    await new Promise((r) => setTimeout(r, 400));
    expect(await forwards.list()).toEqual([]);
    await expect(roundTrip(local, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await forwards.localPort(echo.port)).toBe(local);
    expect(await roundTrip(local, 'again')).toBe('echo:again');
  });

  it('keeps a forward open while a connection uses it, however long', async () => {
    const echo = await echoServer();
    cleanups.push(() => void echo.server.close());
    const forwards = new SshForwards({ host: 'box' }, 100, direct);
    cleanups.push(() => forwards.dispose());
    const local = await forwards.localPort(echo.port);
    const socket = connect(local, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    await new Promise((r) => setTimeout(r, 300));
    expect(await forwards.list()).toEqual([{ remotePort: echo.port, localPort: local, connections: 1 }]);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(await forwards.list()).toEqual([]);
  });

  it('a far port that refuses is a connection closed here, and the forward stays usable', async () => {
    const forwards = new SshForwards({ host: 'box' }, 60_000, direct);
    cleanups.push(() => forwards.dispose());
    const closed = await echoServer();
    const deadPort = closed.port;
    await new Promise((r) => closed.server.close(r));
    const local = await forwards.localPort(deadPort);
    const ended = await new Promise<string>((resolve) => {
      const s = connect(local, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => resolve('closed'));
    });
    expect(ended).toBe('closed');
    expect((await forwards.list()).map((f) => f.remotePort)).toEqual([deadPort]);
  });
});

describe('MachineAddresses: the one place deciding how a machine port is reached', () => {
  const local: EngineTarget = {
    socketPath: '/var/run/docker.sock',
    label: 'unix:///var/run/docker.sock',
    kind: 'docker',
  };
  const tlsHere: EngineTarget = {
    host: '127.0.0.1',
    port: 2376,
    protocol: 'https',
    label: 'tcp://127.0.0.1:2376',
    kind: 'docker',
  };
  const tlsFar: EngineTarget = {
    host: 'engine.example',
    port: 2376,
    protocol: 'https',
    label: 'tcp://engine.example:2376',
    kind: 'docker',
  };
  const ssh: EngineTarget = { ssh: { host: 'box', user: 'me' }, label: 'ssh://me@box', kind: 'docker' };

  it('tells remote engines from local ones', () => {
    expect([local, tlsHere, tlsFar, ssh].map(engineIsRemote)).toEqual([false, false, true, true]);
  });

  it('a local socket engine: the published port itself, no note', async () => {
    const a = new MachineAddresses(local);
    expect(await a.of(8006)).toEqual({ host: '127.0.0.1', port: 8006, via: 'this-computer' });
    expect(await a.open()).toEqual([]);
  });

  it('a TLS engine on loopback: the published port itself, and a note saying so (tcp://… does not make it plain)', async () => {
    const a = new MachineAddresses(tlsHere);
    const address = await a.of(8006);
    expect(address).toMatchObject({ host: '127.0.0.1', port: 8006, via: 'this-computer' });
    expect(address.note).toBe(
      `The engine (TLS at ${tlsHere.host}:${tlsHere.port}) runs on this computer: this is its published port 127.0.0.1:8006 here, no forward needed.`,
    );
    expect(await a.open()).toEqual([]);
  });

  it('a TLS engine on another computer: says plainly that its loopback port is not reachable and how to forward it', async () => {
    const address = await new MachineAddresses(tlsFar).of(8123);
    expect(address).toMatchObject({ host: '127.0.0.1', port: 8123, via: 'engine-host' });
    expect(address.note).toMatch(/engine\.example.*127\.0\.0\.1 only.*not reachable from here over TLS/);
    expect(address.note).toContain('ssh -N -L 8123:127.0.0.1:8123 engine.example');
  });

  it('an ssh engine: a local forwarded port, named in the note', async () => {
    const a = new MachineAddresses(ssh, 60_000);
    cleanups.push(() => a.dispose());
    const address = await a.of(8124);
    expect(address).toMatchObject({ host: '127.0.0.1', via: 'ssh-forward' });
    expect(address.port).not.toBe(8124);
    expect(address.note).toBe(
      `Reached through ssh: port ${address.port} here is forwarded to 127.0.0.1:8124 on box while Porthole runs.`,
    );
    expect(await a.open()).toEqual([{ remotePort: 8124, localPort: address.port, connections: 0 }]);
  });
});
