import type { Distro } from '../host/distro';
import { FREERDP_FLATPAK } from './clients';

export interface InstallFix {
  text: string;
  /** Alternatives: any one of them installs a client. */
  commands: string[];
}

export const FLATPAK_COMMAND = `flatpak install flathub ${FREERDP_FLATPAK}`;

function major(versionId: string | undefined): number | null {
  const n = Number.parseInt(versionId ?? '', 10);
  return Number.isFinite(n) ? n : null;
}

/**
 * FreeRDP 3 is packaged as freerdp3-x11 from Debian 13 and Ubuntu 24.04 on; older releases have
 * only freerdp2-x11. For other Debian-based systems both are offered, newest first.
 */
function debianPackages(distro: Distro, versionId: string | undefined): string[] {
  const v = major(versionId);
  if (v !== null && distro.id === 'debian') return [v >= 13 ? 'freerdp3-x11' : 'freerdp2-x11'];
  if (v !== null && distro.id === 'ubuntu') return [v >= 24 ? 'freerdp3-x11' : 'freerdp2-x11'];
  return ['freerdp3-x11', 'freerdp2-x11'];
}

/** How to install a Remote Desktop client on this distribution. */
export function installFix(distro: Distro, versionId: string | undefined, sudo: string): InstallFix {
  let native: string[];
  switch (distro.family) {
    case 'debian':
      native = debianPackages(distro, versionId).map((pkg) => `${sudo}apt install ${pkg}`);
      break;
    case 'fedora':
      native = [`${sudo}dnf install freerdp`];
      break;
    case 'arch':
      native = [`${sudo}pacman -S freerdp`];
      break;
    case 'suse':
      native = [`${sudo}zypper install freerdp`];
      break;
    case 'unknown':
      native = [];
      break;
  }
  const where =
    native.length > 0
      ? `from ${distro.name}'s packages or from Flathub`
      : `from Flathub (or FreeRDP or Remmina from ${distro.name}'s packages)`;
  return {
    text: `No Remote Desktop client is installed. Install FreeRDP ${where} with one of these commands, then open Remote Desktop again.`,
    commands: [...native, FLATPAK_COMMAND],
  };
}
