import { z } from 'zod';
import { machineChangesSchema, machineDraftSchema, machineIdSchema } from './machine';
import { engineStatusSchema, failureFixes, machineViewSchema } from './state';
import { hostReportSchema } from './host';
import { creationDefaultsSchema } from './defaults';
import { isoCopyIdSchema, isoCopyProgressSchema, isoCopyResultSchema, isoInfoSchema } from './iso';
import { containerRefSchema, hostPathSchema } from './references';
import { appIdSchema, appListSchema } from './apps';
import { statsSampleSchema } from './stats';
import type { PortholeError } from './errors';
import {
  restoreResultSchema,
  snapshotIdSchema,
  snapshotNameSchema,
  snapshotProgressSchema,
  snapshotViewSchema,
} from './snapshots';
import { liveUsbRequestSchema, liveUsbResultSchema, usbListingSchema } from './usb';

/** The longest compose.yml importCompose takes, in characters (UTF-16 code units, as zod counts them). */
export const IMPORT_YAML_MAX_CHARS = 1_000_000;

const byId = z.object({ id: machineIdSchema });

/** The last picture of a machine's screen (saveLastFrame): a PNG of at most this many bytes and pixels a side. */
export const LAST_FRAME_MAX_BYTES = 512 * 1024;
export const LAST_FRAME_MAX_SIDE = 1024;

/**
 * What "delete the disk" removes from a machine's storage folder:
 * - `folder`: Porthole made the folder for this machine and it holds only the image's files: it goes whole.
 * - `files`: the folder is someone else's (imported, adopted, chosen by hand) or foreign files appeared
 *   in it: only the image's files (`remove`) go; the folder and everything in `keep` stay.
 * - `missing`: the folder does not exist: nothing is removed.
 * - `refused`: the folder breaks the path policy (`reason`): Porthole deletes nothing there, and a
 *   delete with the disk is refused.
 * Sizes are of what is removed: allocated on disk, and as the files claim (a sparse disk claims more).
 */
export const deletePlanSchema = z.object({
  path: z.string(),
  kind: z.enum(['folder', 'files', 'missing', 'refused']),
  /** Names at the top of the folder that are removed (a folder among them goes with its contents). */
  remove: z.array(z.string()),
  /** Names at the top of the folder that stay. */
  keep: z.array(z.string()),
  allocatedBytes: z.number().nonnegative(),
  apparentBytes: z.number().nonnegative(),
  /** Why nothing is deleted (kind `refused`), with what to do. */
  reason: z.string().optional(),
  /** The engine's computer the folder is on, when the engine is remote (the folder is not on this computer). */
  host: z.string().optional(),
});
export type DeletePlan = z.infer<typeof deletePlanSchema>;
const ok = z.object({ ok: z.literal(true) });

/**
 * Every action of Porthole: request schema -> response schema.
 * The Electron IPC bridge, the web host's WebSocket and the CLI all serve this one table.
 */
