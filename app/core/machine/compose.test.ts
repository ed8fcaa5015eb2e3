import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sampleMachine } from '../../api/testing/sample-machine';
import type { MachineSettings } from '../../api';
import { toCompose } from './compose-export';
import { fromCompose, parseComposeDuration } from './compose-import';
import { isDockurImage, parseImageBoolean, parseSizeGiB, settingsFromContainer } from './dockur-settings';
import { buildContainerSpec } from './spec';

/** A Porthole configuration's instance id (lifecycle/config-instance-id.ts). */
const INSTANCE = '0123abcdef456789';

const OEM = '/home/ada/.local/share/porthole/oem/win11';

const machine: MachineSettings = {
  id: 'win11',
  name: 'Windows 11',
  image: 'dockurr/windows:6.05',
  version: '11',
  language: 'de-DE',
  region: 'de-CH',
  keyboard: 'de-CH',
  username: 'ada',
  password: 'pa ss: "word" # not a comment',
  ramGiB: 8,
  cpuCores: 4,
  diskGiB: 64,
  diskFormat: 'qcow2',
  sharedFolders: [
    { hostPath: '/home/ada/Documents', readOnly: false },
    { hostPath: '/home/ada/Photos', readOnly: true },
  ],
  customIso: '/home/ada/Downloads/Win11.iso',
  screen: { width: 1920, height: 1080 },
  storageDir: '/home/ada/.local/share/porthole/machines/win11',
  ports: { web: 47001, rdp: 47002 },
  autoStart: false,
  kvm: false,
  audio: true,
};

interface ComposeService {
  image: string;
  container_name: string;
  environment: Record<string, string>;
  devices: string[];
  cap_add: string[];
  ports: string[];
  volumes: string[];
  restart: string;
  stop_grace_period: string;
}

function service(text: string, name: string): ComposeService {
  const doc = parse(text) as { services: Record<string, ComposeService> };
  return doc.services[name]!;
}

describe('toCompose', () => {
  it('reads back as the same container as buildContainerSpec', () => {
    const text = toCompose(machine, { oemDir: OEM, instance: INSTANCE });
    const spec = buildContainerSpec(machine, { oemDir: OEM, instance: INSTANCE });
    const s = service(text, 'win11');
    expect(s.image).toBe(spec.Image);
    // Not Porthole's own name: its stopped container stays, and compose would refuse a second one by that name.
    expect(s.container_name).toBe(`${spec.name}-compose`);
    expect(Object.entries(s.environment).map(([k, v]) => `${k}=${v}`)).toEqual(spec.Env);
    expect(s.volumes).toEqual(spec.HostConfig?.Binds);
    expect(s.cap_add).toEqual(spec.HostConfig?.CapAdd);
    const devices = (spec.HostConfig?.Devices as Docker.DeviceMapping[]).map(
      (d) => `${d.PathOnHost}:${d.PathInContainer}`,
    );
    expect(s.devices).toEqual(devices);
    const bindings = spec.HostConfig?.PortBindings as Record<string, Array<{ HostIp: string; HostPort: string }>>;
    const ports = Object.entries(bindings).flatMap(([port, list]) =>
      list.map((b) => `${b.HostIp}:${b.HostPort}:${port}`),
    );
    expect(s.ports).toEqual(ports);
    expect(s.restart).toBe(spec.HostConfig?.RestartPolicy?.Name);
    expect(s.stop_grace_period).toBe('2m');
    expect(spec.StopTimeout).toBe(120);
  });

  it('is plain, quoted compose a person can read', () => {
    const text = toCompose(
      {
        ...machine,
        kvm: true,
        customIso: null,
        sharedFolders: [],
        region: undefined,
        keyboard: undefined,
        password: 'admin',
      },
      { oemDir: OEM, instance: INSTANCE },
    );
    expect(text).toBe(`# Machine “Windows 11”, exported by Porthole.
# Run it with: docker compose up -d   (or podman compose up -d)
# Its screen: http://127.0.0.1:47001/   Remote Desktop: 127.0.0.1:47002
# Stop the machine in Porthole first (porthole stop win11): both use the same disk.
# Porthole keeps its own stopped container; it does not get in the way, so leave it. While this
# file's container runs, Porthole shows the machine running; after "docker compose down",
# Porthole starts it again as before (porthole start win11).
# This file contains the Windows password.

services:
  win11:
    image: "dockurr/windows:6.05"
    container_name: "porthole-win11-0123ab-compose"
    environment:
      VERSION: "11"
      RAM_SIZE: "8G"
      CPU_CORES: "4"
      DISK_SIZE: "64G"
      DISK_FMT: "qcow2"
      USERNAME: "ada"
      PASSWORD: "admin"
      LANGUAGE: "de-DE"
      WIDTH: "1920"
      HEIGHT: "1080"
      SAMBA: "Y"
      DISPLAY: "web"
      AUDIO: "Y"
      QMP: "unix:/run/porthole-qmp.sock,server=on,wait=off"
    devices:
      - "/dev/kvm:/dev/kvm"
      - "/dev/net/tun:/dev/net/tun"
    cap_add:
      - "NET_ADMIN"
    ports:
      - "127.0.0.1:47001:8006/tcp"
      - "127.0.0.1:47002:3389/tcp"
      - "127.0.0.1:47002:3389/udp"
    volumes:
      - "/home/ada/.local/share/porthole/machines/win11:/storage"
      - "/home/ada/.local/share/porthole/oem/win11:/oem:ro"
    restart: "no"
    stop_grace_period: "2m"
    x-porthole-name: "Windows 11"
`);
  });

  it('imports back into the same settings', () => {
    const { drafts, warnings } = fromCompose(toCompose(machine, { oemDir: OEM, instance: INSTANCE }));
    // The /oem folder is handed to the import, which tells Porthole's own from a person's (user-oem.ts).
    expect(warnings).toEqual([]);
    const { id: _id, name: _name, autoStart: _autoStart, ...rest } = machine;
    expect(drafts).toEqual([{ ...rest, name: 'Windows 11', oemDir: OEM }]);
  });
});

