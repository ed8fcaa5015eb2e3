import { PortholeError, type EngineStatus } from '../api';
import type { BackendEvents } from './backend-events';
import { targetFromEndpoint, targetFromEnv, type EngineClient, type EngineTarget } from './engine/client';
import { EngineConnection, type ConnectionListener } from './engine/connection';
import { engineHostName, engineIsRemote, MachineAddresses } from './engine/machine-address';
import { resolveEngineEndpoint } from './host';
import { probeImages } from './host/engine-host-checks';
import type { Machines } from './lifecycle/machines';
import { machinesNeedEvent } from './lifecycle/outside-start';
import { engineHostFs, type EngineHostHelpers } from './storage/engine-host-fs';
import { engineReportedFolders } from './storage/guarded-folders';
import { RemoteStorage } from './storage/remote-storage';
import type { MachineStore } from './store/machine-store';

/** The container engine as the backend's parts reach it. */
export interface BackendEngine {
  target: EngineTarget;
  /** How machines' ports are reached from here: as published, or through ssh (engine/machine-address.ts). */
  addresses: MachineAddresses;
  connection: EngineConnection;
  /** The connected engine's client (a remote engine's storage paths made there); ENGINE_UNAVAILABLE when not connected. */
  engine(): EngineClient;
  /** A remote engine's computer's files, reached through short-lived containers there; none for a local engine. */
  remoteHostFs: EngineHostHelpers | undefined;
  /** Where the engine keeps its own files (GET /info), asked once per connection when a path is first checked. */
  engineFolders(): Promise<string[]>;
}

export async function engineTarget(env: NodeJS.ProcessEnv): Promise<EngineTarget> {
  // Like the docker CLI: an explicit DOCKER_HOST is the engine, answering or not.
  if (env.DOCKER_HOST) return targetFromEnv(env);
  const found = await resolveEngineEndpoint({ env }).catch(() => null);
  if (!found) return targetFromEnv(env);
  return targetFromEndpoint(found);
}

/** The engine's connection, made (not started: `connection.start()` does that) with `listener` to hear it. */
export function wireEngine(
  target: EngineTarget,
  deps: {
    env: NodeJS.ProcessEnv;
    dataDir: string;
    store: MachineStore;
    deadlineMs: number | undefined;
    listener: ConnectionListener;
  },
): BackendEngine {
  const addresses = new MachineAddresses(target);
  const connection = new EngineConnection(target, deps.listener, { deadlineMs: deps.deadlineMs });
  // A remote engine's storage paths are its computer's: made and checked there, in short-lived containers (storage/remote-storage.ts).
  const remoteHostFs = engineIsRemote(target)
    ? engineHostFs(() => connection.client.docker, {
        host: engineHostName(target),
        images: () =>
          probeImages(
            deps.env,
            deps.store.list().map((r) => r.settings.image),
          ),
      })
    : undefined;
  const remoteStorage = remoteHostFs ? new RemoteStorage(remoteHostFs, deps.dataDir) : undefined;
  const engine = (): EngineClient => {
    if (!connection.status.connected) {
      throw new PortholeError(
        'ENGINE_UNAVAILABLE',
        connection.status.message ?? 'The container engine is not connected.',
        connection.client.target.unusable
          ? 'Set DOCKER_HOST to a unix:// or tcp:// address, or unset it to use the local engine.'
          : 'Start the container engine, or restart it if it is stuck; "porthole check" says how.',
      );
    }
    return remoteStorage ? remoteStorage.wrap(connection.client) : connection.client;
  };
  const reported = new WeakMap<object, Promise<string[]>>();
  const engineFolders = (): Promise<string[]> => {
    if (!connection.status.connected) return Promise.resolve([]);
    const client = connection.client;
    let known = reported.get(client);
    if (!known) {
      known = engineReportedFolders(client.docker, connection.status.kind === 'podman');
      reported.set(client, known);
      // No answer (a deadline, an error): asked again next time.
      void known.then((folders) => folders.length === 0 && reported.delete(client));
    }
    return known;
  };
  return { target, addresses, connection, engine, remoteHostFs, engineFolders };
}

/**
 * What the engine's connection tells the machines: its events, each (re)connect (a reconcile, and the
 * auto-starts once) and its status. `machines`: made after the connection, called only once it runs.
 */
export function engineHooks(
  deps: { store: MachineStore; events: BackendEvents; autoStartMachines: boolean | undefined },
  machines: () => Machines,
): ConnectionListener {
  let autoStarted = false;
  return {
    // Engine events and reconciles read a machine's ISO too (its boot media): on the engine's computer when remote.
    // The start of a container that cannot be a machine run by hand costs no request (lifecycle/outside-start.ts).
    onEvent: (e) => {
      if (machinesNeedEvent(e, deps.store.list())) machines().onEngineEvent(e);
    },
    onConnected: async (client) => {
      await machines().reconcile(client);
      if (deps.autoStartMachines && !autoStarted) {
        autoStarted = true;
        for (const m of machines().list()) {
          // A failure shows on the machine itself (phase failed, with its cause).
          if (m.autoStart && !m.status.running)
            void machines()
              .start(m.id)
              .catch(() => undefined);
        }
      }
    },
    onStatus: (status: EngineStatus) => {
      deps.events.emit({ event: 'engineChanged', payload: status });
      // Every machine's state is unknown from now on: say so. A reconnect's reconcile reports each again.
      if (!status.connected)
        for (const view of machines().list()) deps.events.emit({ event: 'machineChanged', payload: view });
    },
  };
}

/**
 * The engine's first attempt started, and waited for: to its end (`waitMs` undefined), or as long as
 * `waitMs` unless the engine answers its ping by then (then to the end of the attempt, its machines reconciled).
 */
export async function connectEngine(connection: EngineConnection, waitMs: number | undefined): Promise<void> {
  const connected = connection.start();
  if (waitMs === undefined) await connected;
  else {
    const waited = new Promise<false>((resolve) => setTimeout(() => resolve(false), waitMs).unref());
    if (await Promise.race([connection.answered.then(() => true), waited])) await connected;
  }
}
