import { isWindowsSetupMedia, type MachineStatus } from '../../api';
import { assertIsoUsable, type IsoReader } from '../machine/iso';

/**
 * What a machine boots when it has no Windows yet: Windows setup (the image's own download, or a
 * custom ISO that is Windows installation media), or another ISO the image simply boots. Only the
 * first ends with Windows installed; the second must never be shown as "Installing Windows".
 */
export type BootMedia = 'windows-setup' | 'other-iso';

/**
 * Decides the boot media from the machine's custom ISO, by the same rule the wizard uses to say
 * "It does not look like Windows installation media". An ISO that cannot be read now (moved, unmounted)
 * is not called Windows setup: the machine is running from it, and that is all Porthole can say.
 */
export async function bootMediaOf(customIso: string | undefined, engineHost?: IsoReader): Promise<BootMedia> {
  if (!customIso) return 'windows-setup';
  // Read on the engine's computer when the engine is remote.
  const info = await assertIsoUsable(customIso, engineHost).catch(() => undefined);
  return info && isWindowsSetupMedia(info) ? 'windows-setup' : 'other-iso';
}

/** The phase once the firmware handed over (the image's "started successfully" line). */
export function startedStatus(installed: boolean, media: BootMedia): Pick<MachineStatus, 'phase' | 'message'> {
  if (installed) return { phase: 'ready', message: 'Windows is running' };
  if (media === 'other-iso')
    return {
      phase: 'running-iso',
      message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.',
    };
  return { phase: 'installing', message: 'Installing Windows…' };
}
