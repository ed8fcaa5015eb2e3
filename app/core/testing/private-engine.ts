import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lifecycle/ports';
import { copyImageInto, freeSubnet, removeEngineFolder } from './private-engine-folder';
import { dockerAt, exited, program, until } from './processes';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 90_000;

/**
 * A Docker engine of the test's own: its dockerd (and the containerd it manages), its socket, data
 * root, bridge and cgroup parent, started and stopped by this process by pid. Tests that restart
 * or kill the engine use it, so the shared engine (and other people's machines on it) never stop.
 * Needs root; it uses no iptables rules (loopback ports go through docker-proxy).
 */
export class PrivateEngine {
  private daemon: ChildProcess | undefined;
  readonly host: string;
  /** With `tls`: the engine also listens on tcp://127.0.0.1:tlsPort, mutual TLS (clients need certDir's files). */
  tlsPort: number | undefined;
  readonly docker: (...args: string[]) => Promise<string>;

  private constructor(
    readonly root: string,
    readonly bridge: string,
    private readonly subnet: number,
  ) {
    this.host = `unix://${join(root, 'docker.sock')}`;
    this.docker = dockerAt(this.host);
  }

  /** Starts a fresh engine; `image` (a tag of the shared engine) is copied into it when given. */
  static async start(options: { image?: string; tls?: boolean } = {}): Promise<PrivateEngine> {
    const root = await mkdtemp(join(tmpdir(), 'porthole-engine-'));
    const bridge = `phit${randomBytes(3).toString('hex')}`;
    const subnet = await freeSubnet(213);
    await program('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await program('ip', ['addr', 'add', `10.213.${subnet}.1/24`, 'dev', bridge]);
    await program('ip', ['link', 'set', bridge, 'up']);
    // An empty configuration file, so that a host's /etc/docker/daemon.json does not apply.
    await writeFile(join(root, 'daemon.json'), '{}\n');
    const engine = new PrivateEngine(root, bridge, subnet);
    if (options.tls) {
      await makeCertificates(join(root, 'tls'));
      engine.tlsPort = await freePort();
    }
    await engine.startDaemon();
    if (options.image) await copyImageInto(engine.host, options.image);
    return engine;
  }

  /** DOCKER_HOST for a backend under test. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...base, DOCKER_HOST: this.host };
  }

  /** Where clients find ca.pem, cert.pem and key.pem for the TLS listener. */
  get certDir(): string {
    return join(this.root, 'tls', 'client');
  }

  /** DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH for the TLS listener (started with `tls`). */
  tlsEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    if (this.tlsPort === undefined) throw new Error('This private engine was started without tls.');
    return {
      ...base,
      DOCKER_HOST: `tcp://127.0.0.1:${this.tlsPort}`,
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: this.certDir,
    };
  }

  get running(): boolean {
    return this.daemon !== undefined && this.daemon.exitCode === null && this.daemon.signalCode === null;
  }

  /** dockerd's own log (both outputs), kept in the engine's folder until dispose. */
  private logFd: number | undefined;
  private get log(): number {
    this.logFd ??= openSync(join(this.root, 'dockerd.log'), 'a');
    return this.logFd;
  }

