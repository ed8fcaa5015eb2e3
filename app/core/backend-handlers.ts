import { PortholeError, type Handlers, type MachineChanges } from '../api';
import type { BackendEngine } from './backend-engine';
import type { BackendEvents } from './backend-events';
import type { BackendMachines } from './backend-machines';
import type { BackendStores, HostChecks } from './backend-stores';
import { engineHostName, engineIsRemote } from './engine/machine-address';
import { probeImages, remoteDiskSpace } from './host/engine-host-checks';
import { usbListingFor } from './host/usb-service';
import { creationDefaults } from './lifecycle/creation-defaults';
import { applyFix } from './lifecycle/fixes';
import { inspectIso } from './machine/iso';
import { openRemoteDesktop } from './remote';
import { IsoCopies } from './storage/iso-copy';
import { homeOf } from './storage/paths';
import { attachedLiveUsb } from './usb/live';

/** What the handler table calls into. */
export interface HandlerParts {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  stores: BackendStores;
  host: HostChecks;
  engine: BackendEngine;
  parts: BackendMachines;
  events: BackendEvents;
}

const ok = { ok: true } as const;

/** The handler table keyed by the contract: every transport serves this one. */
export function backendHandlers(p: HandlerParts): Handlers {
  return { ...machineHandlers(p), ...creationHandlers(p), ...extraHandlers(p), ...isoCopyHandlers(p) };
}

/** A machine's life: list, create, change, run, delete, open. */
function machineHandlers({ env, stores, host, engine, parts }: HandlerParts) {
  const { machines, apps, snapshots, usbWarnings } = parts;
  return {
    listMachines: async () => machines.list().map((m) => usbWarnings.decorate(m)),
    getMachine: async ({ id }) => usbWarnings.decorate(machines.get(id)),
    createMachine: (draft) => machines.create(draft),
    updateMachine: ({ id, changes, confirmed }) => machines.update(id, changes, { confirmed: confirmed === true }),
    startMachine: async ({ id }) => (await machines.start(id), ok),
    stopMachine: async ({ id }) => (await machines.stop(id), ok),
    forceStopMachine: async ({ id }) => (await machines.forceStop(id), ok),
    restartMachine: async ({ id }) => (await machines.restart(id), ok),
    applyMachine: async ({ id }) => (await machines.apply(id), ok),
    deleteMachine: async ({ id, deleteDisk, deleteSnapshots }) => {
      const disk = await machines.delete(id, deleteDisk);
      // Its programs leave the app menu with it.
      await apps.forget(id);
      await stores.frames.forget(id);
      // Snapshots live outside the storage folder: deleting the disk never takes them, only this flag does.
      const snaps = await snapshots.afterMachineDeleted(id, deleteSnapshots ?? false);
      return { ...ok, ...(disk ? { disk } : {}), ...(snaps ? { snapshots: snaps } : {}) };
    },
    storageUsage: ({ id }) => machines.deletePlan(id),
    machineLogs: async ({ id, tail }) => ({ lines: await machines.logs(id, tail) }),
    screenEndpoint: async ({ id }) => machines.screenEndpoint(id),
    machinePassword: async ({ id }) => ({ password: (await machines.settings(id)).password }),
    checkHost: () => host.recheck(),
    openRemoteDesktop: async ({ id }) => {
      // The client trusts whatever answers on the RDP port (self-signed certificate): only our running machine.
      if (!machines.get(id).status.running) {
        throw new PortholeError('CONFLICT', 'The machine is not running.', 'Start it, then open it in Remote Desktop.');
      }
      const settings = await machines.settings(id);
      return openRemoteDesktop(settings, { env, address: await engine.addresses.of(settings.ports.rdp) });
    },
    adoptableContainers: async () => machines.adoptableContainers(),
    adoptContainer: ({ containerId }) => machines.adoptContainer(containerId),
    engineStatus: async () => engine.connection.status,
  } satisfies Partial<Handlers>;
}

