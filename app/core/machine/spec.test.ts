import { sampleMachine } from '../../api/testing/sample-machine';
import { describe, expect, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { MACHINE_LABEL as ENGINE_MACHINE_LABEL } from '../engine/client';
import { buildContainerSpec, MACHINE_LABEL, SPEC_LABEL, specHash } from './spec';

const OEM = '/home/ada/.local/share/porthole/oem/win11';

const machine = sampleMachine;

const KVM = { PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' };
const TUN = { PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' };
const PORTS = {
  '8006/tcp': [{ HostIp: '127.0.0.1', HostPort: '47001' }],
  '3389/tcp': [{ HostIp: '127.0.0.1', HostPort: '47002' }],
  '3389/udp': [{ HostIp: '127.0.0.1', HostPort: '47002' }],
};
const EXPOSED = { '8006/tcp': {}, '3389/tcp': {}, '3389/udp': {} };

// Golden specs. The spec hashes are pinned on purpose: when one changes, every existing container of
// that shape is recreated at its next start, which a change to this file should do knowingly.
describe('buildContainerSpec (golden)', () => {
  it('minimal defaults', () => {
    expect(buildContainerSpec(machine(), { oemDir: OEM })).toEqual({
      name: 'porthole-win11',
      Image: 'dockurr/windows:6.05',
      Env: [
        'VERSION=11',
        'RAM_SIZE=8G',
        'CPU_CORES=4',
        'DISK_SIZE=64G',
        'DISK_FMT=raw',
        'USERNAME=ada',
        'PASSWORD=admin',
        'LANGUAGE=en-US',
        'WIDTH=1280',
        'HEIGHT=720',
        'SAMBA=Y',
        'DISPLAY=web',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.version': '1',
        'io.porthole.spec': '65048d275321c8e864681bb3ff81c9381f25b994a54424f597286f9227594599',
      },
      HostConfig: {
        Binds: ['/home/ada/.local/share/porthole/machines/win11:/storage', `${OEM}:/oem:ro`],
        Devices: [KVM, TUN],
        CapAdd: ['NET_ADMIN'],
        PortBindings: PORTS,
        RestartPolicy: { Name: 'no' },
      },
    });
  });

  it('three shared folders, read-only ones as :ro, with region and keyboard', () => {
    const m = machine({
      language: 'de-DE',
      region: 'de-CH',
      keyboard: 'de-CH',
      sharedFolders: [
        { hostPath: '/home/ada/Documents', readOnly: false },
        { hostPath: '/home/ada/Photos', readOnly: true },
        { hostPath: '/mnt/media', readOnly: true },
      ],
    });
    expect(buildContainerSpec(m, { oemDir: OEM })).toEqual({
      name: 'porthole-win11',
      Image: 'dockurr/windows:6.05',
      Env: [
        'VERSION=11',
        'RAM_SIZE=8G',
        'CPU_CORES=4',
        'DISK_SIZE=64G',
        'DISK_FMT=raw',
        'USERNAME=ada',
        'PASSWORD=admin',
        'LANGUAGE=de-DE',
        'REGION=de-CH',
        'KEYBOARD=de-CH',
        'WIDTH=1280',
        'HEIGHT=720',
        'SAMBA=Y',
        'DISPLAY=web',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.version': '1',
        'io.porthole.spec': '8c998924a5b75ae9604544592b0862e120fdb816d0d5f5eb77c93b7e94324ec2',
      },
      HostConfig: {
        Binds: [
          '/home/ada/.local/share/porthole/machines/win11:/storage',
          '/home/ada/Documents:/shared',
          '/home/ada/Photos:/shared2:ro',
          '/mnt/media:/shared3:ro',
          `${OEM}:/oem:ro`,
        ],
        Devices: [KVM, TUN],
        CapAdd: ['NET_ADMIN'],
        PortBindings: PORTS,
        RestartPolicy: { Name: 'no' },
      },
    });
  });

  it('custom ISO bound read-only at /custom.iso until Windows is installed', () => {
    const m = machine({ customIso: '/home/ada/Downloads/Win11_24H2_English_x64.iso' });
    expect(buildContainerSpec(m, { oemDir: OEM })).toEqual({
      name: 'porthole-win11',
      Image: 'dockurr/windows:6.05',
      Env: [
        'VERSION=11',
        'RAM_SIZE=8G',
        'CPU_CORES=4',
        'DISK_SIZE=64G',
        'DISK_FMT=raw',
        'USERNAME=ada',
        'PASSWORD=admin',
        'LANGUAGE=en-US',
        'WIDTH=1280',
        'HEIGHT=720',
        'SAMBA=Y',
        'DISPLAY=web',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.version': '1',
        'io.porthole.spec': '80c98655e5f1d507b5e4336dfe2ba5d351f597c11aa340d52b8d86ccc9b8d8e3',
      },
      HostConfig: {
        Binds: [
          '/home/ada/.local/share/porthole/machines/win11:/storage',
          '/home/ada/Downloads/Win11_24H2_English_x64.iso:/custom.iso:ro',
          `${OEM}:/oem:ro`,
        ],
        Devices: [KVM, TUN],
        CapAdd: ['NET_ADMIN'],
        PortBindings: PORTS,
        RestartPolicy: { Name: 'no' },
      },
    });
    const installed = buildContainerSpec(m, { oemDir: OEM, installed: true });
    expect(installed.HostConfig?.Binds).toEqual(['/home/ada/.local/share/porthole/machines/win11:/storage', `${OEM}:/oem:ro`]);
  });

  it('KVM off: KVM=N and no /dev/kvm device', () => {
    expect(buildContainerSpec(machine({ kvm: false }), { oemDir: OEM })).toEqual({
      name: 'porthole-win11',
      Image: 'dockurr/windows:6.05',
      Env: [
        'VERSION=11',
        'RAM_SIZE=8G',
        'CPU_CORES=4',
        'DISK_SIZE=64G',
        'DISK_FMT=raw',
        'USERNAME=ada',
        'PASSWORD=admin',
        'LANGUAGE=en-US',
        'WIDTH=1280',
        'HEIGHT=720',
        'SAMBA=Y',
        'DISPLAY=web',
        'KVM=N',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.version': '1',
        'io.porthole.spec': '91495efe9b4bad07fffedb521bd0edf415a874c40d8abbfdfa081dbfb38c33bd',
      },
      HostConfig: {
        Binds: ['/home/ada/.local/share/porthole/machines/win11:/storage', `${OEM}:/oem:ro`],
        Devices: [TUN],
        CapAdd: ['NET_ADMIN'],
        PortBindings: PORTS,
        RestartPolicy: { Name: 'no' },
      },
    });
  });

  it('qcow2, Windows 10, 2 GB, 1 core, a big screen', () => {
    const m = machine({
      id: 'office',
      version: '10',
      diskFormat: 'qcow2',
      diskGiB: 128,
      ramGiB: 2,
      cpuCores: 1,
      screen: { width: 1920, height: 1080 },
      ports: { web: 50000, rdp: 50001 },
      storageDir: '/srv/vms/office',
    });
    expect(buildContainerSpec(m, { oemDir: '/srv/porthole/oem/office' })).toEqual({
      name: 'porthole-office',
      Image: 'dockurr/windows:6.05',
      Env: [
        'VERSION=10',
        'RAM_SIZE=2G',
        'CPU_CORES=1',
        'DISK_SIZE=128G',
        'DISK_FMT=qcow2',
        'USERNAME=ada',
        'PASSWORD=admin',
        'LANGUAGE=en-US',
        'WIDTH=1920',
        'HEIGHT=1080',
        'SAMBA=Y',
        'DISPLAY=web',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'office',
        'io.porthole.version': '1',
        'io.porthole.spec': '6e29df4b217d3d4449a935ce2f03dc421e8b53e6d433c9aa281f26a30c5d7b17',
      },
      HostConfig: {
        Binds: ['/srv/vms/office:/storage', '/srv/porthole/oem/office:/oem:ro'],
        Devices: [KVM, TUN],
        CapAdd: ['NET_ADMIN'],
        PortBindings: {
          '8006/tcp': [{ HostIp: '127.0.0.1', HostPort: '50000' }],
          '3389/tcp': [{ HostIp: '127.0.0.1', HostPort: '50001' }],
          '3389/udp': [{ HostIp: '127.0.0.1', HostPort: '50001' }],
        },
        RestartPolicy: { Name: 'no' },
      },
    });
  });
});

describe('spec label', () => {
  it('is the hash of the rest of the spec', () => {
    const spec = buildContainerSpec(machine(), { oemDir: OEM });
    expect(spec.Labels?.[SPEC_LABEL]).toBe(specHash(spec));
  });

  it('is the same for the same settings, whatever the key order', () => {
    const a = machine();
    const b = Object.fromEntries(Object.entries(a).reverse()) as MachineSettings;
    expect(buildContainerSpec(b, { oemDir: OEM }).Labels?.[SPEC_LABEL]).toBe(buildContainerSpec(a, { oemDir: OEM }).Labels?.[SPEC_LABEL]);
  });

  it('changes with every setting the container sees, and not with name or autoStart', () => {
    const base = buildContainerSpec(machine(), { oemDir: OEM }).Labels?.[SPEC_LABEL];
    const hash = (o: Partial<MachineSettings>): string | undefined => buildContainerSpec(machine(o), { oemDir: OEM }).Labels?.[SPEC_LABEL];
    expect(hash({ name: 'Other name', autoStart: true })).toBe(base);
    const changes: Array<Partial<MachineSettings>> = [
      { image: 'dockurr/windows:6.06' },
      { version: '10' },
      { language: 'fr-FR' },
      { region: 'de-CH' },
      { keyboard: 'de-CH' },
      { username: 'bob' },
      { password: 'secret' },
      { ramGiB: 4 },
      { cpuCores: 2 },
      { diskGiB: 100 },
      { diskFormat: 'qcow2' },
      { sharedFolders: [{ hostPath: '/tmp/x', readOnly: false }] },
      { customIso: '/tmp/a.iso' },
      { screen: { width: 1920, height: 1080 } },
      { storageDir: '/srv/other' },
      { ports: { web: 47001, rdp: 47003 } },
      { kvm: false },
    ];
    for (const change of changes) expect(hash(change), JSON.stringify(change)).not.toBe(base);
  });

  it('uses the label the engine layer lists machines by', () => {
    expect(MACHINE_LABEL).toBe(ENGINE_MACHINE_LABEL);
  });
});

describe('host without /dev/net/tun', () => {
  it('leaves the device out', () => {
    const spec = buildContainerSpec(machine(), { oemDir: OEM, tun: false });
    expect(spec.HostConfig?.Devices).toEqual([KVM]);
    expect(spec.HostConfig?.CapAdd).toEqual(['NET_ADMIN']);
    expect(buildContainerSpec(machine({ kvm: false }), { oemDir: OEM, tun: false }).HostConfig?.Devices).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses a path Docker cannot bind', () => {
    expect(() => buildContainerSpec(machine({ sharedFolders: [{ hostPath: '/a:b', readOnly: false }] }), { oemDir: OEM })).toThrow(
      /cannot be mounted/,
    );
    expect(() => buildContainerSpec(machine(), { oemDir: 'relative/oem' })).toThrow(/cannot be mounted/);
  });

  it('refuses a fourth shared folder', () => {
    const folders = ['/a', '/b', '/c', '/d'].map((hostPath) => ({ hostPath, readOnly: false }));
    expect(() => buildContainerSpec(machine({ sharedFolders: folders }), { oemDir: OEM })).toThrow(/at most three/);
  });
});
