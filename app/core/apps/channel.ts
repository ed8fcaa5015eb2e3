import { join } from 'node:path';
import type { ExecResult } from '../engine/exec';

/**
 * Porthole's own channel from Windows: a folder of the machine's storage folder (`<storage>/porthole`,
 * `/storage/porthole` in the container), served to Windows as the hidden share `\\host.lan\Porthole`,
 * writable whatever the person's shared folders are (none, read-only, or all three). The image serves
 * only `Data`, `Data2` and `Data3`, all three the person's (its src/samba.sh), so Porthole adds its share
 * to the image's Samba configuration once Samba is set up, at each start of the container (the image
 * writes that configuration anew at each start).
 */
export const CHANNEL_FOLDER = 'porthole';
export const CHANNEL_SHARE = 'Porthole';
/** The channel's folder on the host: Porthole's, not one of the person's folders. */
export function channelFolder(storageDir: string): string {
  return join(storageDir, CHANNEL_FOLDER);
}
/** Where Windows writes its program list: `\\host.lan\Porthole\apps`. */
export function channelAppsFolder(storageDir: string): string {
  return join(channelFolder(storageDir), 'apps');
}

/**
 * Run inside the container with `sh -c`; a constant, nothing interpolated. Exit codes: 0 the share is
 * served, 10 the image has no Samba (a stand-in, or SAMBA=N), 11 Samba is not set up yet (the image is
 * still preparing), 12 it could not be added. `browseable = no`: Windows' network view does not show it;
 * the guest account reaches it as it reaches Data (the image forces root for file access, create mask 0666).
 */
export const CHANNEL_SHARE_SCRIPT = [
  'conf=/etc/samba/smb.conf',
  '[ -f "$conf" ] || exit 10',
  'grep -q \'^\\[Data\\]\' "$conf" || exit 11',
  'mkdir -p /storage/porthole/apps && chmod 2777 /storage/porthole /storage/porthole/apps || exit 12',
  'grep -q \'^\\[Porthole\\]\' "$conf" && exit 0',
  'printf \'\\n[Porthole]\\n    path = /storage/porthole\\n    comment = Porthole\\n    read only = no\\n    browseable = no\\n    guest ok = yes\\n    guest only = yes\\n\' >> "$conf" || exit 12',
  // smbd reads its configuration again on this message (and by itself for each new client anyway).
  'smbcontrol smbd reload-config >/dev/null 2>&1 || true',
  'exit 0',
].join('\n');

export type ChannelShare = 'served' | 'no-samba' | 'not-ready' | 'failed';

export function channelShareResult(result: ExecResult): ChannelShare {
  switch (result.exitCode) {
    case 0:
      return 'served';
    case 10:
      return 'no-samba';
    case 11:
      return 'not-ready';
    default:
      return 'failed';
  }
}
