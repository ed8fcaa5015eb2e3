import { z } from 'zod';

/** What the new-machine wizard needs from the host: limits, live free space, locale and sensible defaults. */
export const creationDefaultsSchema = z.object({
  ramTotalBytes: z.number().nonnegative(),
  ramAvailableBytes: z.number().nonnegative(),
  cpuThreads: z.number().int().nonnegative(),
  /** Where machines are stored by default (`$XDG_DATA_HOME/porthole/machines`). */
  storageRoot: z.string(),
  /** Free space at the location asked about (or the default one); null when it cannot be measured. */
  freeDiskBytes: z.number().nonnegative().nullable(),
  /** The location asked about does not exist yet; the nearest existing parent was measured. */
  storageExists: z.boolean(),
  /**
   * The engine runs on another computer: storage folders are paths there (typed, not picked here),
   * and freeDiskBytes / storageExists were measured there. Its name, as the engine address gives it.
   */
  storageHost: z.string().optional(),
  language: z.string(),
  region: z.string().optional(),
  keyboard: z.string().optional(),
  username: z.string(),
  /** KVM reaches the container and the image's own test will pass: hardware acceleration works. */
  kvmForMachines: z.boolean(),
  /** /dev/kvm works but the CPU hides vmx/svm: the image refuses KVM (a nested VM). Ask before KVM=N. */
  kvmNested: z.boolean(),
  ramGiB: z.number().int(),
  cpuCores: z.number().int(),
  diskGiB: z.number().int(),
  /** The image a new machine gets when none is chosen (PORTHOLE_DEFAULT_IMAGE can name another). Optional: older backends. */
  image: z.string().optional(),
  /**
   * The folder asked about (`storageDir`) already holds a Windows the image installed (its windows.boot):
   * a new machine there must start straight into it (createMachine's `existingInstall: 'use'`) or use another folder.
   */
  existingInstall: z.object({ diskGiB: z.number().int().optional(), versionFile: z.string().optional() }).optional(),
});
export type CreationDefaults = z.infer<typeof creationDefaultsSchema>;
