import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { sampleMachine } from '../../api/testing/sample-machine';
import { buildContainerSpec, type SpecOptions } from '../machine/spec';
import { KEEP_GROUPS_KEY, toSpecGenerator, type SpecGenerator } from './libpod-create';

const OPTS: SpecOptions = { oemDir: '/home/ada/.local/share/porthole/oem/win11', instance: '0123abcdef456789' };

/** The spec builder's output for each kind of machine: every field it can set is set by one of them. */
const specs: Array<[string, Docker.ContainerCreateOptions]> = [
  ['defaults', buildContainerSpec(sampleMachine(), OPTS)],
  ['KVM off, no tun', buildContainerSpec(sampleMachine({ kvm: false }), { ...OPTS, tun: false })],
  [
    'everything: shared folders (read-only too), ISO, USB devices (bus and rule), region, keyboard, record nonce',
    buildContainerSpec(
      sampleMachine({
        region: 'de-CH',
        keyboard: 'de-CH',
        sharedFolders: [
          { hostPath: '/home/ada/Documents', readOnly: false },
          { hostPath: '/home/ada/Photos', readOnly: true },
        ],
        customIso: '/home/ada/Downloads/Win11.iso',
        usbDevices: [{ vendorId: '046d', productId: 'c52b', name: 'Receiver' }],
        ballooning: true,
      }),
      { ...OPTS, nonce: 'n0nce', keepGroups: true },
    ),
  ],
];

/** The Docker create body a SpecGenerator stands for: the translation's inverse, field by field. */
function asDocker(g: SpecGenerator): Docker.ContainerCreateOptions {
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of g.portmappings)
    (ports[`${p.container_port}/${p.protocol}`] ??= []).push({ HostIp: p.host_ip, HostPort: String(p.host_port) });
  const exposed = Object.fromEntries(
    Object.entries(g.expose).flatMap(([port, protocols]) => protocols.split(',').map((p) => [`${port}/${p}`, {}])),
  );
  const rule = (r: NonNullable<SpecGenerator['device_cgroup_rule']>[number]): string =>
    `${r.type} ${r.major ?? '*'}:${r.minor ?? '*'} ${r.access}`;
  return {
    name: g.name,
    Image: g.image,
    Env: Object.entries(g.env).map(([k, v]) => `${k}=${v}`),
    ExposedPorts: exposed,
    ...(g.stop_timeout !== undefined ? { StopTimeout: g.stop_timeout } : {}),
    Labels: g.labels,
    HostConfig: {
      Binds: g.mounts.map((m) => `${m.source}:${m.destination}${m.options.includes('ro') ? ':ro' : ''}`),
      Devices: g.devices.map((d) => {
        const [PathOnHost, PathInContainer, CgroupPermissions] = d.path.split(':');
        return { PathOnHost, PathInContainer, CgroupPermissions };
      }),
      CapAdd: g.cap_add,
      ...(g.device_cgroup_rule ? { DeviceCgroupRules: g.device_cgroup_rule.map(rule) } : {}),
      PortBindings: ports,
      RestartPolicy: { Name: g.restart_policy ?? '' },
    },
  };
}

describe('toSpecGenerator (Podman 4.3’s own create, keeping the user’s groups)', () => {
  it.each(specs)('maps every field of the spec builder’s output (%s): nothing is dropped', (_kind, spec) => {
    const t = toSpecGenerator(spec, 'crun');
    if (!('generator' in t)) throw new Error(`not mapped: ${t.unmapped.join(', ')}`);
    // Every field of the Docker body comes back from the generator, exactly (order of ports aside).
    expect(asDocker(t.generator)).toEqual(spec);
    expect(t.generator.annotations).toEqual({ [KEEP_GROUPS_KEY]: '1' });
    expect(t.generator.oci_runtime).toBe('crun');
    expect(t.generator.netns).toEqual({ nsmode: 'bridge' });
    // Published on 127.0.0.1 only, read-only flags kept, NET_ADMIN.
    expect(new Set(t.generator.portmappings.map((p) => p.host_ip))).toEqual(new Set(['127.0.0.1']));
    expect(t.generator.cap_add).toEqual(['NET_ADMIN']);
  });

  it('gives the fields as Podman’s SpecGenerator names them', () => {
    const t = toSpecGenerator(specs[2]![1], 'crun');
    if (!('generator' in t)) throw new Error('not mapped');
    const g = t.generator;
    expect(g).toMatchObject({
      name: 'porthole-win11-0123ab',
      image: 'dockurr/windows:6.05',
      stop_timeout: 120,
      restart_policy: 'no',
      labels: { 'io.porthole.machine': 'win11', 'io.porthole.record': 'n0nce', 'io.porthole.keep-groups': '1' },
      expose: { '8006': 'tcp', '3389': 'tcp,udp' },
      device_cgroup_rule: [{ allow: true, type: 'c', major: 189, access: 'rwm' }],
    });
    expect(g.env).toMatchObject({ VERSION: '11', REGION: 'de-CH', KEYBOARD: 'de-CH', BALLOONING: 'Y' });
    expect(g.devices.map((d) => d.path)).toEqual([
      '/dev/kvm:/dev/kvm:rwm',
      '/dev/net/tun:/dev/net/tun:rwm',
      '/dev/bus/usb:/dev/bus/usb:rwm',
    ]);
    expect(g.mounts.map((m) => [m.destination, m.options])).toEqual([
      ['/storage', ['rbind', 'rw']],
      ['/shared', ['rbind', 'rw']],
      ['/shared2', ['rbind', 'ro']],
      ['/custom.iso', ['rbind', 'ro']],
      ['/oem', ['rbind', 'ro']],
    ]);
    expect(g.portmappings).toContainEqual({
      host_ip: '127.0.0.1',
      container_port: 3389,
      host_port: 47002,
      protocol: 'udp',
    });
  });

  it('refuses a field it does not map, or a value it cannot read, naming it (the compatible create is kept)', () => {
    const spec = specs[0]![1];
    const refused = (changed: Docker.ContainerCreateOptions): string[] => {
      const t = toSpecGenerator(changed, 'crun');
      return 'unmapped' in t ? t.unmapped : [];
    };
    expect(refused({ ...spec, User: '1000' })).toEqual(['User']);
    expect(refused({ ...spec, HostConfig: { ...spec.HostConfig, Privileged: true } })).toEqual([
      'HostConfig.Privileged',
    ]);
    expect(refused({ ...spec, HostConfig: { ...spec.HostConfig, Binds: ['/a:/b:z'] } })).toEqual([
      'HostConfig.Binds /a:/b:z',
    ]);
    expect(refused({ ...spec, HostConfig: { ...spec.HostConfig, DeviceCgroupRules: ['c 1:2'] } })).toEqual([
      'HostConfig.DeviceCgroupRules c 1:2',
    ]);
    expect(
      refused({ ...spec, HostConfig: { ...spec.HostConfig, PortBindings: { '8006/tcp': [{ HostPort: '1' }] } } }),
    ).toEqual(['HostConfig.PortBindings 8006/tcp']);
    expect(refused({ ...spec, Env: ['FROM_CLIENT'] })).toEqual(['Env FROM_CLIENT']);
    // Fields left undefined are not fields.
    expect(refused({ ...spec, User: undefined })).toEqual([]);
  });
});