describe('compose round trip of secrets', () => {
  const nasty = [
    'Pa$HOME',
    '$$',
    '$',
    'a$$b$',
    '${HOME}',
    '$PATH and ${USER:-x}',
    `quotes " and ' both`,
    'hash # not a comment',
    '#first',
    '  leading and trailing  ',
    ' ',
    'ünïcødé 密码 🔑',
    'back\\slash \\n not a newline',
    'key: value',
    '- dash',
    '&anchor *alias !tag',
    '{braces} [list]',
    'yes',
    'null',
    '0123',
    '1e3',
    '%percent @at `tick`',
  ];

  it.each(nasty)('exports %j with every $ doubled, quoted, and imports it back exactly', (password) => {
    const text = toCompose({ ...machine, password }, { oemDir: OEM, instance: INSTANCE });
    // What compose reads before its interpolation: the value with each $ doubled, as one quoted string.
    const raw = service(text, 'win11').environment.PASSWORD;
    expect(raw).toBe(password.split('$').join('$$'));
    expect(text).toContain(`PASSWORD: ${JSON.stringify(raw)}`);
    const { drafts } = fromCompose(text);
    expect(drafts[0]!.password).toBe(password);
  });

  it('escapes every character YAML 1.1 reads as a line break (NEL, U+2028, U+2029), C1 and format characters', () => {
    const password = 'a\u0085networks:\u2028b\u2029c\u0090de\u202ef\u200bg\u{e0041}h';
    const text = toCompose({ ...machine, name: 'Caf\u00e9', password }, { oemDir: OEM, instance: INSTANCE });
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u2029\p{Cf}]/u);
    expect(text.split('\n').filter((l) => l.includes('PASSWORD'))).toEqual([
      '      PASSWORD: "a\\Nnetworks:\\Lb\\Pc\\x90de\\u202ef\\u200bg\\U000e0041h"',
    ]);
    expect(Object.keys(parse(text) as object)).toEqual(['services']);
    // The file reads back as it was written; such a password (an older Porthole's) is then refused at import.
    const services = (parse(text) as { services: Record<string, { environment: Record<string, string> }> }).services;
    expect(Object.values(services)[0]!.environment.PASSWORD).toBe(password);
    expect(() => fromCompose(text)).toThrow(
      'PASSWORD cannot be kept: A password cannot contain control characters or invisible marks: character 2 is a line break (U+0085).',
    );
  });

  it('refuses an x-porthole-name the names rule refuses, as any other way of naming a machine does', () => {
    const text = toCompose(machine, { oemDir: OEM, instance: INSTANCE }).replace(
      /x-porthole-name: "[^"]*"/,
      'x-porthole-name: "Evil\\u202eexe"',
    );
    expect(() => fromCompose(text)).toThrow(
      /x-porthole-name: A machine name cannot contain an invisible character \(U\+202E\)/,
    );
    const nfd = toCompose(machine, { oemDir: OEM, instance: INSTANCE }).replace(
      /x-porthole-name: "[^"]*"/,
      'x-porthole-name: "Cafe\\u0301"',
    );
    expect(fromCompose(nfd).drafts[0]!.name).toBe('Caf\u00e9');
  });

  it('writes the golden line for a password with a $', () => {
    const text = toCompose({ ...machine, password: 'Pa$HOME' }, { oemDir: OEM, instance: INSTANCE });
    expect(text.split('\n').filter((l) => l.includes('PASSWORD'))).toEqual(['      PASSWORD: "Pa$$HOME"']);
  });

  it('escapes $ in every value, not only the password, and reads them back', () => {
    const odd: MachineSettings = {
      ...machine,
      name: 'Cost $5 machine',
      username: 'us$er',
      storageDir: '/home/ada/$disk',
      sharedFolders: [{ hostPath: '/home/ada/$HOME share', readOnly: false }],
      customIso: null,
    };
    const text = toCompose(odd, { oemDir: OEM, instance: INSTANCE });
    const s = service(text, 'win11') as ComposeService & { 'x-porthole-name': string };
    expect(s['x-porthole-name']).toBe('Cost $$5 machine');
    expect(s.environment.USERNAME).toBe('us$$er');
    expect(s.volumes).toContain('/home/ada/$$disk:/storage');
    expect(s.volumes).toContain('/home/ada/$$HOME share:/shared');
    const [draft] = fromCompose(text).drafts;
    expect(draft).toMatchObject({ name: 'Cost $5 machine', username: 'us$er', storageDir: '/home/ada/$disk' });
    expect(draft!.sharedFolders).toEqual([{ hostPath: '/home/ada/$HOME share', readOnly: false }]);
  });
});

