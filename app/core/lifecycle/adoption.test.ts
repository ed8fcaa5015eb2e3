import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { adoptableFrom, keptPorts, planAdoption, uniqueMachineName } from './adoption';

const GIB = 1024 ** 3;
const host = { ramTotalBytes: 16 * GIB, cpuThreads: 4 };
/** This configuration's instance id, and another configuration's on the same engine. */
const OURS = '0123abcdef456789';
const THEIRS = 'fedcba9876543210';

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
    Mounts: (overrides.mounts ?? [{ Type: 'bind', Source: '/home/ada/windows', Destination: '/storage' }]).map((m) => ({
      RW: true,
      ...m,
    })),
    HostConfig: {
      PortBindings: overrides.ports ?? {
        '8006/tcp': [{ HostIp: '', HostPort: '8006' }],
        '3389/tcp': [{ HostIp: '', HostPort: '3389' }],
      },
    },
    State: { Running: false, Status: 'exited', ExitCode: 0 },
  } as unknown as Docker.ContainerInspectInfo;
}

describe('planAdoption', () => {
  it('keeps the storage folder where it is, the ports, and the image’s own defaults for what was not set', () => {
    const plan = planAdoption(container({}), host, OURS);
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
    const plan = planAdoption(
      container({ env: ['VERSION=11', 'RAM_SIZE=1G', 'DISK_SIZE=20G', 'CPU_CORES=8'] }),
      host,
      OURS,
    );
    expect(plan.draft).toMatchObject({ ramGiB: 2, diskGiB: 32, cpuCores: 4 });
    const text = plan.warnings.join('\n');
    expect(text).toMatch(/1 GB of memory; Windows 11 Pro needs at least 2 GB, so the machine gets 2 GB/);
    expect(text).toMatch(/disk was 20 GB; .* grows to 32 GB/);
    expect(text).toMatch(/8 processor cores; this computer has 4/);
    expect(planAdoption(container({ env: ['RAM_SIZE=64G'] }), host, OURS).draft.ramGiB).toBe(16);
  });

  it('takes the machine id from the label of this configuration’s container', () => {
    const labels = { 'io.porthole.machine': 'work', 'io.porthole.instance': OURS };
    const plan = planAdoption(
      container({ name: 'porthole-work-0123ab', image: 'porthole/standin:1', labels }),
      host,
      OURS,
    );
    expect(plan).toMatchObject({ porthole: true, foreign: false, labelId: 'work', draft: { name: 'work' } });
    expect(plan.warnings.join('\n')).not.toMatch(/another Porthole/);
  });

  it('adopts another configuration’s container only as foreign: no machine id of its own, and a warning', () => {
    const labels = { 'io.porthole.machine': 'work', 'io.porthole.instance': THEIRS };
    const plan = planAdoption(
      container({ name: 'porthole-work-fedcba', image: 'porthole/standin:1', labels }),
      host,
      OURS,
    );
    expect(plan).toMatchObject({ porthole: false, foreign: true, labelId: undefined, draft: { name: 'work' } });
    expect(plan.warnings.join('\n')).toMatch(
      /made by another Porthole configuration \(instance fedcba\).*replaces that container/,
    );
    // Made before configurations had ids: whose it is cannot be told, so it is foreign too.
    const older = planAdoption(
      container({ name: 'porthole-work', image: 'porthole/standin:1', labels: { 'io.porthole.machine': 'work' } }),
      host,
      OURS,
    );
    expect(older).toMatchObject({ porthole: false, foreign: true, labelId: undefined });
    expect(older.warnings.join('\n')).toMatch(/an older Porthole/);
  });

  it('refuses what is not Windows, and a disk kept in an engine volume, with a remedy', () => {
    expect(() => planAdoption(container({ image: 'nginx' }), host, OURS)).toThrow(/not dockurr\/windows/);
    const volume = container({
      mounts: [{ Type: 'volume', Name: 'win', Source: '/var/lib/docker/volumes/win/_data', Destination: '/storage' }],
    });
    expect(() => planAdoption(volume, host, OURS)).toThrow(/engine volume “win”/);
    expect(() => planAdoption(container({ mounts: [] }), host, OURS)).toThrow(/no folder of its own/);
  });
});

