import { z } from 'zod';
import { nameSchema } from './names';
import { hostPathSchema, imageRefSchema } from './references';
import { USB_DEVICES_MAX, usbDeviceRefSchema, usbKey } from './usb';

/** The image Porthole runs by default: a tested tag, never `latest`. */
export const DEFAULT_IMAGE = 'dockurr/windows:6.05';

export const machineIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a machine id is 1-40 lowercase letters, digits or dashes');

/** The longest machine id (the id schema below allows 40). */
export const MACHINE_ID_MAX = 40;

/**
 * A machine id from its name: "Windows 11 (Work)" -> `windows-11-work`. One rule for the backend, which
 * makes the id (adding `-2`, `-3` when taken), and the UI, which shows the folder it will get.
 */
export function machineSlug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/ß/g, 'ss')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MACHINE_ID_MAX)
      .replace(/-+$/, '') || 'windows'
  );
}

export const sharedFolderSchema = z.object({
  hostPath: hostPathSchema,
  readOnly: z.boolean(),
});
export type SharedFolder = z.infer<typeof sharedFolderSchema>;

export const portSchema = z.number().int().min(1024).max(65535);
export const hostPortsSchema = z.object({ web: portSchema, rdp: portSchema });
export type HostPorts = z.infer<typeof hostPortsSchema>;

/** Everything a person chooses about one machine. One schema; the store versions it on disk. */
export const machineSettingsSchema = z.object({
  id: machineIdSchema,
  /** The names rule (names.ts): NFC, nothing invisible, at most 64 graphemes. */
  name: nameSchema('machine'),
  image: imageRefSchema,
  /** A dockur VERSION alias (`11`, `10l`, ...) or an http(s) URL. Ignored by the image when customIso is set. */
  version: z.string().min(1).max(2048),
  language: z.string().min(1).max(64),
  region: z.string().max(64).optional(),
  keyboard: z.string().max(64).optional(),
  username: z.string().min(1).max(20),
  password: z.string().max(127),
  ramGiB: z.number().int().min(1).max(4096),
  cpuCores: z.number().int().min(1).max(1024),
  diskGiB: z.number().int().min(1).max(65536),
  diskFormat: z.enum(['raw', 'qcow2']),
  sharedFolders: z.array(sharedFolderSchema).max(3, 'at most three shared folders'),
  customIso: hostPathSchema.nullable(),
  screen: z.object({ width: z.number().int().min(640).max(7680), height: z.number().int().min(480).max(4320) }),
  storageDir: hostPathSchema,
  ports: hostPortsSchema,
  autoStart: z.boolean(),
  /** false = software emulation (KVM=N); set only with the user's consent. */
  kvm: z.boolean(),
  /** USB devices of this computer given to the machine, by vendor and product id. Absent: none. */
  usbDevices: z
    .array(usbDeviceRefSchema)
    .max(USB_DEVICES_MAX, `at most ${USB_DEVICES_MAX} USB devices`)
    .refine((list) => new Set(list.map(usbKey)).size === list.length, 'each USB device is listed once')
    .optional(),
  /** BALLOONING=Y: Windows gives memory it does not use back to Linux when the host runs short. Absent: off. */
  ballooning: z.boolean().optional(),
  /**
   * AUDIO=Y: the image streams the machine's sound on /audio, which the screen window plays (docs/audio.md).
   * Absent: on (records from before the setting play sound; new machines get `true`). Read it with audioOn().
   * Not a zod default: the drafts and changes below are partials of this schema, and a default there would
   * turn the sound back on with every other change.
   */
  audio: z.boolean().optional(),
});
export type MachineSettings = z.infer<typeof machineSettingsSchema>;

/** Whether the machine plays its sound: on unless set off (absent is on). */
export function audioOn(settings: { audio?: boolean | undefined }): boolean {
  return settings.audio !== false;
}

/** What a person supplies to create a machine; the rest gets defaults from the host. */
export const machineDraftSchema = machineSettingsSchema
  .omit({ id: true, ports: true, storageDir: true })
  .partial()
  .extend({
    name: machineSettingsSchema.shape.name,
    storageDir: hostPathSchema.optional(),
    /**
     * The storage folder already holds an installed Windows (a kept disk) and the machine is to start
     * straight into it. Without it, such a folder is refused: it is never taken for a fresh install.
     */
    existingInstall: z.literal('use').optional(),
  });
export type MachineDraft = z.infer<typeof machineDraftSchema>;

/** A change to an existing machine: any subset of what a person may edit. */
export const machineChangesSchema = machineSettingsSchema
  .omit({ id: true, storageDir: true, ports: true })
  .partial()
  // What cannot change is refused by name, never answered "ok" and ignored.
  .extend({
    id: z.never({ error: 'a machine’s id never changes' }).optional(),
    storageDir: z
      .never({
        error:
          'the storage folder cannot change: it holds the machine’s disk (make a new machine to use another folder)',
      })
      .optional(),
    ports: z
      .never({ error: 'the host ports are Porthole’s to choose (a start picks free ones when they are taken)' })
      .optional(),
  })
  .strict();
export type MachineChanges = z.infer<typeof machineChangesSchema>;

/** The text install.bat sends to the first serial port; the image copies that port into the container log. */
export const INSTALL_MARKER_TEXT = 'PORTHOLE-INSTALLED';

/**
 * Matches the log line written at Windows' first logon: `PORTHOLE-INSTALLED <machine id>`.
 * Anchored at the end so the command text `echo PORTHOLE-INSTALLED x > COM1`, should it ever be
 * logged, does not count. No `g` flag: `.test()` must not carry state between lines.
 */
export const INSTALL_MARKER = /PORTHOLE-INSTALLED ([a-z0-9][a-z0-9-]{0,39})\s*$/;