describe('fromCompose', () => {
  it('imports the upstream README compose file', () => {
    const text = `
services:
  windows:
    image: dockurr/windows
    container_name: windows
    environment:
      VERSION: "11"
    devices:
      - /dev/kvm
      - /dev/net/tun
    cap_add:
      - NET_ADMIN
    ports:
      - 8006:8006
      - 3389:3389/tcp
      - 3389:3389/udp
    volumes:
      - ./windows:/storage
    restart: always
    stop_grace_period: 2m
`;
    const { drafts, warnings } = fromCompose(text, { baseDir: '/home/ada/vms' });
    expect(drafts).toEqual([
      {
        name: 'windows',
        image: 'dockurr/windows',
        version: '11',
        ramGiB: 4,
        cpuCores: 2,
        storageDir: '/home/ada/vms/windows',
        ports: { web: 8006, rdp: 3389 },
      },
    ]);
    expect(warnings).toEqual([
      'service "windows": restart: always is not carried over: Porthole starts a machine when you start it, and does not restart it on its own.',
      'service "windows": container_name windows is the machine’s name; Porthole names the container it runs itself.',
      'service "windows": the image dockurr/windows follows the latest release; Porthole is tested with dockurr/windows:6.05.',
      'service "windows": its ports were open beyond this computer; Porthole publishes them on 127.0.0.1 only.',
    ]);
  });

  it('refuses a relative path it cannot place instead of making the machine on a new empty folder', () => {
    const file = (volume: string): string =>
      `services:\n  w:\n    image: dockurr/windows:6.05\n    volumes: ["/data/w:/storage2", "${volume}"]\n`;
    expect(() => fromCompose(file('./windows:/storage'))).toThrow(
      /the relative path \.\/windows \(for \/storage\) cannot be placed.*porthole import <path of the file>.*Nothing was changed/,
    );
    expect(() => fromCompose(file('./shared:/shared'))).toThrow(
      /the relative path \.\/shared \(for \/shared\) cannot be placed/,
    );
    expect(() => fromCompose(file('~/win:/storage'))).toThrow(/starts with ~.*write the full path/);
    // With the file's folder, the same file imports (the path placed as docker compose places it).
    expect(fromCompose(file('./windows:/storage'), { baseDir: '/home/ada/vms' }).drafts[0]?.storageDir).toBe(
      '/home/ada/vms/windows',
    );
  });

  it('refuses a Windows disk in an engine volume (a new empty folder would install Windows again)', () => {
    expect(() =>
      fromCompose('services:\n  w:\n    image: dockurr/windows:6.05\n    volumes: ["win:/storage"]\n'),
    ).toThrow(/its Windows disk \(\/storage\) is the engine volume "win".*Nothing was changed/);
  });

  it('names stop_grace_period, restart and container_name one by one, and says nothing for what it keeps', () => {
    const base = 'services:\n  w:\n    image: dockurr/windows:6.05\n    volumes: ["/data/w:/storage"]\n';
    expect(fromCompose(`${base}    stop_grace_period: 2m\n    restart: "no"\n`).warnings).toEqual([]);
    expect(fromCompose(`${base}    stop_grace_period: 120s\n`).warnings).toEqual([]);
    expect(fromCompose(`${base}    stop_grace_period: 30s\n    restart: unless-stopped\n`).warnings).toEqual([
      'service "w": stop_grace_period 30s is not carried over: Porthole always gives Windows 2 minutes to shut down.',
      'service "w": restart: unless-stopped is not carried over: Porthole starts a machine when you start it, and does not restart it on its own.',
    ]);
  });

  it('reads compose durations', () => {
    expect(parseComposeDuration('2m')).toBe(120);
    expect(parseComposeDuration('1m30s')).toBe(90);
    expect(parseComposeDuration('1h')).toBe(3600);
    expect(parseComposeDuration('soon')).toBeUndefined();
  });

  it('reads every setting, in list and long syntax, and names what it leaves out', () => {
    const text = `
services:
  office:
    image: ghcr.io/dockur/windows:6.05
    environment:
      - VERSION=win10
      - RAM_SIZE=6144M
      - CPU_CORES=3
      - DISK_SIZE=100
      - DISK_FMT=QCOW2
      - USERNAME=bob
      - PASSWORD=  spaced
      - LANGUAGE=fr_BE
      - KEYBOARD=fr_BE
      - WIDTH=1600
      - HEIGHT=900
      - KVM=no
      - SAMBA_READONLY=yes
      - KEY=XXXXX-XXXXX
      - ARGUMENTS=-device usb-host
      - FROM_SHELL
    volumes:
      - type: bind
        source: /srv/office
        target: /storage
      - /home/bob/share:/data
      - /home/bob/more:/shared2:rw
      - /isos/win10.iso:/boot.iso
      - /srv/custom.xml:/custom.xml
      - winvol:/shared3
    ports:
      - target: 8006
        published: "18006"
        host_ip: 127.0.0.1
      - "127.0.0.1:13389:3389"
      - "5900:5900"
`;
    const { drafts, warnings } = fromCompose(text);
    expect(drafts).toEqual([
      {
        name: 'office',
        image: 'ghcr.io/dockur/windows:6.05',
        version: '10',
        ramGiB: 6,
        cpuCores: 3,
        diskGiB: 100,
        diskFormat: 'qcow2',
        username: 'bob',
        password: '  spaced',
        language: 'fr-FR',
        region: 'fr-BE',
        keyboard: 'fr-BE',
        screen: { width: 1600, height: 900 },
        kvm: false,
        storageDir: '/srv/office',
        sharedFolders: [
          { hostPath: '/home/bob/share', readOnly: true },
          { hostPath: '/home/bob/more', readOnly: true },
        ],
        customIso: '/isos/win10.iso',
        ports: { web: 18006, rdp: 13389 },
      },
    ]);
    expect(warnings).toEqual([
      'service "office": FROM_SHELL takes its value from the shell that runs compose; set it in Porthole instead.',
      'service "office": ARGUMENTS "-device usb-host" is not carried over: Porthole passes QEMU only the USB devices it manages.',
      'service "office": Porthole does not support KEY yet; it was left out.',
      'service "office": the mount /srv/custom.xml → /custom.xml is not supported by Porthole and was left out.',
      'service "office": /shared3 is the engine volume "winvol"; Porthole uses folders only, so copy its files to a folder and choose that.',
      'service "office": port 5900 → 5900/tcp is not published by Porthole.',
      'service "office": its ports were open beyond this computer; Porthole publishes them on 127.0.0.1 only.',
    ]);
  });

  it('refuses every value it cannot keep, all at once and with the reason, rather than using a default', () => {
    const text = `
services:
  db:
    image: postgres:16
  win:
    image: docker.io/dockurr/windows:latest
    environment:
      VERSION: "12"
      RAM_SIZE: half
      DISK_SIZE: "0"
      CPU_CORES: max
      DISK_FMT: vhd
      LANGUAGE: Klingon
      REGION: Mars
      DISPLAY: vnc
      SAMBA: "N"
      KVM: maybe
      USERNAME: "Administrator"
      WIDTH: 1024
    volumes:
      - ~/win:/storage
`;
    let error: unknown;
    try {
      fromCompose(text, { homeDir: '/home/ada' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      remedy: 'Correct these values in the file, then import it again.',
    });
    const message = (error as Error).message;
    expect(message).toMatch(/^This compose file cannot be imported: /);
    expect(message).toMatch(/Nothing was changed\.$/);
    for (const reason of [
      'service "win": Porthole does not know VERSION "12"',
      'service "win": RAM_SIZE="half" is not a size',
      'service "win": DISK_SIZE="0" is not a size',
      'service "win": CPU_CORES="max" is not a number of processor cores',
      'service "win": DISK_FMT="vhd" is neither raw nor qcow2.',
      'service "win": LANGUAGE="Klingon" is not a language Windows is published in.',
      'service "win": REGION: “Mars” is not a region Windows knows',
      'service "win": KVM="maybe" is neither yes nor no',
      'service "win": USERNAME "Administrator" cannot be kept: “Administrator” is the name of a built-in Windows account.',
      'service "win": WIDTH and HEIGHT go together: set both, or neither.',
    ]) {
      expect(message).toContain(reason);
    }
  });

  it('refuses a password it cannot keep without ever showing it, instead of storing admin', () => {
    const secret = 'Sup3r\\tS3cret';
    const cases = [
      [`PASSWORD: ""`, /PASSWORD cannot be kept: Choose a password/],
      [`PASSWORD: "${'x'.repeat(128)}"`, /PASSWORD cannot be kept: A password can be at most 127 characters long\./],
      [`PASSWORD: "${secret}"`, /PASSWORD cannot be kept: A password cannot contain control characters/],
      [`PASSWORD: "Sup3r\${HOME}S3cret"`, /PASSWORD uses variable substitution/],
      [`PASSWORD: "Sup3r$HOMES3cret"`, /PASSWORD uses variable substitution/],
      [`PASSWORD: "Sup3r$ S3cret"`, /PASSWORD has a lone \$/],
      [`PASSWORD:`, /PASSWORD has no value in the file/],
      [`PASSWORD: 0123`, /PASSWORD is written as a number/],
    ] as const;
    for (const [line, reason] of cases) {
      const text = `services:\n  w:\n    image: dockurr/windows:6.05\n    environment:\n      ${line}\n`;
      let error: unknown;
      try {
        fromCompose(text);
      } catch (e) {
        error = e;
      }
      expect(error, line).toBeInstanceOf(Error);
      const { message, remedy } = error as Error & { remedy?: string };
      expect(message, line).toMatch(reason);
      for (const leak of ['Sup3r', 'S3cret', 'x'.repeat(20), '0123']) {
        expect(`${message} ${remedy ?? ''}`, line).not.toContain(leak);
      }
    }
    // The list form names the variable too, never its value.
    expect(() =>
      fromCompose('services:\n  w:\n    image: dockurr/windows:6.05\n    environment: ["PASSWORD=Sup3r${X}"]\n'),
    ).toThrow(/service "w": PASSWORD uses variable substitution/);
    // And the importing process's own environment is never read for it.
    process.env.PORTHOLE_TEST_SECRET = 'from-the-shell';
    try {
      expect(() =>
        fromCompose(
          'services:\n  w:\n    image: dockurr/windows:6.05\n    environment:\n      PASSWORD: ${PORTHOLE_TEST_SECRET}\n',
        ),
      ).toThrow(/variable substitution/);
    } finally {
      delete process.env.PORTHOLE_TEST_SECRET;
    }
  });

  it('refuses variable substitution anywhere in the service, naming where', () => {
    expect(() =>
      fromCompose('services:\n  w:\n    image: dockurr/windows:6.05\n    volumes: ["${HOME}/win:/storage"]\n'),
    ).toThrow(/service "w": volumes\[0\] uses variable substitution/);
  });

  it('refuses values the draft schema refuses; only a host port out of range is re-chosen, with a warning', () => {
    const text = `
services:
  w:
    image: dockurr/windows:6.05
    environment:
      USERNAME: a-user-name-longer-than-twenty
      WIDTH: "100"
      HEIGHT: "100"
`;
    expect(() => fromCompose(text)).toThrow(
      /USERNAME "a-user-name-longer-than-twenty" cannot be kept: A Windows user name can be at most 20 characters long\..*screen\.width cannot be kept: .*screen\.height cannot be kept/s,
    );
    const { drafts, warnings } = fromCompose(
      'services:\n  w:\n    image: dockurr/windows:6.05\n    ports: ["127.0.0.1:80:8006"]\n',
    );
    expect(drafts).toEqual([{ name: 'w', image: 'dockurr/windows:6.05', ramGiB: 4, cpuCores: 2 }]);
    expect(warnings).toEqual(['service "w": host port 80 is outside 1024-65535; Porthole picks another.']);
  });

  // Issue 26.4: these vanished without a word, though each dropped setting is to be named.
  it('names every setting it drops (privileged, host network, devices, capabilities, entrypoint...), never a command’s value', () => {
    const text = `
services:
  w:
    image: dockurr/windows:6.05
    volumes: ["/data/w:/storage"]
    privileged: true
    network_mode: host
    devices: ["/dev/kvm", "/dev/net/tun", "/dev/sda", "/dev/mem:/dev/mem"]
    cap_add: [NET_ADMIN, ALL]
    security_opt: ["seccomp=unconfined"]
    pid: host
    ipc: host
    entrypoint: ["/bin/sh", "-c"]
    command: "echo s3cr3t"
    sysctls: { net.ipv4.ip_forward: 1 }
    user: root
    shm_size: 2gb
    x-porthole-name: W
`;
    const { drafts, warnings } = fromCompose(text);
    expect(drafts).toHaveLength(1);
    expect(warnings).toEqual([
      'service "w": the device /dev/sda is not carried over: Porthole gives a machine only /dev/kvm, /dev/net/tun and, for its USB devices, /dev/bus/usb.',
      'service "w": the device /dev/mem is not carried over: Porthole gives a machine only /dev/kvm, /dev/net/tun and, for its USB devices, /dev/bus/usb.',
      'service "w": cap_add ALL is not carried over: Porthole gives a machine only NET_ADMIN.',
      'service "w": privileged is not carried over: Porthole never runs a machine privileged.',
      'service "w": network_mode: host is not carried over: Porthole runs a machine in its own network, its ports published on 127.0.0.1.',
      'service "w": security_opt is not carried over: Porthole makes the machine’s container from its own settings.',
      'service "w": pid: host is not carried over: Porthole runs a machine in its own process space.',
      'service "w": ipc: host is not carried over: Porthole runs a machine in its own memory space.',
      'service "w": entrypoint is not carried over: Porthole makes the machine’s container from its own settings.',
      'service "w": command is not carried over: Porthole makes the machine’s container from its own settings.',
      'service "w": sysctls is not carried over: Porthole makes the machine’s container from its own settings.',
      'service "w": user is not carried over: Porthole makes the machine’s container from its own settings.',
      'service "w": shm_size is not carried over: Porthole makes the machine’s container from its own settings.',
    ]);
    expect(warnings.join('\n')).not.toContain('s3cr3t');
  });

  it('gives the image’s own memory and cores where the file sets none, as compose runs it', () => {
    const [draft] = fromCompose(
      'services:\n  w:\n    image: dockurr/windows:6.05\n    volumes: ["/data/w:/storage"]\n',
    ).drafts;
    expect(draft).toMatchObject({ ramGiB: 4, cpuCores: 2 });
    expect(
      fromCompose(
        'services:\n  w:\n    image: dockurr/windows:6.05\n    environment: { RAM_SIZE: 6G, CPU_CORES: "3" }\n',
      ).drafts[0],
    ).toMatchObject({ ramGiB: 6, cpuCores: 3 });
  });

  // Issue 26.3: any other image was skipped with a reason nobody saw.
  it('takes any image whose settings say Windows, and says why each other service was skipped', () => {
    const text = `
services:
  mirror:
    image: registry.example/windows:6.05
    environment: { VERSION: "11" }
    volumes: ["/data/mirror:/storage"]
  exported:
    image: localhost/my-windows:1
    x-porthole-name: Mine
  db:
    image: postgres:16
    volumes: ["/data/db:/storage"]
  bare: {}
`;
    const { drafts, services, warnings } = fromCompose(text);
    expect(services).toEqual(['mirror', 'exported']);
    expect(drafts.map((d) => [d.name, d.image])).toEqual([
      ['mirror', 'registry.example/windows:6.05'],
      ['Mine', 'localhost/my-windows:1'],
    ]);
    expect(warnings).toContain(
      'service "db": its image postgres:16 is not dockurr/windows, and nothing in it says it is a Windows machine (a folder at /storage with one of the variables VERSION, USERNAME, PASSWORD, LANGUAGE, REGION, KEYBOARD, or Porthole\'s x-porthole-name); skipped.',
    );
    expect(warnings).toContain('service "bare": it has no image; skipped.');
  });

  it('refuses a file of more services or machines than a person means, saying how many and why', () => {
    const many = (n: number, image: string): string =>
      `services:\n${Array.from({ length: n }, (_, i) => `  s${i}:\n    image: ${image}\n`).join('')}`;
    expect(() => fromCompose(many(1000, 'dockurr/windows:6.05'))).toThrow(
      'This compose file has 1000 services; Porthole reads files of at most 256',
    );
    expect(() => fromCompose(many(17, 'dockurr/windows:6.05'))).toThrow(
      /This compose file has 17 Windows machines; Porthole imports at most 16 at once, since each is a whole Windows/,
    );
    expect(fromCompose(many(16, 'dockurr/windows:6.05')).drafts).toHaveLength(16);
    // Services that are no Windows machine do not count as machines.
    expect(fromCompose(`${many(40, 'nginx')}  w:\n    image: dockurr/windows:6.05\n`).drafts).toHaveLength(1);
  });

  it.each([
    ['not: [valid', /not a valid compose file/],
    ['just text', /no services/],
    ['services: 3', /no services/],
  ])('refuses %j', (text, message) => {
    expect(() => fromCompose(text)).toThrow(message);
  });
});

describe('settingsFromContainer', () => {
  it('adopts a hand-made dockur container', () => {
    const info = {
      Name: '/windows',
      Config: {
        Image: 'dockurr/windows:6.05',
        Env: [
          'VERSION=11',
          'RAM_SIZE=4G',
          'CPU_CORES=2',
          'DISK_SIZE=64G',
          'LANGUAGE=German',
          'PATH=/usr/local/sbin:/usr/bin',
          'AUDIO=Y',
        ],
      },
      Mounts: [
        {
          Type: 'bind',
          Source: '/home/ada/windows',
          Destination: '/storage',
          Mode: '',
          RW: true,
          Propagation: 'rprivate',
        },
        {
          Type: 'bind',
          Source: '/home/ada/Public',
          Destination: '/shared',
          Mode: 'ro',
          RW: false,
          Propagation: 'rprivate',
        },
        {
          Type: 'volume',
          Name: 'abc',
          Source: '/var/lib/docker/volumes/abc/_data',
          Destination: '/shared2',
          Mode: '',
          RW: true,
          Propagation: '',
        },
      ],
      HostConfig: {
        PortBindings: {
          '8006/tcp': [{ HostIp: '', HostPort: '8006' }],
          '3389/tcp': [{ HostIp: '127.0.0.1', HostPort: '3389' }],
          '3389/udp': null,
        },
      },
    } as unknown as Docker.ContainerInspectInfo;
    const { draft, warnings } = settingsFromContainer(info);
    expect(draft).toEqual({
      name: 'windows',
      image: 'dockurr/windows:6.05',
      version: '11',
      ramGiB: 4,
      cpuCores: 2,
      diskGiB: 64,
      language: 'de-DE',
      storageDir: '/home/ada/windows',
      sharedFolders: [{ hostPath: '/home/ada/Public', readOnly: true }],
      ports: { web: 8006, rdp: 3389 },
      audio: true,
    });
    expect(warnings).toEqual([
      'container "windows": /shared2 is the engine volume "/var/lib/docker/volumes/abc/_data"; Porthole uses folders only, so copy its files to a folder and choose that.',
      'container "windows": its ports were open beyond this computer; Porthole publishes them on 127.0.0.1 only.',
    ]);
  });

  // Issue 26.4: adoption dropped these without a word.
  it('names every setting of the container it does not keep', () => {
    const info = {
      Name: '/wild',
      Config: {
        Image: 'dockurr/windows:6.05',
        Env: ['VERSION=11'],
        User: '1000',
        Entrypoint: ['/bin/sh'],
        Cmd: ['-c', 'echo s3cr3t'],
      },
      Mounts: [
        {
          Type: 'bind',
          Source: '/home/ada/windows',
          Destination: '/storage',
          Mode: '',
          RW: true,
          Propagation: 'rprivate',
        },
      ],
      HostConfig: {
        Privileged: true,
        NetworkMode: 'host',
        PidMode: 'host',
        IpcMode: 'host',
        Devices: [
          { PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' },
          { PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' },
          { PathOnHost: '/dev/mem', PathInContainer: '/dev/mem', CgroupPermissions: 'rwm' },
        ],
        CapAdd: ['NET_ADMIN', 'ALL'],
        SecurityOpt: ['seccomp=unconfined'],
        Sysctls: { 'net.ipv4.ip_forward': '1' },
        ShmSize: 1024 ** 3,
      },
    } as unknown as Docker.ContainerInspectInfo;
    const { warnings } = settingsFromContainer(info);
    expect(warnings).toEqual([
      'container "wild": it runs privileged; Porthole never runs a machine privileged, so that is not carried over.',
      'container "wild": the network of the host is not carried over: Porthole runs a machine in its own network, its ports published on 127.0.0.1.',
      'container "wild": the process space of the host is not carried over: Porthole runs a machine in its own process space.',
      'container "wild": the memory space (ipc) of the host is not carried over: Porthole runs a machine in its own memory space.',
      'container "wild": the device /dev/sda is not carried over: Porthole gives a machine only /dev/kvm, /dev/net/tun and, for its USB devices, /dev/bus/usb.',
      'container "wild": the device /dev/mem is not carried over: Porthole gives a machine only /dev/kvm, /dev/net/tun and, for its USB devices, /dev/bus/usb.',
      'container "wild": the capabilities ALL are not carried over: Porthole gives a machine only NET_ADMIN.',
      'container "wild": its security options (security_opt) are not carried over: Porthole makes the machine’s container with the engine’s own.',
      'container "wild": the kernel settings (sysctls) net.ipv4.ip_forward are not carried over.',
      'container "wild": its /dev/shm size (shm_size) is not carried over.',
      'container "wild": its own entrypoint or command is not carried over: Porthole runs the image’s own.',
      'container "wild": the user it runs as (user) is not carried over: Porthole runs the image as the image says.',
    ]);
    expect(warnings.join('\n')).not.toContain('s3cr3t');
  });

  it('reads back a container Porthole made', () => {
    const spec = buildContainerSpec(machine, { oemDir: OEM, instance: INSTANCE });
    const binds = spec.HostConfig?.Binds ?? [];
    const info = {
      Name: `/${spec.name}`,
      Config: { Image: spec.Image, Env: spec.Env },
      Mounts: binds.map((b) => {
        const [Source, Destination, mode] = b.split(':');
        return { Type: 'bind', Source, Destination, Mode: mode ?? '', RW: mode !== 'ro', Propagation: 'rprivate' };
      }),
      HostConfig: { PortBindings: spec.HostConfig?.PortBindings },
    } as unknown as Docker.ContainerInspectInfo;
    const { draft } = settingsFromContainer(info);
    const { id: _id, name: _name, autoStart: _autoStart, ...rest } = machine;
    expect(draft).toEqual({ ...rest, name: 'porthole-win11-0123ab' });
  });
});

describe('helpers', () => {
  it.each([
    ['8G', 'ram', 8],
    ['8192M', 'ram', 8],
    ['8', 'ram', 8],
    ['4096', 'ram', 4],
    ['64G', 'disk', 64],
    ['64', 'disk', 64],
    ['1T', 'disk', 1024],
    ['128 GB', 'disk', 128],
    ['2.5G', 'disk', 2.5],
  ] as const)('parses %s (%s) as %d GiB', (value, what, gib) => {
    expect(parseSizeGiB(value, what)).toBe(gib);
  });

  it('keeps the USB devices of ARGUMENTS (the image’s usb-host passthrough) and names the arguments it leaves out', () => {
    const { drafts, warnings } = fromCompose(
      [
        'services:',
        '  windows:',
        '    image: dockurr/windows',
        '    devices:',
        '      - /dev/kvm',
        '      - /dev/bus/usb',
        '    environment:',
        '      ARGUMENTS: "-device usb-host,vendorid=0x046D,productid=0xc52b -device usb-host,vendorid=0x0781,productid=0x5581 -cpu host"',
        '',
      ].join('\n'),
    );
    expect(drafts[0]!.usbDevices).toEqual([
      { vendorId: '046d', productId: 'c52b', name: 'USB device 046d:c52b' },
      { vendorId: '0781', productId: '5581', name: 'USB device 0781:5581' },
    ]);
    expect(warnings.join('\n')).toContain('ARGUMENTS "-cpu host" is not carried over');
    expect(warnings.join('\n')).not.toContain('usb-host');
  });

  it('exports USB devices as the image documents them, and reads them back', () => {
    const m = sampleMachine({ usbDevices: [{ vendorId: '046d', productId: 'c52b', name: 'USB device 046d:c52b' }] });
    const text = toCompose(m, { oemDir: '/oem-dir', instance: 'i'.repeat(32) });
    expect(text).toContain('/dev/bus/usb:/dev/bus/usb');
    // Device nodes of USB devices plugged in while it runs may be opened too (usb/hotplug.ts).
    expect(service(text, m.id)).toMatchObject({ device_cgroup_rules: ['c 189:* rwm'] });
    expect(
      buildContainerSpec(sampleMachine(), { oemDir: '/oem-dir', instance: 'i'.repeat(32) }).HostConfig
        ?.DeviceCgroupRules,
    ).toBeUndefined();
    const { drafts, warnings } = fromCompose(text);
    expect(drafts[0]!.usbDevices).toEqual(m.usbDevices);
    expect(warnings).toEqual([]);
    expect(fromCompose(text.replace('"c 189:* rwm"', '"c 4:* rwm"')).warnings.join('\n')).toContain(
      'device_cgroup_rules c 4:* rwm is not carried over',
    );
  });

  it('exports memory given back as the image reads it (BALLOONING=Y), reads it back, and leaves it out when off', () => {
    const m = sampleMachine({ ballooning: true });
    const text = toCompose(m, { oemDir: '/oem-dir', instance: 'i'.repeat(32) });
    expect(service(text, m.id).environment.BALLOONING).toBe('Y');
    const { drafts, warnings } = fromCompose(text);
    expect(warnings.join('\n')).not.toContain('BALLOONING');
    expect(drafts[0]!.ballooning).toBe(true);
    expect(
      toCompose(sampleMachine({ ballooning: false }), { oemDir: '/oem-dir', instance: 'i'.repeat(32) }),
    ).not.toContain('BALLOONING');
    expect(fromCompose(text.replace('BALLOONING: "Y"', 'BALLOONING: "off"')).drafts[0]!.ballooning).toBeUndefined();
  });

  it('refuses sizes it cannot read', () => {
    expect(parseSizeGiB('half', 'ram')).toBeUndefined();
    expect(parseSizeGiB('', 'disk')).toBeUndefined();
    expect(parseSizeGiB('-1G', 'disk')).toBeUndefined();
  });

  it('reads the image’s booleans', () => {
    for (const yes of ['Y', 'yes', 'TRUE', '1', 'on']) expect(parseImageBoolean(yes)).toBe(true);
    for (const no of ['n', 'No', 'false', '0', 'OFF']) expect(parseImageBoolean(no)).toBe(false);
    expect(parseImageBoolean('maybe')).toBeUndefined();
  });

  it('knows the dockur images', () => {
    for (const image of [
      'dockurr/windows',
      'dockurr/windows:6.05',
      'docker.io/dockurr/windows:latest',
      'ghcr.io/dockur/windows:6.05',
    ]) {
      expect(isDockurImage(image), image).toBe(true);
    }
    for (const image of ['dockurr/windows-arm', 'evil/dockurr/windows', 'postgres', 'dockurr/windowsx:1']) {
      expect(isDockurImage(image), image).toBe(false);
    }
  });
});
