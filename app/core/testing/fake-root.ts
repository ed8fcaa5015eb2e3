/**
 * Test support: a fake `/` in a temp dir, with fake engine APIs on unix sockets inside it.
 * Used by the host probes' unit tests, and by the test host classes (app/core/testing/test-host.ts).
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HostCheckOptions } from '../host/context';

export const GiB = 1024 ** 3;

export interface FakeEngineSpec {
  kind: 'docker' | 'podman';
  version?: string;
  apiVersion?: string;
  /** /version Platform.Name, e.g. "Docker Desktop 4.34.0 (165256)". */
  platformName?: string;
  /** /info OperatingSystem, e.g. "Docker Desktop". */
  operatingSystem?: string;
  rootless?: boolean;
  /** Podman: /info DefaultRuntime (crun, runc). */
  ociRuntime?: string;
}

export interface FakeRoot {
  root: string;
  /** Writes a file at a path as seen under the fake root. */
  write(path: string, content?: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Serves a fake engine API on a unix socket at `path` (under the fake root). */
  serve(path: string, spec: FakeEngineSpec): Promise<void>;
  /** A server that accepts connections and never answers. */
  silent(path: string): Promise<void>;
  /** A socket file nobody listens on any more (its server was killed). */
  staleSocket(path: string): Promise<void>;
  /** Options for the probes: this root, user alice (uid 1000), no real commands. */
  options(extra?: HostCheckOptions): HostCheckOptions;
  cleanup(): Promise<void>;
}

export const AMD_CPUINFO = cpuinfo('AuthenticAMD', 'fpu vme de pse tsc msr pae mce cx8 apic svm lm', 4);
export const INTEL_CPUINFO = cpuinfo('GenuineIntel', 'fpu vme de pse tsc msr pae mce cx8 apic vmx lm', 2);
/** A nested guest whose hypervisor hides vmx/svm (like Porthole's test machines). */
export const HIDDEN_CPUINFO = cpuinfo('AuthenticAMD', 'fpu vme de pse tsc msr pae mce cx8 apic lm hypervisor', 2);

export function cpuinfo(vendor: string, flags: string, processors: number): string {
  const one = (n: number): string =>
    `processor\t: ${n}\nvendor_id\t: ${vendor}\nmodel name\t: Test CPU\nflags\t\t: ${flags}\n\n`;
  return Array.from({ length: processors }, (_, n) => one(n)).join('');
}

export const MEMINFO_16G = 'MemTotal:       16384000 kB\nMemFree:         8000000 kB\nMemAvailable:   12000000 kB\n';
export const DEBIAN_OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n';

/** A healthy bare-metal AMD host: /dev/kvm, modules, tun, Debian, 16 GB. No engine yet. */
export async function makeFakeRoot(): Promise<FakeRoot> {
  const root = await mkdtemp(join(tmpdir(), 'ph-host-'));
  const servers: (http.Server | net.Server)[] = [];
  const sockets = new Set<net.Socket>();
  const at = (path: string): string => join(root, path);
  const fake: FakeRoot = {
    root,
    async write(path, content = '') {
      await mkdir(dirname(at(path)), { recursive: true });
      await writeFile(at(path), content);
    },
    async mkdir(path) {
      await mkdir(at(path), { recursive: true });
    },
    async remove(path) {
      await rm(at(path), { force: true, recursive: true });
    },
    async serve(path, spec) {
      await mkdir(dirname(at(path)), { recursive: true });
      const server = http.createServer((req, res) => fakeEngine(spec, req, res));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(at(path), resolve));
    },
    async silent(path) {
      await mkdir(dirname(at(path)), { recursive: true });
      const server = net.createServer((socket) => sockets.add(socket));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(at(path), resolve));
    },
    async staleSocket(path) {
      await mkdir(dirname(at(path)), { recursive: true });
      // Node unlinks a socket it closes, so let another process listen and kill it hard.
      const child = spawn(
        process.execPath,
        ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('ready'))", at(path)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('error', reject);
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
    options(extra = {}) {
      return {
        root,
        env: {
          HOME: '/home/alice',
          USER: 'alice',
          XDG_RUNTIME_DIR: '/run/user/1000',
          PATH: '/usr/local/bin:/usr/bin:/bin',
        },
        uid: 1000,
        storageDir: '/home/alice/.local/share/porthole',
        detectVirt: async () => null,
        freeBytes: async () => 200 * GiB,
        timeoutMs: 1000,
        passwords: async () => ({ place: 'keyring' as const }),
        ...extra,
      };
    },
    async cleanup() {
      for (const socket of sockets) socket.destroy();
      for (const server of servers) if (server instanceof http.Server) server.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      await rm(root, { recursive: true, force: true });
    },
  };
  await fake.write('/proc/cpuinfo', AMD_CPUINFO);
  await fake.write('/proc/meminfo', MEMINFO_16G);
  await fake.write(
    '/proc/modules',
    'kvm_amd 155648 0 - Live 0x0\nkvm 1105920 1 kvm_amd, Live 0x0\ntun 61440 0 - Live 0x0\n',
  );
  await fake.write('/dev/kvm');
  await chown(at('/dev/kvm'), 0, 994);
  // As distributions ship it: crw-rw---- root kvm.
  await chmod(at('/dev/kvm'), 0o660);
  await fake.write('/dev/net/tun');
  await fake.write('/etc/group', 'root:x:0:\nkvm:x:994:\ndocker:x:995:\n');
  await fake.write('/etc/os-release', DEBIAN_OS_RELEASE);
  await fake.write('/usr/bin/gdbus');
  await fake.mkdir('/home/alice');
  await fake.mkdir('/run/user/1000');
  await fake.mkdir('/var/run');
  return fake;
}

