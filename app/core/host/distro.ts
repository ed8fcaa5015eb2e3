import type { HostContext } from './context';

export type DistroFamily = 'debian' | 'fedora' | 'arch' | 'suse' | 'unknown';

export interface Distro {
  /** os-release ID, e.g. ubuntu. */
  id: string;
  /** PRETTY_NAME or NAME, for messages. */
  name: string;
  family: DistroFamily;
}

/** KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!.trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1).replace(/\\(["'\\$`])/g, '$1');
    out[match[1]!] = value;
  }
  return out;
}

const FAMILIES: [DistroFamily, readonly string[]][] = [
  ['debian', ['debian', 'ubuntu', 'linuxmint', 'pop', 'raspbian', 'elementary', 'zorin', 'kali', 'neon']],
  ['fedora', ['fedora', 'rhel', 'centos', 'rocky', 'almalinux', 'ol', 'nobara']],
  ['arch', ['arch', 'manjaro', 'endeavouros', 'garuda', 'cachyos']],
  ['suse', ['opensuse', 'opensuse-leap', 'opensuse-tumbleweed', 'suse', 'sles', 'sled']],
];

/** The package family from ID, then ID_LIKE (space separated, nearest first). */
export function familyOf(id: string, idLike = ''): DistroFamily {
  for (const token of [id, ...idLike.split(/\s+/)].map((t) => t.toLowerCase()).filter(Boolean)) {
    for (const [family, ids] of FAMILIES) {
      if (ids.includes(token) || (family === 'suse' && token.startsWith('opensuse'))) return family;
    }
  }
  return 'unknown';
}

export async function readDistro(ctx: HostContext): Promise<Distro> {
  const text = (await ctx.readText('/etc/os-release')) ?? (await ctx.readText('/usr/lib/os-release')) ?? '';
  const fields = parseOsRelease(text);
  const id = fields.ID ?? 'linux';
  return { id, name: fields.PRETTY_NAME ?? fields.NAME ?? 'Linux', family: familyOf(id, fields.ID_LIKE) };
}

/** How to install an engine on this distro; each list is ready to copy. */
export interface InstallCommands {
  docker: string[];
  podman: string[];
  /** What to say when the distro has no package for one of them. */
  note?: string;
}

/** Upgrading the distro's Docker package (whichever of the usual names is installed). */
export function upgradeDockerCommands(distro: Distro, sudo: string): string[] {
  switch (distro.family) {
    case 'debian':
      return [`${sudo}apt-get update`, `${sudo}apt-get install --only-upgrade docker.io docker-ce`];
    case 'fedora':
      return [`${sudo}dnf upgrade moby-engine docker-ce`];
    case 'arch':
      return [`${sudo}pacman -Syu docker`];
    case 'suse':
      return [`${sudo}zypper update docker`];
    case 'unknown':
      return [];
  }
}

/** Rootless Docker for this user: no root-equivalent group needed. */
export function rootlessDockerCommands(distro: Distro, sudo: string): string[] {
  switch (distro.family) {
    case 'debian':
      return [
        `${sudo}apt-get install -y uidmap rootlesskit slirp4netns dbus-user-session`,
        '/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh install',
      ];
    case 'fedora':
    case 'arch':
    case 'suse':
    case 'unknown':
      return ['dockerd-rootless-setuptool.sh install'];
  }
}

export function installCommands(distro: Distro, sudo: string): InstallCommands {
  const startDocker = `${sudo}systemctl enable --now docker`;
  const podmanSocket = 'systemctl --user enable --now podman.socket';
  switch (distro.family) {
    case 'debian':
      return {
        docker: [`${sudo}apt-get update`, `${sudo}apt-get install -y docker.io`, startDocker],
        podman: [`${sudo}apt-get update`, `${sudo}apt-get install -y podman`, podmanSocket],
      };
    case 'fedora':
      return distro.id === 'fedora'
        ? {
            docker: [`${sudo}dnf install -y moby-engine`, startDocker],
            podman: [`${sudo}dnf install -y podman`, podmanSocket],
          }
        : {
            docker: [],
            podman: [`${sudo}dnf install -y podman`, podmanSocket],
            note: `${distro.name} ships Podman; Docker comes from Docker's own repository (docs.docker.com/engine/install).`,
          };
    case 'arch':
      return {
        docker: [`${sudo}pacman -S --needed docker`, startDocker],
        podman: [`${sudo}pacman -S --needed podman`, podmanSocket],
      };
    case 'suse':
      return {
        docker: [`${sudo}zypper install -y docker`, startDocker],
        podman: [`${sudo}zypper install -y podman`, podmanSocket],
      };
    case 'unknown':
      return {
        docker: [],
        podman: [],
        note: `Porthole does not know the packages of ${distro.name}: install Docker Engine (docs.docker.com/engine/install) or Podman (podman.io/docs/installation), then start it.`,
      };
  }
}
