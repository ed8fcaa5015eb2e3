import { describe, expect, it } from 'vitest';
import { hostContext } from './context';
import { engineHostChecks } from './engine-host-checks';
import {
  ancestors,
  isMissingDevice,
  isRefusedMount,
  parseDfAvailable,
  parseProbeOutput,
  PROBE_SCRIPT,
  type EngineHostProbe,
} from './engine-host-probe';

const cpu = (flags: string, vendor = 'GenuineIntel') =>
  `processor\t: 0\nvendor_id\t: ${vendor}\nflags\t\t: fpu ${flags}\n\nprocessor\t: 1\nvendor_id\t: ${vendor}\nflags\t\t: fpu ${flags}\n`;
const df =
  'Filesystem     1024-blocks      Used Available Capacity Mounted on\n/dev/sda1        100000000  40000000  60000000      40% /host\n';
const output = (kvm: string, cpuinfo: string, dfText = df) => `${kvm}\n---df\n${dfText}---cpuinfo\n${cpuinfo}`;

describe('the engine-host probe output', () => {
  it('reads an openable /dev/kvm, the CPU flags and the free space', () => {
    const r = parseProbeOutput(output('kvm=open', cpu('vmx hypervisor')), true);
    expect(r.kvm).toMatchObject({
      present: true,
      usable: true,
      flagsVisible: true,
      x86: true,
      vendor: 'intel',
      hypervisor: 'a hypervisor',
    });
    expect(r.freeBytes).toBe(60000000 * 1024);
  });

  it('a device that does not open is present with its errno; hidden flags are not visible', () => {
    const r = parseProbeOutput(
      output("kvm=denied:sh: can't open /dev/kvm: Permission denied", cpu('sse2', 'AuthenticAMD')),
      true,
    );
    expect(r.kvm).toMatchObject({
      present: true,
      usable: false,
      openError: 'EACCES',
      flagsVisible: false,
      vendor: 'amd',
      hypervisor: null,
    });
    expect(parseProbeOutput(output('kvm=denied:No such device or address', cpu('svm')), true).kvm.openError).toBe(
      'ENXIO',
    );
  });

  it('no device mapped (the engine computer has none) is missing, whatever the script said', () => {
    expect(parseProbeOutput(output('kvm=missing', cpu('vmx')), false).kvm).toMatchObject({
      present: false,
      usable: false,
    });
    expect(parseProbeOutput(output('kvm=open', cpu('vmx')), false).kvm).toMatchObject({
      present: false,
      usable: false,
    });
  });

  it('df: the Available column, also when the device name wraps to its own line; garbage is null', () => {
    expect(
      parseDfAvailable(
        'Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/mapper/very-long-volume-name\n  2048 1024 1000 50% /host\n',
      ),
    ).toBe(1000 * 1024);
    expect(parseDfAvailable('df: /host/x: No such file or directory\n')).toBeNull();
    expect(parseProbeOutput('nothing useful', true)).toMatchObject({ freeBytes: null, kvm: { present: false } });
  });

  it('the script is a constant that never creates /dev/kvm', () => {
    expect(PROBE_SCRIPT.indexOf('[ -c /dev/kvm ]')).toBeLessThan(PROBE_SCRIPT.indexOf('<> /dev/kvm'));
  });

  it('walks from the storage folder to / for the first folder the far computer has', () => {
    expect(ancestors('/srv/porthole/machines')).toEqual(['/srv/porthole/machines', '/srv/porthole', '/srv', '/']);
    expect(ancestors('/')).toEqual(['/']);
  });

  it('tells an engine refusing a missing /dev/kvm from a refused mount and from other failures', () => {
    const noDevice = new Error(
      '(HTTP code 500) server error - error gathering device information while adding custom device "/dev/kvm": no such file or directory',
    );
    const noFolder = new Error(
      '(HTTP code 400) bad parameter - invalid mount config for type "bind": bind source path does not exist: /srv/x',
    );
    expect([isMissingDevice(noDevice), isRefusedMount(noDevice)]).toEqual([true, false]);
    expect([isMissingDevice(noFolder), isRefusedMount(noFolder)]).toEqual([false, true]);
    expect(isRefusedMount(new Error('path / is mounted on / but it is not a shared or slave mount'))).toBe(true);
    expect([
      isMissingDevice(new Error('(HTTP code 404) no such image')),
      isRefusedMount(new Error('(HTTP code 404) no such image')),
    ]).toEqual([false, false]);
  });
});

describe('the checklist items from the probe', () => {
  const probe = (
    over: Partial<EngineHostProbe['kvm']>,
    freeBytes: number | null = 200 * 1024 ** 3,
  ): EngineHostProbe => ({
    host: 'box',
    image: 'dockurr/windows:6.05',
    kvm: {
      present: true,
      usable: true,
      group: 'kvm',
      groupCanWrite: true,
      groupOnly: false,
      flagsVisible: true,
      x86: true,
      vendor: 'intel',
      modulesLoaded: null,
      hypervisor: null,
      ...over,
    },
    freeBytes,
    measuredAt: '/srv',
    elapsedMs: 10,
  });
  const ctx = hostContext({ root: '/nonexistent', env: {}, uid: 1000, user: 'me' });

  it('say where they were checked, and put fixes on the engine computer', () => {
    const ok = engineHostChecks(probe({}), ctx, true, '/srv/porthole');
    expect(ok.kvm).toMatchObject({ status: 'ok' });
    expect(ok.kvm.found).toMatch(
      /^On box \(the engine's computer, checked in a short-lived container of dockurr\/windows:6\.05\): \/dev\/kvm opens read-write/,
    );
    expect(ok.disk.found).toMatch(/^On box: 200 GB free at \/srv\/porthole \(measured on \/srv/);

    const missing = engineHostChecks(
      probe({ present: false, usable: false, flagsVisible: false }, 10 * 1024 ** 3),
      ctx,
      true,
      '/srv/porthole',
    );
    expect(missing.kvm.status).toBe('fail');
    expect(missing.kvm.fix?.commands[0]).toBe('# on box:');
    expect(missing.kvm.fix?.text).toMatch(/^On box: /);
    expect(missing.disk).toMatchObject({ status: 'fail' });
    expect(missing.disk.fix?.commands).toContain('# on box:');
  });
});
