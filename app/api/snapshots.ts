import { z } from 'zod';
import { machineIdSchema } from './machine';
import { nameSchema } from './names';

/**
 * A snapshot's id: its UTC creation time and 6 random hex digits (`20261129-023000-a1b2c3`), so ids
 * sort by age, never collide between two processes and are always a safe single path segment.
 */
export const snapshotIdSchema = z
  .string()
  .regex(
    /^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/,
    'a snapshot id looks like 20261129-023000-a1b2c3 ("porthole snapshots ID" lists them)',
  );

/** A name a person gives a snapshot: the names rule (names.ts), at most 80 graphemes. */
export const snapshotNameSchema = nameSchema('snapshot');

/** One of the image's files copied into a snapshot (a name from the storage folder's top). */
export const snapshotFileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  /** What the file claims (a sparse disk claims its full size). */
  apparentBytes: z.number().int().nonnegative(),
  /** What it used on disk when the snapshot was taken (a reflinked copy may share these blocks). */
  allocatedBytes: z.number().int().nonnegative(),
  /** The source's modification time: with its size, the cheap fingerprint (hashing a 64 GB disk is slow). */
  mtimeMs: z.number().nonnegative(),
});
export type SnapshotFile = z.infer<typeof snapshotFileSchema>;

/** `manifest.json` in `<dataDir>/snapshots/<machineId>/<snapshotId>/`: written last, so a listed snapshot is whole. */
export const snapshotManifestSchema = z.object({
  version: z.literal(1),
  id: snapshotIdSchema,
  machineId: machineIdSchema,
  name: snapshotNameSchema,
  createdAt: z.string().datetime(),
  /** Whether Windows was installed at the time (the record's flag is set back to it on restore). */
  installed: z.boolean(),
  /** How the disk was copied: shared blocks (`reflink`) or a sparse byte copy. */
  method: z.enum(['reflink', 'sparse-copy']),
  files: z.array(snapshotFileSchema),
});
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

/** A snapshot as the UI and the CLI see it: the manifest plus where it is and what it uses now. */
export const snapshotViewSchema = snapshotManifestSchema.extend({
  path: z.string(),
  apparentBytes: z.number().nonnegative(),
  allocatedBytes: z.number().nonnegative(),
});
export type SnapshotView = z.infer<typeof snapshotViewSchema>;

/**
 * Pushed while a long copy runs (taking or restoring), at most a few times a second. Bytes are
 * allocated bytes (what is really copied: a sparse disk's holes cost nothing).
 */
export const snapshotProgressSchema = z.object({
  machineId: machineIdSchema,
  operation: z.enum(['take', 'restore']),
  snapshotId: snapshotIdSchema,
  doneBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
});
export type SnapshotProgress = z.infer<typeof snapshotProgressSchema>;

export const restoreResultSchema = z.object({
  snapshot: snapshotViewSchema,
  /** Files put back from the snapshot. */
  restored: z.array(z.string()),
  /** The image's files that did not exist when the snapshot was taken, removed so the folder is as it was. */
  removed: z.array(z.string()),
});
