import { describe, expect, it } from 'vitest';
import { startRefusal } from './start-refusals';

const ports = { web: 18006, rdp: 13389 };

describe('the engine’s refusals at start, in plain words with the fix', () => {
  it('no /dev/kvm on this computer (Docker and Podman wording): software emulation', () => {
    for (const text of [
      'The container engine refused: error gathering device information while adding custom device "/dev/kvm": no such file or directory',
      'crun: stat /dev/kvm: no such file or directory: OCI runtime attempted to invoke a command that was not found',
    ]) {
      const r = startRefusal(text, ports, 'win11');
      expect(r).toMatchObject({
        fix: 'software-emulation',
        cause: 'This computer has no /dev/kvm, so the machine cannot use KVM hardware acceleration.',
      });
      expect(r!.remedy).toContain('porthole fix win11 software-emulation');
      expect(r!.logLine).toBe(text);
    }
  });

  it('a host port taken as the machine started, naming which of the machine’s ports: other ports', () => {
    const docker = startRefusal(
      'The container engine refused: driver failed programming external connectivity on endpoint porthole-win11-abc (f00d): Bind for 127.0.0.1:18006 failed: port is already allocated',
      ports,
      'win11',
    );
    expect(docker).toMatchObject({
      fix: 'other-ports',
      cause:
        "Port 18006 on this computer (the machine's screen port) was taken by another program as the machine started.",
    });
    const proxy = startRefusal(
      'The container engine refused: driver failed programming external connectivity on endpoint x: Error starting userland proxy: listen tcp4 127.0.0.1:13389: bind: address already in use',
      ports,
      'win11',
    );
    expect(proxy).toMatchObject({
      fix: 'other-ports',
      cause: expect.stringContaining("Port 13389 on this computer (the machine's Remote Desktop port)"),
    });
    const podman = startRefusal(
      'rootlessport listen tcp 127.0.0.1:18006: bind: address already in use',
      ports,
      'win11',
    );
    expect(podman?.fix).toBe('other-ports');
    expect(docker!.remedy).toContain('porthole fix win11 other-ports');
  });

  it('a full disk: make room', () => {
    expect(startRefusal('write /var/lib/docker/tmp/x: no space left on device', ports, 'win11')?.fix).toBe('make-room');
  });

  it('anything else stays as the engine said it', () => {
    expect(
      startRefusal('The container engine refused: invalid mount config for type "bind"', ports, 'win11'),
    ).toBeUndefined();
    expect(startRefusal('Bind for 127.0.0.1:18006 is fine', ports, 'win11')).toBeUndefined();
  });
});
