import { z } from 'zod';
import { machineSettingsSchema } from './machine';

export const machinePhases = [
  'absent', // no container yet
  'pulling', // image download
  'created', // container exists, never started or cleanly stopped before start
  'preparing', // the image is preparing: downloading Windows, building the disk (status messages)
  'booting', // QEMU launched, firmware running
  'installing', // Windows Setup until the COM1 marker
  'running-iso', // booted from a custom ISO that is not Windows setup media: nothing installs by itself, no marker comes
  'ready', // Windows is installed and running
  'stopping', // graceful ACPI shutdown under way
  'stopped',
  'failed',
  'unknown', // the container engine is not reachable: what the machine does cannot be known
] as const;
export type MachinePhase = (typeof machinePhases)[number];

/** A machine's status while the engine does not answer: honest, never "absent" or its last known state. */
export const ENGINE_DOWN_STATUS = {
  phase: 'unknown',
  running: false,
  screenReady: false,
  message: 'The container engine is not reachable, so Porthole cannot tell what this machine is doing.',
} as const satisfies { phase: MachinePhase; running: boolean; screenReady: boolean; message: string };

export const progressSchema = z.object({
  /** 0..1 when known. */
  fraction: z.number().min(0).max(1).optional(),
  bytesDone: z.number().nonnegative().optional(),
  bytesTotal: z.number().nonnegative().optional(),
});
export type Progress = z.infer<typeof progressSchema>;

/**
 * Remedies Porthole can apply itself (`fixMachine`): run in software emulation and start (KVM refused or
 * missing), choose another ISO (the image refused it), pick other free host ports and start (one was
 * taken at start), make room on the storage folder's disk (it is full: Porthole opens or names the folder).
 */
export const failureFixes = ['software-emulation', 'choose-iso', 'other-ports', 'make-room'] as const;
export type FailureFix = (typeof failureFixes)[number];

export const failureSchema = z.object({
  exitCode: z.number().int().nullable(),
  cause: z.string(),
  remedy: z.string(),
  /** The last `❯ ERROR:` line, if any, colour codes stripped. */
  logLine: z.string().optional(),
  /** A remedy Porthole can apply itself (see failureFixes), offered on the failure as a button. */
  fix: z.enum(failureFixes).optional(),
});
export type Failure = z.infer<typeof failureSchema>;

export const machineStatusSchema = z.object({
  phase: z.enum(machinePhases),
  running: z.boolean(),
  /** The image's own status message (`Downloading Windows 11 (12.3%)...`) or Porthole's. */
  message: z.string().optional(),
  progress: progressSchema.optional(),
  /** Graceful shutdown count: `Waiting for Windows to shut down... (N/100)`. */
  shutdown: z.object({ step: z.number().int(), of: z.number().int() }).optional(),
  reboots: z.number().int().nonnegative().optional(),
  failure: failureSchema.optional(),
  containerId: z.string().optional(),
  /** True once the screen websocket is worth connecting to. */
  screenReady: z.boolean(),
});
export type MachineStatus = z.infer<typeof machineStatusSchema>;

/** A machine as the UI sees it: its settings without the password, and its live status. */
export const machineViewSchema = machineSettingsSchema.omit({ password: true }).extend({
  hasPassword: z.boolean(),
  /**
   * Windows has finished installing on the machine's disk (the install marker was seen, or the disk held an
   * install when the machine was made): what Windows Setup set (language, account) is then Windows' own.
   * Optional: older backends do not say.
   */
  installed: z.boolean().optional(),
  status: machineStatusSchema,
  /**
   * What a running machine runs without, said on its card (a USB device not plugged in at its start); in
   * createMachine's answer, what the create warns of (a storage folder that already held files, kept and
   * never deleted with the disk; a read-only share of a sensitive folder).
   */
  warnings: z.array(z.string()).optional(),
});
export type MachineView = z.infer<typeof machineViewSchema>;

export const engineStatusSchema = z.object({
  connected: z.boolean(),
  /** Docker or Podman, and the socket in use. */
  kind: z.enum(['docker', 'podman', 'unknown']),
  endpoint: z.string(),
  message: z.string().optional(),
});
export type EngineStatus = z.infer<typeof engineStatusSchema>;
