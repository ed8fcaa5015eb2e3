import { sampleMachine } from '../../api/testing/sample-machine';
import { describe, expect, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { MACHINE_LABEL as ENGINE_MACHINE_LABEL } from '../engine/client';
import { buildContainerSpec, KEEP_GROUPS_LABEL, MACHINE_LABEL, SPEC_LABEL, specHash } from './spec';

/** A Porthole configuration's instance id (lifecycle/config-instance-id.ts). */
const INSTANCE = '0123abcdef456789';

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

// Golden specs: the container each kind of machine gets, field by field. The spec label is a hash of the
// rest; what it must (and must not) react to is tested below, not pinned as a number here.
const SPEC_HASH = expect.stringMatching(/^[0-9a-f]{64}$/);
describe('buildContainerSpec (golden)', () => {
  it('minimal defaults', () => {
    expect(buildContainerSpec(machine(), { oemDir: OEM, instance: INSTANCE })).toEqual({
      name: 'porthole-win11-0123ab',
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
        'AUDIO=Y',
        'QMP=unix:/run/porthole-qmp.sock,server=on,wait=off',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.instance': INSTANCE,
        'io.porthole.version': '1',
        'io.porthole.spec': SPEC_HASH,
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
    expect(buildContainerSpec(m, { oemDir: OEM, instance: INSTANCE })).toEqual({
      name: 'porthole-win11-0123ab',
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
        'AUDIO=Y',
        'QMP=unix:/run/porthole-qmp.sock,server=on,wait=off',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.instance': INSTANCE,
        'io.porthole.version': '1',
        'io.porthole.spec': SPEC_HASH,
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
    expect(buildContainerSpec(m, { oemDir: OEM, instance: INSTANCE })).toEqual({
      name: 'porthole-win11-0123ab',
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
        'AUDIO=Y',
        'QMP=unix:/run/porthole-qmp.sock,server=on,wait=off',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.instance': INSTANCE,
        'io.porthole.version': '1',
        'io.porthole.spec': SPEC_HASH,
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
    const installed = buildContainerSpec(m, { oemDir: OEM, instance: INSTANCE, installed: true });
    expect(installed.HostConfig?.Binds).toEqual([
      '/home/ada/.local/share/porthole/machines/win11:/storage',
      `${OEM}:/oem:ro`,
    ]);
  });

  it('KVM off: KVM=N and no /dev/kvm device', () => {
    expect(buildContainerSpec(machine({ kvm: false }), { oemDir: OEM, instance: INSTANCE })).toEqual({
      name: 'porthole-win11-0123ab',
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
        'AUDIO=Y',
        'QMP=unix:/run/porthole-qmp.sock,server=on,wait=off',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'win11',
        'io.porthole.instance': INSTANCE,
        'io.porthole.version': '1',
        'io.porthole.spec': SPEC_HASH,
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
    expect(buildContainerSpec(m, { oemDir: '/srv/porthole/oem/office', instance: INSTANCE })).toEqual({
      name: 'porthole-office-0123ab',
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
        'AUDIO=Y',
        'QMP=unix:/run/porthole-qmp.sock,server=on,wait=off',
      ],
      ExposedPorts: EXPOSED,
      StopTimeout: 120,
      Labels: {
        'io.porthole.machine': 'office',
        'io.porthole.instance': INSTANCE,
        'io.porthole.version': '1',
        'io.porthole.spec': SPEC_HASH,
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

describe('the record label', () => {
  it('carries the record’s nonce when it has one; a record without one gets the spec it always had', () => {
    const plain = buildContainerSpec(machine({}), { oemDir: OEM, instance: INSTANCE });
    const marked = buildContainerSpec(machine({}), { oemDir: OEM, instance: INSTANCE, nonce: 'n1' });
    expect(plain.Labels?.['io.porthole.record']).toBeUndefined();
    expect(marked.Labels?.['io.porthole.record']).toBe('n1');
    expect(buildContainerSpec(machine({}), { oemDir: OEM, instance: INSTANCE, nonce: undefined })).toEqual(plain);
  });
});

describe('USB devices', () => {
  const usbDevices = [
    { vendorId: '046d', productId: 'c52b', name: 'Logitech Unifying Receiver' },
    { vendorId: '0781', productId: '5581', name: 'SanDisk Ultra' },
  ];

  it('are passed as the image documents: the USB bus, and a usb-host device by vendor and product id each', () => {
    const spec = buildContainerSpec(machine({ usbDevices }), { oemDir: OEM, instance: INSTANCE });
    expect(spec.Env).toContain(
      'ARGUMENTS=-device usb-host,vendorid=0x046d,productid=0xc52b -device usb-host,vendorid=0x0781,productid=0x5581',
    );
    expect(spec.HostConfig?.Devices).toContainEqual({
      PathOnHost: '/dev/bus/usb',
      PathInContainer: '/dev/bus/usb',
      CgroupPermissions: 'rwm',
    });
  });

  it('leave the bus out where the computer has none (the engine would refuse the container), keeping the arguments', () => {
    const spec = buildContainerSpec(machine({ usbDevices }), { oemDir: OEM, instance: INSTANCE, usbBus: false });
    expect(spec.HostConfig?.Devices?.map((d: { PathOnHost?: string }) => d.PathOnHost)).not.toContain('/dev/bus/usb');
    expect(spec.Env?.some((e) => e.startsWith('ARGUMENTS=-device usb-host'))).toBe(true);
  });

  it('add nothing when a machine has none', () => {
    for (const none of [undefined, []]) {
      const spec = buildContainerSpec(machine(none ? { usbDevices: none } : {}), { oemDir: OEM, instance: INSTANCE });
      expect(spec.Env?.some((e) => e.startsWith('ARGUMENTS='))).toBe(false);
      expect(spec.HostConfig?.Devices?.map((d: { PathOnHost?: string }) => d.PathOnHost)).not.toContain('/dev/bus/usb');
    }
  });
});

describe('spec label', () => {
  it('is the hash of the rest of the spec', () => {
    const spec = buildContainerSpec(machine(), { oemDir: OEM, instance: INSTANCE });
    expect(spec.Labels?.[SPEC_LABEL]).toBe(specHash(spec));
  });

  it('is the same for the same settings, whatever the key order', () => {
    const a = machine();
    const b = Object.fromEntries(Object.entries(a).reverse()) as MachineSettings;
    expect(buildContainerSpec(b, { oemDir: OEM, instance: INSTANCE }).Labels?.[SPEC_LABEL]).toBe(
      buildContainerSpec(a, { oemDir: OEM, instance: INSTANCE }).Labels?.[SPEC_LABEL],
    );
  });

  it('changes with every setting the container sees, and not with name or autoStart', () => {
    const base = buildContainerSpec(machine(), { oemDir: OEM, instance: INSTANCE }).Labels?.[SPEC_LABEL];
    const hash = (o: Partial<MachineSettings>): string | undefined =>
      buildContainerSpec(machine(o), { oemDir: OEM, instance: INSTANCE }).Labels?.[SPEC_LABEL];
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
      { usbDevices: [{ vendorId: '046d', productId: 'c52b', name: 'Receiver' }] },
    ];
    for (const change of changes) expect(hash(change), JSON.stringify(change)).not.toBe(base);
  });

  it('uses the label the engine layer lists machines by', () => {
    expect(MACHINE_LABEL).toBe(ENGINE_MACHINE_LABEL);
  });
});

describe('host without /dev/net/tun', () => {
  it('leaves the device out', () => {
    const spec = buildContainerSpec(machine(), { oemDir: OEM, instance: INSTANCE, tun: false });
    expect(spec.HostConfig?.Devices).toEqual([KVM]);
    expect(spec.HostConfig?.CapAdd).toEqual(['NET_ADMIN']);
    expect(
      buildContainerSpec(machine({ kvm: false }), { oemDir: OEM, instance: INSTANCE, tun: false }).HostConfig?.Devices,
    ).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses a path Docker cannot bind', () => {
    expect(() =>
      buildContainerSpec(machine({ sharedFolders: [{ hostPath: '/a:b', readOnly: false }] }), {
        oemDir: OEM,
        instance: INSTANCE,
      }),
    ).toThrow(/cannot be mounted/);
    expect(() => buildContainerSpec(machine(), { oemDir: 'relative/oem', instance: INSTANCE })).toThrow(
      /cannot be mounted/,
    );
  });

  it('refuses a fourth shared folder', () => {
    const folders = ['/a', '/b', '/c', '/d'].map((hostPath) => ({ hostPath, readOnly: false }));
    expect(() => buildContainerSpec(machine({ sharedFolders: folders }), { oemDir: OEM, instance: INSTANCE })).toThrow(
      /at most three/,
    );
  });
});

describe('buildContainerSpec keepGroups', () => {
  it('labels a container made to keep the user’s groups, so that one made before that choice is made again', () => {
    const plain = buildContainerSpec(machine(), { oemDir: OEM, instance: INSTANCE });
    const kept = buildContainerSpec(machine(), { oemDir: OEM, instance: INSTANCE, keepGroups: true });
    expect(kept.Labels?.[KEEP_GROUPS_LABEL]).toBe('1');
    expect(plain.Labels?.[KEEP_GROUPS_LABEL]).toBeUndefined();
    expect(kept.Labels?.[SPEC_LABEL]).not.toBe(plain.Labels?.[SPEC_LABEL]);
    const { [KEEP_GROUPS_LABEL]: _label, ...labels } = kept.Labels ?? {};
    expect({ ...kept, Labels: { ...labels, [SPEC_LABEL]: plain.Labels?.[SPEC_LABEL] } }).toEqual(plain);
  });
});
