import { z } from 'zod';

/** The dockur image refuses a custom ISO under 10 MB (decimal: 10,000,000 bytes) with exit code 74. */
export const ISO_MIN_BYTES = 10_000_000;

/** What Porthole found in a file offered as a custom ISO. */
export const isoInfoSchema = z.object({
  path: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** UDF when the volume recognition sequence names it (Windows media are UDF with an ISO 9660 bridge). */
  format: z.enum(['iso9660', 'udf']),
  /** The volume label, e.g. `CCCOMA_X64FRE_EN-US_DV9` for Windows 11 media. */
  volumeLabel: z.string().optional(),
});
export type IsoInfo = z.infer<typeof isoInfoSchema>;

/**
 * Whether an ISO is Windows installation media the image installs by itself. Microsoft's media carry
 * labels such as CCCOMA_X64FRE_EN-US_DV9 (11), CPBA_X64FRE_... (10), SSS_X64FREE_... (Server);
 * anything else the image simply boots, and nothing installs. One rule for the wizard's sentence and
 * the machine's phase ("Installing Windows" or "Running from ISO").
 */
export function isWindowsSetupMedia(info: Pick<IsoInfo, 'volumeLabel'>): boolean {
  return /(?:^|_)(?:CCCOMA|CCSA|CPBA|CENA|CCBA|SSS|IR\d)_|X64FRE|X86FRE|A64FRE/i.test(info.volumeLabel ?? '');
}