export const actions = {
  listMachines: { request: z.object({}), response: z.array(machineViewSchema) },
  getMachine: { request: byId, response: machineViewSchema },
  createMachine: { request: machineDraftSchema, response: machineViewSchema },
  updateMachine: {
    request: z.object({
      id: machineIdSchema,
      changes: machineChangesSchema,
      /** The person saw what the change means (changeWarnings, a disk larger than the free space) and agreed. */
      confirmed: z.boolean().optional(),
    }),
    response: z.object({
      machine: machineViewSchema,
      /** When the change takes effect: now, at next start, or only after a recreate. */
      appliesAt: z.enum(['now', 'next-start', 'recreate']),
    }),
  },
  startMachine: { request: byId, response: ok },
  stopMachine: { request: byId, response: ok },
  forceStopMachine: { request: byId, response: ok },
  restartMachine: { request: byId, response: ok },
  /** Recreate the container with the current settings, keeping /storage; restarts it if it was running. */
  applyMachine: { request: byId, response: ok },
  /** With deleteDisk: `disk` is what was removed (the plan carried out, made again at the moment of deleting). */
  deleteMachine: {
    request: z.object({
      id: machineIdSchema,
      deleteDisk: z.boolean(),
      /** Its snapshots go too only when asked; otherwise they stay in `snapshots.path` (the answer says so). */
      deleteSnapshots: z.boolean().optional(),
    }),
    response: z.object({
      ok: z.literal(true),
      disk: deletePlanSchema.optional(),
      /** The machine's snapshots: how many were deleted or kept, and where kept ones are. */
      snapshots: z
        .object({ deleted: z.number().int().nonnegative(), kept: z.number().int().nonnegative(), path: z.string() })
        .optional(),
    }),
  },
  /** What "delete the disk" would remove, exactly (see deletePlanSchema); deleteMachine follows this plan. */
  storageUsage: { request: byId, response: deletePlanSchema },
  machineLogs: {
    request: z.object({ id: machineIdSchema, tail: z.number().int().min(1).max(10000).default(200) }),
    response: z.object({ lines: z.array(z.string()) }),
  },
  /**
   * Where the screen's VNC websocket is: ws://127.0.0.1:<port>/websockify; and, when the machine's sound is on,
   * its sound: ws://<the same host and port>/audio (raw PCM, docs/audio.md). Absent when the sound is off.
   */
  screenEndpoint: {
    request: byId,
    response: z.object({
      url: z.string(),
      audio: z.string().optional(),
      /** How the port is reached: as published here, an ssh forward to the engine's computer, or that computer's own port. */
      via: z.enum(['this-computer', 'ssh-forward', 'engine-host']).optional(),
      /** Said with the address when it is not plainly this computer's own port (a forward, or how to reach another computer's). */
      note: z.string().optional(),
    }),
  },
  /**
   * The machine's Windows password, for the person at this computer to read (hidden until they ask)
   * and copy. Views never carry it; this answers only our own UI and CLI, over the same sender-checked
   * transports as every action, and the password is never logged.
   */
  machinePassword: { request: byId, response: z.object({ password: z.string() }) },
  /** Opens the machine in a Remote Desktop client (FreeRDP, Remmina); the password never goes on a command line. */
  openRemoteDesktop: {
    request: byId,
    response: z.object({
      launched: z.boolean(),
      /** The client used, e.g. `xfreerdp3`; null when none is installed. */
      client: z.string().nullable(),
      /** When no client is installed: how to install one on this distribution. */
      fix: z.object({ text: z.string(), commands: z.array(z.string()) }).optional(),
      /** The address the client was given (host:port), and how it reaches the machine when that is not plainly here. */
      address: z.string().optional(),
      note: z.string().optional(),
    }),
  },
  /** Containers Porthole could adopt: its own label without a record, or a hand-made dockur container. */
  adoptableContainers: {
    request: z.object({}),
    response: z.array(
      z.object({
        containerId: z.string(),
        name: z.string(),
        image: z.string(),
        running: z.boolean(),
        /** Made by this Porthole configuration (it has its labels) but no record knows it, e.g. after the records were lost. */
        porthole: z.boolean(),
        /** Made by another Porthole configuration on the same engine: adopting takes it from there (a warning says so). */
        foreign: z.boolean(),
      }),
    ),
  },
  /** Turns an adoptable container into a machine: its env and mounts become the record; the disk stays where it is. */
  adoptContainer: {
    request: z.object({ containerId: containerRefSchema }),
    /** Warnings say what was not kept as it was (e.g. ports now on 127.0.0.1 only). */
    response: z.object({ machine: machineViewSchema, warnings: z.array(z.string()) }),
  },
  checkHost: { request: z.object({}), response: hostReportSchema },
  /** Host limits and defaults for the wizard; free space measured at `storageDir` when given. */
  creationDefaults: {
    request: z.object({ storageDir: hostPathSchema.optional() }),
    response: creationDefaultsSchema,
  },
  /** Checks a file offered as a custom ISO (dropped or picked): a readable ISO 9660/UDF image of 10 MB or more. */
  inspectIso: { request: z.object({ path: hostPathSchema }), response: isoInfoSchema },
  /**
   * Copies an ISO from this computer (`path`) to the remote engine's computer, into `folder` there (default: the
   * machines' data folder's `isos`), through the engine only; progress as `isoCopyProgress` events, `cancelIsoCopy`
   * stops it and removes the partial file. A byte-identical file of the name there is reused; a different one keeps
   * its name and the copy gets the next free one. Refused with a local engine (the file is usable where it is).
   */
  copyIsoToEngine: {
    request: z.object({ path: hostPathSchema, folder: hostPathSchema.optional(), copyId: isoCopyIdSchema }),
    response: isoCopyResultSchema,
  },
  /** Stops a copy of copyIsoToEngine (its partial file there is removed); false when no such copy runs. */
  cancelIsoCopy: { request: z.object({ copyId: isoCopyIdSchema }), response: z.object({ cancelled: z.boolean() }) },
  /**
   * Keeps the last picture of the machine's screen (a small PNG, base64) so its tile shows it once it is
   * stopped: one per machine, replaced each time, in `$XDG_CACHE_HOME/porthole/frames/<id>.png`.
   */
  saveLastFrame: {
    request: z.object({ id: machineIdSchema, png: z.string().max(Math.ceil(LAST_FRAME_MAX_BYTES / 3) * 4) }),
    response: ok,
  },
  /** The picture saveLastFrame kept (base64 PNG), or null when there is none. */
  lastFrame: { request: byId, response: z.object({ png: z.string().nullable() }) },
  /** The machine as a compose.yml a person could run without Porthole. */
  exportCompose: { request: byId, response: z.object({ yaml: z.string() }) },
  /** Machines from a compose.yml (the reverse of exportCompose, or a hand-made dockur one). */
  importCompose: {
    request: z.object({
      yaml: z.string().max(IMPORT_YAML_MAX_CHARS),
      /**
       * The folder relative paths (`./windows`) are placed in, as docker compose does: the file's own
       * folder. The CLI sets it (the current folder for standard input); a web upload cannot know it,
       * so there a relative path is refused with what to do.
       */
      baseDir: hostPathSchema.optional(),
      /** A container already on a service's storage folder is adopted instead of refused. */
      adopt: z.boolean().optional(),
    }),
    response: z.object({
      machines: z.array(machineViewSchema),
      warnings: z.array(z.string()),
      /** What was found and kept, e.g. a Windows already installed in a storage folder. */
      notes: z.array(z.string()),
      /**
       * Containers already using a service's storage folder (such as the one `docker compose up`
       * made from this file). While any is listed nothing was imported: adopt it, or import again with `adopt`.
       */
      adoptable: z.array(
        z.object({
          containerId: z.string(),
          name: z.string(),
          running: z.boolean(),
          storageDir: z.string(),
          service: z.string(),
        }),
      ),
    }),
  },
  engineStatus: { request: z.object({}), response: engineStatusSchema },
  /**
   * Applies a remedy Porthole offers on a failure (`failure.fix`): `software-emulation` (KVM off, then
   * start), `other-ports` (new free host ports saved, then start), `choose-iso` (`iso` becomes the custom
   * ISO, then start), `make-room` (changes nothing: `folder` is the storage folder to make room in).
   */
  fixMachine: {
    request: z.object({ id: machineIdSchema, fix: z.enum(failureFixes), iso: hostPathSchema.optional() }),
    response: z.object({ ok: z.literal(true), folder: z.string().optional() }),
  },
  /** The Windows programs the machine's guest listed in its shared folder (see app/api/apps.ts). */
  listApps: { request: byId, response: appListSchema },
  /**
   * Opens one program in its own window through FreeRDP's RemoteApp (the password on stdin only). A stopped
   * machine is started first; one still installing Windows is refused. `file`: a host file inside the
   * machine's first shared folder, opened by the program.
   */
  launchApp: {
    request: z.object({ id: machineIdSchema, app: appIdSchema, file: hostPathSchema.optional() }),
    response: z.object({
      launched: z.boolean(),
      client: z.string().nullable(),
      fix: z.object({ text: z.string(), commands: z.array(z.string()) }).optional(),
    }),
  },
  /** Adds the program to the Linux app menu (an XDG .desktop file and its icon) or removes it. */
  setAppInMenu: {
    request: z.object({ id: machineIdSchema, app: appIdSchema, inMenu: z.boolean() }),
    response: z.object({ inMenu: z.boolean(), desktopFile: z.string() }),
  },
  /** The last lines of Porthole's own log (`$XDG_STATE_HOME/porthole/porthole.log`, rotated), and where it is. */
  appLog: {
    request: z.object({ tail: z.number().int().min(1).max(10000).default(500) }),
    response: z.object({ file: z.string().nullable(), lines: z.array(z.string()) }),
  },
  /** The machine's snapshots, newest first. */
  listSnapshots: { request: byId, response: z.array(snapshotViewSchema) },
  /** Copies the machine's disk files (only while it is stopped); progress as `snapshotProgress` events. */
  takeSnapshot: {
    request: z.object({ id: machineIdSchema, name: snapshotNameSchema.optional() }),
    response: snapshotViewSchema,
  },
  /**
   * Puts the snapshot's disk back (only while stopped): every change since the snapshot is lost, so the
   * caller must say it knows (`confirmLoss`), after showing the person what is lost.
   */
  restoreSnapshot: {
    request: z.object({
      id: machineIdSchema,
      snapshotId: snapshotIdSchema,
      confirmLoss: z.literal(true, {
        error: 'restoring loses every change since the snapshot: confirm with confirmLoss: true (the CLI: --yes)',
      }),
    }),
    response: restoreResultSchema,
  },
  deleteSnapshot: { request: z.object({ id: machineIdSchema, snapshotId: snapshotIdSchema }), response: ok },
  /**
   * This computer's USB devices (sysfs, named from usb.ids), and whether /dev/bus/usb exists so they can be
   * passed to machines. Machines get them through updateMachine's usbDevices.
   */
  listUsbDevices: { request: z.object({}), response: usbListingSchema },
  /**
   * Gives a USB device of the engine's computer to a running machine now, through QEMU's monitor (usb-host by
   * vendor and product id), or takes it back. The machine's settings stay as they are: updateMachine's
   * usbDevices are the devices it gets at each start.
   */
  /** The USB devices Porthole has attached to the running machine now (none when it is stopped). */
  attachedUsb: { request: byId, response: liveUsbResultSchema },
  attachUsb: { request: liveUsbRequestSchema.extend({ id: machineIdSchema }), response: liveUsbResultSchema },
  detachUsb: { request: liveUsbRequestSchema.extend({ id: machineIdSchema }), response: liveUsbResultSchema },
} as const;