function fakeEngine(spec: FakeEngineSpec, req: http.IncomingMessage, res: http.ServerResponse): void {
  const apiVersion = spec.apiVersion ?? (spec.kind === 'podman' ? '1.41' : '1.43');
  const json = (body: unknown): void => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': apiVersion });
    res.end(JSON.stringify(body));
  };
  if (spec.kind === 'podman' && /^\/v[\d.]+\/libpod\/info$/.test(req.url ?? '')) {
    json({ host: { security: { rootless: spec.rootless === true } } });
    return;
  }
  switch (req.url) {
    case '/_ping':
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Api-Version': apiVersion });
      res.end('OK');
      return;
    case '/libpod/_ping':
      if (spec.kind === 'podman') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('OK');
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"message":"page not found"}');
      }
      return;
    case '/version':
      json({
        Platform: {
          Name: spec.platformName ?? (spec.kind === 'podman' ? 'linux/amd64/debian-12' : 'Docker Engine - Community'),
        },
        Components: [{ Name: spec.kind === 'podman' ? 'Podman Engine' : 'Engine', Version: spec.version ?? '24.0.7' }],
        Version: spec.version ?? (spec.kind === 'podman' ? '4.3.1' : '24.0.7'),
        ApiVersion: apiVersion,
      });
      return;
    case '/info':
      json({
        OperatingSystem: spec.operatingSystem ?? 'Debian GNU/Linux 12 (bookworm)',
        // Podman 4.3's compatible /info never lists name=rootless (measured): only its /libpod/info says so.
        SecurityOptions: [
          'name=seccomp,profile=builtin',
          ...(spec.rootless && spec.kind !== 'podman' ? ['name=rootless'] : []),
        ],
        ...(spec.ociRuntime ? { DefaultRuntime: spec.ociRuntime } : {}),
        // Podman lists the runtimes of its configuration, installed or not, by the first path it looks at (measured).
        ...(spec.kind === 'podman'
          ? { Runtimes: { crun: { path: '/usr/bin/crun' }, runc: { path: '/usr/bin/runc' } } }
          : {}),
      });
      return;
    default:
      res.writeHead(404);
      res.end();
  }
}

/** A USB device as sysfs shows it under /sys/bus/usb/devices/<port>. */
export interface FakeUsbDevice {
  port: string;
  vendorId: string;
  productId: string;
  deviceClass?: string;
  manufacturer?: string;
  product?: string;
  bus: number;
  device: number;
}

/** A hand-written slice of usb.ids, in its real format (vendors, tab-indented products, interfaces, then classes). */
export const SAMPLE_USB_IDS = [
  '# usb.ids sample for tests',
  '1d6b  Linux Foundation',
  '\t0002  2.0 root hub',
  '046d  Logitech, Inc.',
  '\tc52b  Unifying Receiver',
  '\t\t00  Interface name, not a product',
  '0781  SanDisk Corp.',
  '\t5581  Ultra',
  'C 00  (Defined at Interface level)',
  '\t01  Audio',
  '',
].join('\n');

/** Writes USB devices into a fake root's sysfs, and usb.ids where Debian keeps it (unless `usbIds` is null). */
export async function addFakeUsb(
  fake: Pick<FakeRoot, 'write'>,
  devices: readonly FakeUsbDevice[],
  usbIds: string | null = SAMPLE_USB_IDS,
): Promise<void> {
  for (const d of devices) {
    const dir = `/sys/bus/usb/devices/${d.port}`;
    await fake.write(`${dir}/idVendor`, `${d.vendorId}\n`);
    await fake.write(`${dir}/idProduct`, `${d.productId}\n`);
    await fake.write(`${dir}/bDeviceClass`, `${d.deviceClass ?? '00'}\n`);
    await fake.write(`${dir}/busnum`, `${d.bus}\n`);
    await fake.write(`${dir}/devnum`, `${d.device}\n`);
    if (d.manufacturer) await fake.write(`${dir}/manufacturer`, `${d.manufacturer}\n`);
    if (d.product) await fake.write(`${dir}/product`, `${d.product}\n`);
    // An interface of the device: a directory sysfs lists beside it, never a device itself.
    await fake.write(`/sys/bus/usb/devices/${d.port}:1.0/bInterfaceClass`, '03\n');
  }
  if (usbIds !== null) await fake.write('/usr/share/misc/usb.ids', usbIds);
}
