/**
 * Test support: which kind of host the suite runs on, so that every test expects what this host does.
 *
 * Three classes, named after the KVM check's verdict:
 * - `kvm`: /dev/kvm reaches machines and the CPU shows vmx/svm (a laptop, a CI runner): check ok, machines use KVM.
 * - `nested`: /dev/kvm works but the CPU hides vmx/svm (a nested VM): check warns, the image refuses KVM (exit 88).
 * - `none`: no usable /dev/kvm: check fails, machines run in software emulation only.
 *
 * `PORTHOLE_TEST_HOST=kvm|nested|none` forces a class for what a fake root can stand in for (the check report, and
 * through it the wizard's emulation consent and the checklist's Continue); unset, the class is the real host's, read
 * from its real check report. Tests that run real containers always expect what the real host does (`realHostClass`).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import type { HostReport } from '../../api';
import { checkHost } from '../host/check';
import type { HostCheckOptions } from '../host/context';
import { resolveEngineEndpoint } from '../host/engine-probe';
import { HIDDEN_CPUINFO, makeFakeRoot, type FakeRoot } from './fake-root';

export const HOST_CLASSES = ['kvm', 'nested', 'none'] as const;
export type HostClass = (typeof HOST_CLASSES)[number];

/** The class a check report puts its host in: the KVM check's verdict. */
export function hostClassOf(report: HostReport): HostClass {
  const status = report.checks.find((check) => check.id === 'kvm')?.status;
  if (status === 'ok') return 'kvm';
  if (status === 'warn') return 'nested';
  return 'none';
}

let real: Promise<HostClass> | undefined;

/** This machine's class, from its real check report (engine as the tests find it). */
export function realHostClass(): Promise<HostClass> {
  real ??= checkHost({ env: process.env }).then(hostClassOf);
  return real;
}

/** The forced class, or undefined when PORTHOLE_TEST_HOST is unset. A wrong value stops the run with the right ones. */
export function forcedHostClass(env: NodeJS.ProcessEnv = process.env): HostClass | undefined {
  const value = env.PORTHOLE_TEST_HOST;
  if (value === undefined || value === '') return undefined;
  if ((HOST_CLASSES as readonly string[]).includes(value)) return value as HostClass;
  throw new Error(
    `PORTHOLE_TEST_HOST is "${value}": use one of ${HOST_CLASSES.join(', ')}, or leave it unset for this machine's own class.`,
  );
}

/** The class the host checks see in this run: the forced one, else the real one. */
export async function testHostClass(env: NodeJS.ProcessEnv = process.env): Promise<HostClass> {
  return forcedHostClass(env) ?? realHostClass();
}

export interface TestHostRoot {
  /** Options for checkHost/watchHost (and createBackend's `hostCheck`): this class's KVM, everything else real enough. */
  options: HostCheckOptions;
  cleanup(): Promise<void>;
}

/**
 * A fake root whose KVM is the given class; its Docker socket forwards to the real engine, so the engine check and
 * everything after it stay real. Memory, disk and CPU are the fake root's (16 GB, 200 GB free).
 */
export async function makeTestHostRoot(cls: HostClass, env: NodeJS.ProcessEnv = process.env): Promise<TestHostRoot> {
  const fake = await makeFakeRoot();
  await shapeKvm(fake, cls);
  await mirrorEngineInstall(fake, env);
  const engine = await resolveEngineEndpoint({ env: withoutDockerHost(env) }).catch(() => null);
  const proxy = engine?.socketPath
    ? await forwardSocket(join(fake.root, 'var/run/docker.sock'), engine.socketPath)
    : undefined;
  const uid = process.getuid?.() ?? 0;
  return {
    options: fake.options({ env, uid, ...(uid === 0 ? { user: 'root' } : {}) }),
    async cleanup() {
      await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
      await fake.cleanup();
    },
  };
}

/** The fake root starts as a bare-metal AMD host with a working /dev/kvm (class kvm). */
async function shapeKvm(fake: FakeRoot, cls: HostClass): Promise<void> {
  if (cls === 'kvm') return;
  // A VM under KVM/QEMU whose CPU hides vmx/svm (like a nested test machine).
  await fake.write('/proc/cpuinfo', HIDDEN_CPUINFO);
  await fake.write('/sys/class/dmi/id/sys_vendor', 'QEMU\n');
  await fake.write('/sys/class/dmi/id/product_name', 'Standard PC (Q35 + ICH9, 2009)\n');
  if (cls === 'none') await fake.remove('/dev/kvm');
}

/** The engine check's advice (install, or start) follows what this machine has installed, and its distribution. */
async function mirrorEngineInstall(fake: FakeRoot, env: NodeJS.ProcessEnv): Promise<void> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => null);
  if (osRelease !== null) await fake.write('/etc/os-release', osRelease);
  const dirs = new Set([
    ...(env.PATH ?? '').split(':').filter((dir) => dir.startsWith('/')),
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/bin',
  ]);
  for (const dir of dirs) {
    for (const name of ['dockerd', 'podman']) {
      if (existsSync(join(dir, name))) await fake.write(join(dir, name));
    }
  }
}

function withoutDockerHost(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.DOCKER_HOST;
  return copy;
}

/** A unix socket at `path` that pipes every connection to `target` (a symlink is not a socket to the probe). */
export async function forwardSocket(path: string, target: string): Promise<net.Server> {
  await mkdir(join(path, '..'), { recursive: true });
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    open.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  // Closing ends the connections still open, so that close() does not wait for a keep-alive.
  server.on('close', () => open.forEach((socket) => socket.destroy()));
  const close = server.close.bind(server);
  server.close = (callback) => {
    open.forEach((socket) => socket.destroy());
    return close(callback);
  };
  return server;
}