describe('adoptableFrom', () => {
  const info = (
    id: string,
    image: string,
    labels: Record<string, string> = {},
    state = 'running',
    storage = `/data/${id}`,
  ): Docker.ContainerInfo =>
    ({
      Id: id,
      Names: [`/${id}-name`],
      Image: image,
      Labels: labels,
      State: state,
      Mounts: [{ Type: 'bind', Source: storage, Destination: '/storage' }],
    }) as unknown as Docker.ContainerInfo;
  const ours = (machine: string): Record<string, string> => ({
    'io.porthole.machine': machine,
    'io.porthole.instance': OURS,
  });
  const theirs = (machine: string): Record<string, string> => ({
    'io.porthole.machine': machine,
    'io.porthole.instance': THEIRS,
  });

  it('offers this configuration’s containers without a record and hand-made dockur ones not yet adopted', () => {
    const list = [
      info('a', 'porthole/standin', ours('known')),
      info('b', 'porthole/standin', ours('lost'), 'exited'),
      info('c', 'dockurr/windows:6.05'),
      info('d', 'ghcr.io/dockur/windows'),
      info('e', 'nginx'),
      info('f', 'dockurr/windows'),
    ];
    const out = adoptableFrom(list, {
      instance: OURS,
      storageDirs: new Map([['known', '/data/a']]),
      adoptedContainerIds: new Set(['f']),
    });
    expect(out).toEqual([
      { containerId: 'b', name: 'b-name', image: 'porthole/standin', running: false, porthole: true, foreign: false },
      {
        containerId: 'c',
        name: 'c-name',
        image: 'dockurr/windows:6.05',
        running: true,
        porthole: false,
        foreign: false,
      },
      {
        containerId: 'd',
        name: 'd-name',
        image: 'ghcr.io/dockur/windows',
        running: true,
        porthole: false,
        foreign: false,
      },
    ]);
  });

  it('offers this configuration’s container of an earlier machine of the same id (another record nonce) as its own, not the new machine’s', () => {
    const list = [
      info(
        'current',
        'porthole/standin',
        { ...ours('win11'), 'io.porthole.record': 'n2' },
        'running',
        '/home/ada/win11',
      ),
      info(
        'earlier',
        'porthole/standin',
        { ...ours('win11'), 'io.porthole.record': 'n1' },
        'running',
        '/home/ada/win11',
      ),
      info('before-nonces', 'porthole/standin', ours('win11'), 'exited', '/home/ada/win11'),
    ];
    const out = adoptableFrom(list, {
      instance: OURS,
      storageDirs: new Map([['win11', '/home/ada/win11']]),
      adoptedContainerIds: new Set(),
      nonces: new Map([['win11', 'n2']]),
    });
    expect(out.map((c) => [c.containerId, c.porthole, c.foreign])).toEqual([
      ['earlier', true, false],
      ['before-nonces', true, false],
    ]);
  });

  it('offers another configuration’s containers only as foreign, even for a machine of the same id', () => {
    const list = [
      info('mine', 'porthole/standin', ours('win11'), 'running', '/home/ada/win11'),
      info('other', 'porthole/standin', theirs('win11'), 'running', '/home/bob/win11'),
      info('older-mine', 'porthole/standin', { 'io.porthole.machine': 'old' }, 'exited', '/home/ada/old'),
      info('older-other', 'porthole/standin', { 'io.porthole.machine': 'old' }, 'exited', '/home/bob/old'),
    ];
    const storageDirs = new Map([
      ['win11', '/home/ada/win11'],
      ['old', '/home/ada/old/'],
    ]);
    const out = adoptableFrom(list, { instance: OURS, storageDirs, adoptedContainerIds: new Set() });
    expect(out.map((c) => [c.containerId, c.porthole, c.foreign])).toEqual([
      ['other', false, true],
      ['older-other', false, true],
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
    expect(keptPorts({ web: 8006, rdp: 3389 }, new Set([1]), [40000, 40001], warnings, 'c')).toEqual({
      web: 8006,
      rdp: 3389,
    });
    expect(keptPorts({ web: 8006 }, new Set([8006]), [40000, 40001], warnings, 'c')).toEqual({
      web: 40000,
      rdp: 40001,
    });
    expect(warnings).toEqual(['c: port 8006 (screen) is another machine’s; Porthole uses 40000 instead.']);
  });
});
