import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSshd } from '../testing/test-sshd';
import { MachineAddresses } from './machine-address';
import { targetFromEnv } from './target';

/** A machine port on the far computer's 127.0.0.1: answers "pong:<what it got>". */
function farService(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.on('data', (d) => s.end(`pong:${d.toString()}`)));
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (d) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
}

/** The forward for real: `ssh -W` through the test's own sshd, with its pinned host key and client key. */
describe('machine ports of an ssh engine, through ssh -W (test sshd)', () => {
  let sshd: TestSshd;
  let far: { server: Server; port: number };
  let addresses: MachineAddresses;

  beforeAll(async () => {
    sshd = await TestSshd.start('unix:///var/run/docker.sock');
    far = await farService();
    addresses = new MachineAddresses(targetFromEnv(sshd.env()), 1_000);
  });
  afterAll(async () => {
    await addresses?.dispose();
    far?.server.close();
    await sshd?.dispose();
  });

  it('a local port reaches 127.0.0.1:<port> on the engine computer; several connections at once', async () => {
    const at = await addresses.of(far.port);
    expect(at).toMatchObject({ host: '127.0.0.1', via: 'ssh-forward' });
    expect(at.port).not.toBe(far.port);
    const started = Date.now();
    expect(await ask(at.port, 'one')).toBe('pong:one');
    const firstMs = Date.now() - started;
    expect(await Promise.all([ask(at.port, 'a'), ask(at.port, 'b'), ask(at.port, 'c')])).toEqual([
      'pong:a',
      'pong:b',
      'pong:c',
    ]);
    console.info(`ssh -W forward: first round trip ${firstMs} ms (one ssh connection per forwarded connection)`);
  });

  it('closes when unused, and opens again on demand', async () => {
    const at = await addresses.of(far.port);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await addresses.open()).toEqual([]);
    const again = await addresses.of(far.port);
    expect(again.port).toBe(at.port);
    expect(await ask(again.port, 'back')).toBe('pong:back');
  });

  it('a refused key closes the forwarded connection: nothing else answers', async () => {
    const refused = new MachineAddresses(targetFromEnv({ ...sshd.env(), PORTHOLE_SSH_CONFIG: '/dev/null' }), 1_000);
    try {
      const at = await refused.of(far.port);
      expect(await ask(at.port, 'x').catch(() => '')).toBe('');
    } finally {
      await refused.dispose();
    }
  });
});
