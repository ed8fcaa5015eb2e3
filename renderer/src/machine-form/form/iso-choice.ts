import { isWindowsSetupMedia, type IsoInfo } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';

/** The file name of a path: `/home/ada/Win11.iso` -> `Win11.iso`. */
export function fileName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** The backend's rule (app/api/iso.ts), so the wizard's sentence and the machine's phase agree. */
export function looksLikeWindowsMedia(info: IsoInfo): boolean {
  return isWindowsSetupMedia(info);
}

/** "5.1 GB UDF image, labelled CCCOMA_X64FRE_EN-US_DV9". */
export function describeIso(info: IsoInfo): string {
  const kind = info.format === 'udf' ? 'UDF' : 'ISO 9660';
  return `${formatBytes(info.sizeBytes)} ${kind} image${info.volumeLabel ? `, labelled ${info.volumeLabel}` : ''}`;
}

/** What happens when a machine starts from this ISO, in a sentence. */
export function isoOutcome(info: IsoInfo): string {
  return looksLikeWindowsMedia(info)
    ? 'It looks like Windows installation media: Windows installs by itself from it.'
    : 'It does not look like Windows installation media: the machine simply boots it, and you install or use it on screen.';
}

/** A machine name from an ISO: its file name without `.iso`. */
export function nameFromIso(path: string): string {
  const base = fileName(path)
    .replace(/\.iso$/i, '')
    .trim();
  return (base || 'My ISO').slice(0, 64);
}
