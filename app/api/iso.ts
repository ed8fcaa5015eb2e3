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

/** Names one copy of an ISO to the engine's computer (copyIsoToEngine): chosen by the caller, so it can follow and cancel it. */
export const isoCopyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'a copy id is 8 to 64 letters, digits, - or _');

/** How far a copy of an ISO to the engine's computer is (the `isoCopyProgress` event). */
export const isoCopyProgressSchema = z.object({
  copyId: isoCopyIdSchema,
  /** Looking at both files first, then sending the bytes, then checking the copy there. */
  phase: z.enum(['checking', 'copying', 'verifying']),
  doneBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
});
export type IsoCopyProgress = z.infer<typeof isoCopyProgressSchema>;

/** What copyIsoToEngine did. */
export const isoCopyResultSchema = z.object({
  /** The ISO's full path on the engine's computer: what a machine's custom ISO is set to. */
  path: z.string(),
  /** The engine's computer, as a person names it. */
  host: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** The SHA-256 of the file, the same on both computers; null when the engine's side has no sha256sum (then only the size was compared). */
  sha256: z.string().nullable(),
  /** A byte-identical file of that name was there already: nothing was copied. */
  reused: z.boolean(),
  /** A different file had the name: the copy got the next free one (`name (2).iso`), which `path` says. */
  renamed: z.boolean(),
});
export type IsoCopyResult = z.infer<typeof isoCopyResultSchema>;