export type Actions = typeof actions;
export type ActionName = keyof Actions;
export type ActionRequest<K extends ActionName> = z.input<Actions[K]['request']>;
export type ActionResponse<K extends ActionName> = z.output<Actions[K]['response']>;
/** What a handler receives: the request after parsing (defaults applied). */
export type ParsedRequest<K extends ActionName> = z.output<Actions[K]['request']>;

export const actionNames = Object.keys(actions) as ActionName[];

/** Events pushed to every UI: name -> payload schema. */
export const events = {
  machineChanged: machineViewSchema,
  machineRemoved: byId,
  engineChanged: engineStatusSchema,
  hostChanged: hostReportSchema,
  snapshotProgress: snapshotProgressSchema,
  isoCopyProgress: isoCopyProgressSchema,
} as const;

/**
 * What a followed container log sends (streams.machineLog): lines in batches, Porthole's own phase
 * changes where they happened, and the ends and starts of the container's runs.
 */
export const logStreamItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lines'), lines: z.array(z.string()) }),
  z.object({ kind: z.literal('phase'), phase: z.string(), message: z.string().optional(), at: z.string() }),
  /** The container stopped (or there is none): the follow waits for its next start, asking the engine nothing. */
  z.object({ kind: z.literal('ended') }),
  /** A (new) run of the container: the lines after this are its own. */
  z.object({ kind: z.literal('started'), containerId: z.string() }),
]);
export type LogStreamItem = z.infer<typeof logStreamItemSchema>;

