import { describe, expect, it } from 'vitest';
import { familyOf, installCommands, parseOsRelease, rootlessDockerCommands, upgradeDockerCommands } from './distro';

describe('os-release', () => {
  it('parses quoted and bare values', () => {
    expect(
      parseOsRelease('NAME="Fedora Linux"\nID=fedora\nID_LIKE=\'rhel centos\'\n# comment\nVERSION_ID=40\n'),
    ).toEqual({
      NAME: 'Fedora Linux',
      ID: 'fedora',
      ID_LIKE: 'rhel centos',
      VERSION_ID: '40',
    });
  });

  it.each([
    ['debian', '', 'debian'],
    ['ubuntu', 'debian', 'debian'],
    ['linuxmint', 'ubuntu debian', 'debian'],
    ['fedora', '', 'fedora'],
    ['rocky', 'rhel centos fedora', 'fedora'],
    ['arch', '', 'arch'],
    ['endeavouros', 'arch', 'arch'],
    ['opensuse-leap', 'suse opensuse', 'suse'],
    ['opensuse-slowroll', '', 'suse'],
    ['myos', 'ubuntu', 'debian'],
    ['nixos', '', 'unknown'],
  ])('%s (like "%s") is in the %s family', (id, like, family) => {
    expect(familyOf(id, like)).toBe(family);
  });
});

describe('commands per distro', () => {
  it('drops sudo for root', () => {
    const cmds = installCommands({ id: 'debian', name: 'Debian', family: 'debian' }, '');
    expect(cmds.docker).toEqual(['apt-get update', 'apt-get install -y docker.io', 'systemctl enable --now docker']);
  });

  it('offers only Podman on RHEL-like systems, with a note on Docker', () => {
    const cmds = installCommands({ id: 'rocky', name: 'Rocky Linux', family: 'fedora' }, 'sudo ');
    expect(cmds.docker).toEqual([]);
    expect(cmds.podman[0]).toBe('sudo dnf install -y podman');
    expect(cmds.note).toMatch(/Docker's own repository/);
  });

  it('has upgrade and rootless commands for each family', () => {
    for (const family of ['debian', 'fedora', 'arch', 'suse'] as const) {
      const distro = { id: family, name: family, family };
      expect(upgradeDockerCommands(distro, 'sudo ').length).toBeGreaterThan(0);
      expect(rootlessDockerCommands(distro, 'sudo ').at(-1)).toMatch(/dockerd-rootless-setuptool\.sh install$/);
    }
  });
});