  async startDaemon(): Promise<void> {
    if (this.running) return;
    const child = spawn(
      'dockerd',
      [
        '--data-root',
        join(this.root, 'data'),
        '--exec-root',
        join(this.root, 'exec'),
        '--pidfile',
        join(this.root, 'dockerd.pid'),
        '-H',
        this.host,
        '--bridge',
        this.bridge,
        '--iptables=false',
        '--ip-masq=false',
        '--cgroup-parent',
        `porthole-it-${this.bridge}`,
        '--config-file',
        join(this.root, 'daemon.json'),
        ...(this.tlsPort === undefined
          ? []
          : [
              '-H',
              `tcp://127.0.0.1:${this.tlsPort}`,
              '--tlsverify',
              '--tlscacert',
              join(this.root, 'tls', 'client', 'ca.pem'),
              '--tlscert',
              join(this.root, 'tls', 'server-cert.pem'),
              '--tlskey',
              join(this.root, 'tls', 'server-key.pem'),
            ]),
      ],
      { stdio: ['ignore', this.log, this.log] },
    );
    this.daemon = child;
    await until(
      async () => (await this.docker('version', '--format', '{{.Server.Version}}')).length > 0,
      START_TIMEOUT_MS,
      'the private engine',
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; see ${join(this.root, 'dockerd.log')}`);
    });
  }

  /** Stops dockerd: SIGTERM (the engine stops its containers first, like `systemctl stop docker`) or SIGKILL (a crash). */
  async stopDaemon(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.daemon;
    if (!child || !this.running) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(timer);
    await this.settleContainerd();
  }

  /**
   * After a SIGKILL, the containerd that dockerd managed dies too (its parent-death signal), but this
   * host's init may leave it a zombie for a while: its pid file would then make the next dockerd wait
   * for a containerd that is gone. Wait for it to end, and drop the pid file of a zombie.
   */
  private async settleContainerd(): Promise<void> {
    const pidFile = join(this.root, 'exec', 'containerd', 'containerd.pid');
    const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(pid) || pid <= 0) return;
    const state = async (): Promise<string | undefined> => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      return stat?.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    await until(
      async () => [undefined, 'Z', 'X'].includes(await state()),
      30_000,
      'the private engine’s containerd to end',
    );
    await rm(pidFile, { force: true });
  }

  async restartDaemon(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stopDaemon(signal);
    await this.startDaemon();
  }

  /** Removes every container, stops the engine, unmounts and deletes its data and its bridge. */
  async dispose(): Promise<void> {
    if (!this.running) await this.startDaemon().catch(() => undefined);
    const ids = await this.docker('ps', '-aq').catch(() => '');
    if (ids) await this.docker('rm', '-f', ...ids.split('\n')).catch(() => undefined);
    await this.stopDaemon('SIGTERM');
    await program('ip', ['link', 'del', this.bridge]).catch(() => undefined);
    if (this.logFd !== undefined) closeSync(this.logFd);
    await removeEngineFolder(this.root, { lazy: false, dataDir: 'data', log: 'dockerd.log', what: 'private engine' });
  }

  toString(): string {
    return `${this.host} (10.213.${this.subnet}.0/24 on ${this.bridge})`;
  }
}

/**
 * A CA, a server certificate for IP 127.0.0.1 only (no "localhost": a client that sends the wrong
 * name fails the check, as it would against a real remote engine) and a client certificate,
 * laid out as the docker command wants them: client/{ca,cert,key}.pem.
 */
async function makeCertificates(dir: string): Promise<void> {
  const client = join(dir, 'client');
  await mkdir(client, { recursive: true });
  const at = (name: string): string => join(dir, name);
  await program('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=porthole test CA',
    '-keyout',
    at('ca-key.pem'),
    '-out',
    join(client, 'ca.pem'),
  ]);
  const sign = async (name: string, subject: string, extensions: string, cert: string, key: string): Promise<void> => {
    await writeFile(at(`${name}.ext`), extensions);
    await program('openssl', [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      key,
      '-out',
      at(`${name}.csr`),
    ]);
    await program('openssl', [
      'x509',
      '-req',
      '-days',
      '2',
      '-in',
      at(`${name}.csr`),
      '-CA',
      join(client, 'ca.pem'),
      '-CAkey',
      at('ca-key.pem'),
      '-CAcreateserial',
      '-extfile',
      at(`${name}.ext`),
      '-out',
      cert,
    ]);
  };
  await sign(
    'server',
    '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    at('server-cert.pem'),
    at('server-key.pem'),
  );
  await sign(
    'client',
    '/CN=porthole test client',
    'extendedKeyUsage=clientAuth\n',
    join(client, 'cert.pem'),
    join(client, 'key.pem'),
  );
}