/**
 * Streams: one page opens one, gets items until it closes it (or the backend ends it with an error).
 * Unlike events, a stream exists only while someone looks: nothing is asked of the engine otherwise.
 */
export const streams = {
  /** The container's log, followed from a bounded tail. */
  machineLog: {
    request: z.object({ id: machineIdSchema, tail: z.number().int().min(0).max(5000).default(1000) }),
    item: logStreamItemSchema,
  },
  /** A running machine's CPU, memory, disk and network, a sample a second (the last 10 minutes first, when someone already watches). */
  machineStats: { request: byId, item: statsSampleSchema },
} as const;
export type Streams = typeof streams;
export type StreamName = keyof Streams;
export type StreamRequest<S extends StreamName> = z.input<Streams[S]['request']>;
export type ParsedStreamRequest<S extends StreamName> = z.output<Streams[S]['request']>;
export type StreamItem<S extends StreamName> = z.output<Streams[S]['item']>;
export const streamNames = Object.keys(streams) as StreamName[];
export function isStreamName(name: unknown): name is StreamName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(streams, name);
}
/** Where a stream's items go: `end` once, with the error that ended it (none when it was closed). */
export interface StreamSink<S extends StreamName> {
  item(item: StreamItem<S>): void;
  end(error?: PortholeError): void;
}
/** The server side of each stream: starts it and returns what stops it. */
export type StreamHandlers = {
  [S in StreamName]: (request: ParsedStreamRequest<S>, sink: StreamSink<S>) => Promise<() => void>;
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

export function isActionName(name: unknown): name is ActionName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(actions, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

/** The server side: one handler per action. */
export type Handlers = { [K in ActionName]: (request: ParsedRequest<K>) => Promise<ActionResponse<K>> };

/** The client side, as `window.porthole` and the web client expose it. */
export type PortholeApi = { [K in ActionName]: (request: ActionRequest<K>) => Promise<ActionResponse<K>> } & {
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Opens a stream: `onItem` gets its items until the returned function is called (or it ends:
   * `onEnd`, with the error when it failed). Closing it stops the work behind it.
   */
  openStream<S extends StreamName>(
    stream: S,
    request: StreamRequest<S>,
    onItem: (item: StreamItem<S>) => void,
    onEnd?: (error?: PortholeError) => void,
  ): () => void;
};
