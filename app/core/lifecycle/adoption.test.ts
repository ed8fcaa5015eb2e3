import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { adoptableFrom, keptPorts, planAdoption, uniqueMachineName } from './adoption';

const GIB = 1024 ** 3;
const host = { ramTotalBytes: 16 * GIB, cpuThreads: 4 };

function container(overrides: {
  name?: string;
  image?: string;
  env?: string[];
  labels?: Record<string, string>;
  mounts?: Array<{ Type: string; Source: string; Destination: string; RW?: boolean; Name?: string }>;
  ports?: Record<string, Array<{ HostIp: string; HostPort: string }>>;
}): Docker.ContainerInspectInfo {
  return {
    Id: 'c0ffee',
    Name: `/${overrides.name ?? 'windows'}`,
    Config: {
      Image: overrides.image ?? 'dockurr/windows',
      Env: overrides.env ?? ['VERSION=11', 'RAM_SIZE=4G', 'CPU_CORES=2', 'DISK_SIZE=64G', 'PATH=/usr/bin'],
      Labels: overrides.labels ?? {},
    },
    Mounts: (overrides.mounts ?? [{ Type: 'bind', Source: '/home/ada/windows', Destination: '/storage' }]).map((m) => ({ RW: true, ...m })),
    HostConfig: { PortBindings: overrides.ports ?? { '8006/tcp': [{ HostIp: '', HostPort: '8006' }], '3389/tcp': [{ HostIp: '', HostPort: '3389' }] } },
    State: { Running: false, Status: 'exited', ExitCode: 0 },
  } as unknown as Docker.ContainerInspectInfo;
}

describe('planAdoption', () => {
  it('keeps the storage folder where it is, the ports, and the image’s own defaults for what was not set', () => {
    const plan = planAdoption(container({}), host);
    expect(plan.porthole).toBe(false);
    expect(plan.draft).toMatchObject({
      name: 'windows',
      storageDir: '/home/ada/windows',
      version: '11',
      ramGiB: 4,
      cpuCores: 2,
      diskGiB: 64,
      username: 'Docker',
      password: 'admin',
      language: 'en-US',
      screen: { width: 1280, height: 720 },
    });
    expect(plan.ports).toEqual({ web: 8006, rdp: 3389 });
    expect(plan.warnings.join('\n')).toMatch(/127\.0\.0\.1 only/);
  });

  it('brings memory, disk and cores within what this Windows and this host allow, saying so', () => {
    const plan = planAdoption(container({ env: ['VERSION=11', 'RAM_SIZE=1G', 'DISK_SIZE=20G', 'CPU_CORES=8'] }), host);
    expect(plan.draft).toMatchObject({ ramGiB: 2, diskGiB: 32, cpuCores: 4 });
    const text = plan.warnings.join('\n');
    expect(text).toMatch(/1 GB of memory; Windows 11 Pro needs at least 2 GB, so the machine gets 2 GB/);
    expect(text).toMatch(/disk was 20 GB; .* grows to 32 GB/);
    expect(text).toMatch(/8 processor cores; this computer has 4/);
    expect(planAdoption(container({ env: ['RAM_SIZE=64G'] }), host).draft.ramGiB).toBe(16);
  });

  it('takes the machine id from Porthole’s label', () => {
    const plan = planAdoption(container({ name: 'porthole-work', image: 'porthole/standin:1', labels: { 'io.porthole.machine': 'work' } }), host);
    expect(plan).toMatchObject({ porthole: true, labelId: 'work', draft: { name: 'work' } });
  });

  it('refuses what is not Windows, and a disk kept in an engine volume, with a remedy', () => {
    expect(() => planAdoption(container({ image: 'nginx' }), host)).toThrow(/not dockurr\/windows/);
    const volume = container({ mounts: [{ Type: 'volume', Name: 'win', Source: '/var/lib/docker/volumes/win/_data', Destination: '/storage' }] });
    expect(() => planAdoption(volume, host)).toThrow(/engine volume “win”/);
    expect(() => planAdoption(container({ mounts: [] }), host)).toThrow(/no folder of its own/);
  });
});

describe('adoptableFrom', () => {
  const info = (id: string, image: string, labels: Record<string, string> = {}, state = 'running'): Docker.ContainerInfo =>
    ({ Id: id, Names: [`/${id}-name`], Image: image, Labels: labels, State: state }) as unknown as Docker.ContainerInfo;

  it('offers Porthole’s containers without a record and hand-made dockur ones not yet adopted', () => {
    const list = [
      info('a', 'porthole/standin', { 'io.porthole.machine': 'known' }),
      info('b', 'porthole/standin', { 'io.porthole.machine': 'lost' }, 'exited'),
      info('c', 'dockurr/windows:6.05'),
      info('d', 'ghcr.io/dockur/windows'),
      info('e', 'nginx'),
      info('f', 'dockurr/windows'),
    ];
    const out = adoptableFrom(list, { machineIds: new Set(['known']), adoptedContainerIds: new Set(['f']) });
    expect(out).toEqual([
      { containerId: 'b', name: 'b-name', image: 'porthole/standin', running: false, porthole: true },
      { containerId: 'c', name: 'c-name', image: 'dockurr/windows:6.05', running: true, porthole: false },
      { containerId: 'd', name: 'd-name', image: 'ghcr.io/dockur/windows', running: true, porthole: false },
    ]);
  });
});

describe('names and ports of an adopted machine', () => {
  it('makes the name unique', () => {
    expect(uniqueMachineName('windows', ['Other'])).toBe('windows');
    expect(uniqueMachineName('windows', ['Windows', 'windows 2'])).toBe('windows 3');
  });
  it('keeps the container’s ports unless another machine has them', () => {
    const warnings: string[] = [];
    expect(keptPorts({ web: 8006, rdp: 3389 }, new Set([1]), [40000, 40001], warnings, 'c')).toEqual({ web: 8006, rdp: 3389 });
    expect(keptPorts({ web: 8006 }, new Set([8006]), [40000, 40001], warnings, 'c')).toEqual({ web: 40000, rdp: 40001 });
    expect(warnings).toEqual(['c: port 8006 (screen) is another machine’s; Porthole uses 40000 instead.']);
  });
});