/** Making machines: the wizard's defaults, ISO checks, compose files, fixes, last frames. */
function creationHandlers({ env, dataDir, stores, host, engine, parts }: HandlerParts) {
  const { machines } = parts;
  const { target, remoteHostFs } = engine;
  return {
    creationDefaults: (request) =>
      creationDefaults(request, {
        dataDir,
        env,
        facts: host.report().facts,
        ...(engineIsRemote(target)
          ? {
              remote: {
                host: engineHostName(target),
                diskSpace: (dir: string) =>
                  remoteDiskSpace(
                    engine.engine().docker,
                    dir,
                    engineHostName(target),
                    probeImages(
                      env,
                      stores.store.list().map((r) => r.settings.image),
                    ),
                  ),
                ...(remoteHostFs ? { fs: remoteHostFs } : {}),
              },
            }
          : {}),
      }),
    // On a remote engine the ISO is a file on its computer: inspected there.
    inspectIso: ({ path }) => (remoteHostFs ? remoteHostFs.inspectIso(path) : inspectIso(path)),
    saveLastFrame: async ({ id, png }) => {
      machines.get(id); // NOT_FOUND for a machine that does not exist: no picture is kept for it.
      await stores.frames.save(id, png);
      return ok;
    },
    lastFrame: async ({ id }) => {
      machines.get(id);
      return { png: await stores.frames.load(id) };
    },
    exportCompose: async ({ id }) => ({ yaml: await machines.exportCompose(id) }),
    importCompose: ({ yaml, baseDir, adopt }) =>
      machines.importCompose(yaml, { ...(baseDir ? { baseDir } : {}), ...(adopt ? { adopt } : {}) }),
    fixMachine: async ({ id, fix, iso }) => {
      const target = {
        get: (m: string) => machines.get(m),
        update: (m: string, changes: MachineChanges) => machines.update(m, changes),
        start: (m: string, opts?: { freshPorts?: boolean }) => machines.start(m, opts),
        assertEngine: () => void engine.engine(),
        kvmForMachines: () => host.report().facts.kvmForMachines,
      };
      return { ...ok, ...(await applyFix(target, id, fix, iso)) };
    },
  } satisfies Partial<Handlers>;
}

/** What a machine has besides: Windows programs, snapshots, USB devices; and Porthole's own log. */
function extraHandlers({ stores, engine, parts }: HandlerParts) {
  const { machines, apps, snapshots, qmpOf, liveUsb } = parts;
  const { appLog } = stores;
  return {
    listApps: ({ id }) => apps.list(id),
    launchApp: ({ id, app, file }) => apps.launch(id, app, file),
    setAppInMenu: ({ id, app, inMenu }) => apps.setInMenu(id, app, inMenu),
    appLog: async ({ tail }) => ({ file: appLog?.file ?? null, lines: appLog?.tail(tail) ?? [] }),
    listSnapshots: ({ id }) => snapshots.list(id),
    takeSnapshot: ({ id, name }) => snapshots.take(id, name),
    restoreSnapshot: ({ id, snapshotId }) => snapshots.restore(id, snapshotId),
    deleteSnapshot: async ({ id, snapshotId }) => (await snapshots.remove(id, snapshotId), ok),
    listUsbDevices: () =>
      usbListingFor(stores.hostOptions, engineIsRemote(engine.target) ? engineHostName(engine.target) : null),
    attachedUsb: ({ id }) => {
      const view = machines.get(id);
      return attachedLiveUsb(view, qmpOf(view));
    },
    attachUsb: ({ id, vendorId, productId }) => liveUsb('attach', id, { vendorId, productId }),
    detachUsb: ({ id, vendorId, productId }) => liveUsb('detach', id, { vendorId, productId }),
  } satisfies Partial<Handlers>;
}

/** Copies of ISOs from this computer to a remote engine's computer (storage/iso-copy.ts). */
function isoCopyHandlers({ env, dataDir, stores, engine, events }: HandlerParts) {
  const copies = new IsoCopies({
    fs: engine.remoteHostFs,
    docker: () => engine.engine().docker,
    images: () =>
      probeImages(
        env,
        stores.store.list().map((r) => r.settings.image),
      ),
    dataDir,
    home: homeOf(env),
    onProgress: (payload) => events.emit({ event: 'isoCopyProgress', payload }),
  });
  return {
    copyIsoToEngine: (request) => copies.copy(request),
    cancelIsoCopy: async ({ copyId }) => ({ cancelled: copies.cancel(copyId) }),
  } satisfies Partial<Handlers>;
}
