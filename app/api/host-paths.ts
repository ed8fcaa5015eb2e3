/**
 * The pure-text part of the path policy: which host folders are the computer's own. The backend
 * applies it to paths with symlinks resolved (app/core/storage/paths.ts); the renderer applies it
 * to what a person types, for instant feedback. No Node imports.
 */

/** `/a/./b//c/../d/` -> `/a/b/d`. Purely textual: symbolic links are not followed. */
export function normalizeHostPath(path: string): string {
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (!segment || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return `/${parts.join('/')}`;
}

/** True when `path` is `folder` or lies inside it (both normalized). */
export function isInsidePath(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);
}

/** The system's own folders: refused themselves and everything inside them. */
const CRITICAL_FOLDERS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/snap',
  '/nix',
  '/var/lib/docker',
  '/var/lib/containers',
  '/var/lib/snapd',
  '/var/log',
  '/var/cache',
  '/var/spool',
];

/**
 * Folders that hold other people's or other programs' folders: refused as themselves, while a
 * folder inside them stays allowed (/mnt/disk/vms, /tmp/test, /home/ann/vms, /media/usb/share).
 */
const CONTAINER_FOLDERS = [
  '/',
  '/home',
  '/var/home',
  '/mnt',
  '/media',
  '/opt',
  '/srv',
  '/tmp',
  '/var',
  '/var/lib',
  '/var/tmp',
  '/lost+found',
];

/** Removable drives mount under /run/media/<user>/<drive> (udisks): a folder on one is allowed. */
const REMOVABLE_MEDIA = '/run/media';

/**
 * Why a folder (absolute, normalized; symlinks already resolved where it matters) is one of the
 * computer's own, or null when it is not. `/root` is refused unless it is the user's `home`
 * (then the home rules apply, checked elsewhere).
 */
export function systemFolderReason(path: string, home?: string): string | null {
  const p = normalizeHostPath(path);
  if (p === '/') return 'it is the whole computer';
  if (isInsidePath(p, REMOVABLE_MEDIA) && p.split('/').length > 4) return null;
  const critical = CRITICAL_FOLDERS.find((dir) => isInsidePath(p, dir));
  if (critical) return p === critical ? 'it is a system folder' : `it is inside the system folder ${critical}`;
  if (CONTAINER_FOLDERS.includes(p)) return 'it is a system folder that holds other folders';
  const homeIsRoot = home !== undefined && isInsidePath(normalizeHostPath(home), '/root');
  if (!homeIsRoot && isInsidePath(p, '/root'))
    return p === '/root'
      ? 'it is the administrator’s home folder'
      : 'it is inside the administrator’s home folder /root';
  return null;
}
