import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  isStreamName,
  streams,
  type StreamHandlers,
  PortholeError,
  toEnvelope,
  type CallResult,
  type EngineStatus,
  type Handlers,
  type HostReport,
  type MachineChanges,
} from '../api';
import { describeActionName, dispatch, type Backend, type BackendEvent, type BackendListener } from './backend-types';
import { EngineConnection } from './engine/connection';
import { engineHostName, engineIsRemote, MachineAddresses } from './engine/machine-address';
import { probeImages, remoteDiskSpace } from './host/engine-host-checks';
import { targetFromEndpoint, targetFromEnv, type EngineClient, type EngineTarget } from './engine/client';
import { checkHost, resolveEngineEndpoint, watchHost, type HostCheckOptions } from './host';
import { Machines } from './lifecycle/machines';
import { creationDefaults } from './lifecycle/creation-defaults';
import { applyFix } from './lifecycle/fixes';
import { inspectIso } from './machine/iso';
import { openRemoteDesktop } from './remote';
import { AppsService, defaultCliCommand } from './apps/service';
import { CHANNEL_SHARE_SCRIPT, channelShareResult } from './apps/channel';
import { execInContainer } from './engine/exec';
import { attachedLiveUsb, changeLiveUsb } from './usb/live';
import { attachPluggedDevice, UsbHotplug } from './usb/hotplug';
import { hostContext } from './host/context';
import { MachineSecrets, SecretService } from './secrets';
import { MachineStore } from './store/machine-store';
import { machinesNeedEvent } from './lifecycle/outside-start';
import { machineStatsStreams } from './lifecycle/machine-stats';
import { AppLog, defaultStateDir } from './log/app-log';
import { eventLogger, logCall } from './log/backend-log';
import { followMachineLog } from './log/log-follow';
import { secretsOf } from './log/secret-values';
import { usbKey, type MachineView } from '../api';
import { Snapshots } from './snapshots/snapshots';
import { engineHostFs } from './storage/engine-host-fs';
import { engineReportedFolders } from './storage/guarded-folders';
import { RemoteStorage } from './storage/remote-storage';
import { withDiskLock } from './snapshots/lock';
import { LastFrames } from './frames/last-frames';
import { usbListing, usbListingFor, UsbStartWarnings } from './host/usb-service';

export type { Backend, BackendEvent, BackendListener } from './backend-types';

export interface BackendOptions {
  configDir: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Follow the host (a socket or /dev/kvm appearing) and the machine file (another Porthole process's
   * changes). CLI one-shots skip both: they read the file afresh on every run.
   */
  watch?: boolean;
  /** Start the machines set to auto-start once the engine is first reached (the desktop app does). */
  autoStartMachines?: boolean;
  /** What the host checks read, e.g. a fake root (tests). Default: this computer, with `env` and `dataDir`. */
  hostCheck?: HostCheckOptions;
  /** The command that runs Porthole's CLI, for app menu entries. Default: cli.js beside this bundle. */
  cliCommand?: string[];
  /** Where Porthole's own log goes (`$XDG_STATE_HOME/porthole`); none: no log file (tests that do not look at it). */
  stateDir?: string;
  /**
   * Every engine call's deadline (engine/deadlines.ts). Default: PORTHOLE_ENGINE_DEADLINE_MS from `env`
   * (how tests of the built CLI shorten it), else 10 s.
   */
  engineDeadlineMs?: number;
  /**
   * How long creation waits for the engine's first answer; default: for the whole first attempt (itself within
   * the engine's deadline), so that a one-shot CLI call reads reconciled machines. A host that serves a UI waits
   * less: it is up while the engine hangs, and the engine's status and the machines follow as events. An engine
   * that answers in time is waited for to the end of the attempt (its machines reconciled), as without it.
   */
  engineWaitMs?: number;
  /** Where cached pictures go (`$XDG_CACHE_HOME/porthole`): the machines' last frames. Default: from `env`. */
  cacheDir?: string;
}

/** PORTHOLE_ENGINE_DEADLINE_MS, when it is a whole number of ms from 100 to 10 minutes. */
export function engineDeadlineFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.PORTHOLE_ENGINE_DEADLINE_MS;
  if (!value || !/^\d+$/.test(value)) return undefined;
  const ms = Number(value);
  return ms >= 100 && ms <= 600_000 ? ms : undefined;
}

/** `$XDG_CONFIG_HOME/porthole` and `$XDG_DATA_HOME/porthole`, overridable for tests. */
export function defaultDirs(env: NodeJS.ProcessEnv): {
  configDir: string;
  dataDir: string;
  stateDir: string;
  cacheDir: string;
} {
  const home = env.HOME ?? homedir();
  return {
    stateDir: defaultStateDir(env, home),
    cacheDir: defaultCacheDir(env),
    configDir: env.PORTHOLE_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'porthole'),
    dataDir: env.PORTHOLE_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'porthole'),
  };
}

/** `$XDG_CACHE_HOME/porthole` (PORTHOLE_CACHE_DIR for tests). */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env.PORTHOLE_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'porthole');
}

/**
 * Builds the one backend: core services plus a handler table keyed by the contract.
 * Electron IPC, the web host and the CLI all serve this same table.
 */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const listeners = new Set<BackendListener>();
  const emit = (event: BackendEvent): void => {
    for (const listener of listeners) listener(event);
  };
  // Porthole's own log: lifecycle, errors, engine reconnects. Never a request or a settings object.
  const appLog = options.stateDir
    ? new AppLog({ dir: options.stateDir, level: env.PORTHOLE_LOG_LEVEL === 'debug' ? 'debug' : 'info' })
    : null;
  if (appLog) listeners.add(eventLogger(appLog));

  const frames = new LastFrames(join(options.cacheDir ?? defaultCacheDir(env), 'frames'));
  const store = new MachineStore(options.configDir);
  await store.load();
  // The second line of defence: passwords Porthole already knows are blanked out of any log line.
  for (const record of store.list()) appLog?.addSecret(record.settings.password);

  // Every check of the host re-probes the keyring: the checklist says where passwords go, and one
  // that answers (again) takes the passwords still in the file.
  const secrets = new MachineSecrets(new SecretService({ env, configDir: options.configDir }));
  const hostOptions: HostCheckOptions = {
    env,
    storageDir: options.dataDir,
    passwords: () => secrets.refresh(),
    // A remote engine's KVM/disk probe runs in an image machines already use there.
    probeImages: () => store.list().map((r) => r.settings.image),
    ...options.hostCheck,
  };
  const migrate = (): Promise<void> =>
    secrets.migrate(store).then(
      () => undefined,
      (err: unknown) =>
        process.emitWarning(
          `Porthole: moving passwords to the desktop keyring failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );

  let hostReport: HostReport = await checkHost(hostOptions);
  await migrate();
  const target = await engineTarget(env);
  // How machines' ports are reached from here: as published, or through ssh (engine/machine-address.ts).
  const addresses = new MachineAddresses(target);

  // `connection` is declared below: the closures only run once it exists.
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
  // A remote engine's storage paths are its computer's: made and checked there, in short-lived containers (storage/remote-storage.ts).
  const remoteHostFs = engineIsRemote(target)
    ? engineHostFs(() => connection.client.docker, {
        host: engineHostName(target),
        images: () =>
          probeImages(
            env,
            store.list().map((r) => r.settings.image),
          ),
      })
    : undefined;
  const remoteStorage = remoteHostFs ? new RemoteStorage(remoteHostFs, options.dataDir) : undefined;

  // A machine that started without one of its USB devices says so on its card (host/usb-service.ts).
  const usbWarnings = new UsbStartWarnings(
    async () => (await usbListing(hostOptions)).devices,
    (id) => {
      // Deleted while its devices were being looked at: nothing to say.
      const view = machines.list().find((m) => m.id === id);
      if (view) emit({ event: 'machineChanged', payload: usbWarnings.decorate(view) });
    },
  );
  // Where the engine keeps its own files (GET /info), asked once per connection when a path is first checked.
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
  const machines = new Machines({
    store,
    secrets,
    engine,
    engineConnected: () => connection.status.connected,
    dataDir: options.dataDir,
    configDir: options.configDir,
    host: () => hostReport.facts,
    env,
    onChange: (view) => emit({ event: 'machineChanged', payload: usbWarnings.decorate(view) }),
    onRemoved: (id) => (usbWarnings.forget(id), emit({ event: 'machineRemoved', payload: { id } })),
    address: (port) => addresses.of(port),
    ...(engineIsRemote(target) ? { engineHost: engineHostName(target) } : {}),
    ...(remoteHostFs ? { engineHostFs: remoteHostFs } : {}),
    engineFolders,
    // A start or a remove from this process waits up to 20 s for another process's snapshot copy, start or remove, then says so.
    diskLock: (id, body) => withDiskLock(options.configDir, id, body, 20_000),
  });
  const snapshots = new Snapshots({
    dataDir: options.dataDir,
    configDir: options.configDir,
    machines,
    store,
    ...(remoteHostFs ? { engineHostFs: remoteHostFs } : {}),
    onProgress: (payload) => emit({ event: 'snapshotProgress', payload }),
  });

  const apps = new AppsService({
    env,
    cliCommand: options.cliCommand ?? defaultCliCommand(),
    get: (id) => machines.get(id),
    settings: (id) => machines.settings(id),
    start: (id) => machines.start(id),
    installed: (id) => store.require(id).installed,
    // RemoteApp's FreeRDP goes where Remote Desktop goes: through the ssh forward on an ssh engine.
    address: (port) => addresses.of(port),
    watch: (listener) => {
      const relay: BackendListener = (e) => {
        if (e.event === 'machineChanged') listener(e.payload);
      };
      listeners.add(relay);
      return () => listeners.delete(relay);
    },
    serveChannel: async (container) =>
      channelShareResult(
        await execInContainer(connection.client.docker, container, ['sh', '-c', CHANNEL_SHARE_SCRIPT], {
          timeoutMs: 15_000,
          maxOutputBytes: 4096,
        }),
      ),
  });
  // USB devices attached to a running machine through QEMU's monitor, reached through the engine's exec (usb/live.ts).
  const qmpOf = (view: MachineView) => (argv: string[]) =>
    execInContainer(connection.client.docker, view.status.containerId ?? '', argv, {
      timeoutMs: 15_000,
      maxOutputBytes: 64 * 1024,
    });
  const liveUsb = (verb: 'attach' | 'detach', id: string, device: { vendorId: string; productId: string }) => {
    const view = machines.get(id);
    return changeLiveUsb(verb, view, device, qmpOf(view));
  };
  // A ticked device plugged in while its machine runs is attached to it (this computer's bus: not for a remote engine).
  const hotplug =
    options.watch === false || engineIsRemote(target)
      ? null
      : new UsbHotplug({
          busDir: hostContext(hostOptions).at('/dev/bus/usb'),
          list: async () => (await usbListing(hostOptions)).devices,
          attach: (view, device) => attachPluggedDevice(view, device, qmpOf(view)),
          onError: (id, device, err) =>
            appLog?.warn('a USB device plugged in could not be attached', {
              id,
              device: usbKey(device),
              error: err instanceof Error ? err.message : String(err),
            }),
        });
  if (hotplug) {
    listeners.add((e) => {
      if (e.event === 'machineChanged') hotplug.update(e.payload);
      else if (e.event === 'machineRemoved') hotplug.remove(e.payload.id);
    });
  }
  const stopServingChannels = apps.serveChannels((id, result) => {
    if (result === 'failed') appLog?.warn('the Porthole share for Windows programs could not be served', { id });
  });

  let autoStarted = false;
  const connection = new EngineConnection(
    target,
    {
      // Engine events and reconciles read a machine's ISO too (its boot media): on the engine's computer when remote.
      // The start of a container that cannot be a machine run by hand costs no request (lifecycle/outside-start.ts).
      onEvent: (e) => {
        if (machinesNeedEvent(e, store.list())) machines.onEngineEvent(e);
      },
      onConnected: async (client) => {
        await machines.reconcile(client);
        if (options.autoStartMachines && !autoStarted) {
          autoStarted = true;
          for (const m of machines.list()) {
            // A failure shows on the machine itself (phase failed, with its cause).
            if (m.autoStart && !m.status.running) void machines.start(m.id).catch(() => undefined);
          }
        }
      },
      onStatus: (status: EngineStatus) => {
        emit({ event: 'engineChanged', payload: status });
        // Every machine's state is unknown from now on: say so. A reconnect's reconcile reports each again.
        if (!status.connected) for (const view of machines.list()) emit({ event: 'machineChanged', payload: view });
      },
    },
    { deadlineMs: options.engineDeadlineMs ?? engineDeadlineFromEnv(env) },
  );
  const connected = connection.start();
  if (options.engineWaitMs === undefined) await connected;
  else {
    // An engine that answers its ping in time is waited for to the end of the attempt (its machines reconciled).
    const waited = new Promise<false>((resolve) => setTimeout(() => resolve(false), options.engineWaitMs).unref());
    if (await Promise.race([connection.answered.then(() => true), waited])) await connected;
  }
  appLog?.info('backend started', { pid: process.pid, machines: store.list().length });

  const recheck = async (): Promise<HostReport> => {
    hostReport = await checkHost(hostOptions);
    await migrate();
    emit({ event: 'hostChanged', payload: hostReport });
    return hostReport;
  };
  const stopWatchingHost =
    options.watch === false
      ? () => undefined
      : watchHost(hostOptions, (report) => {
          hostReport = report;
          void migrate();
          emit({ event: 'hostChanged', payload: report });
        });
  const stopWatchingStore =
    options.watch === false ? () => undefined : store.watch((change) => void machines.onExternalChange(change));

  const ok = { ok: true } as const;
  const handlers: Handlers = {
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
      await frames.forget(id);
      // Snapshots live outside the storage folder: deleting the disk never takes them, only this flag does.
      const snaps = await snapshots.afterMachineDeleted(id, deleteSnapshots ?? false);
      return { ...ok, ...(disk ? { disk } : {}), ...(snaps ? { snapshots: snaps } : {}) };
    },
    storageUsage: ({ id }) => machines.deletePlan(id),
    machineLogs: async ({ id, tail }) => ({ lines: await machines.logs(id, tail) }),
    screenEndpoint: async ({ id }) => machines.screenEndpoint(id),
    machinePassword: async ({ id }) => ({ password: (await machines.settings(id)).password }),
    checkHost: () => recheck(),
    openRemoteDesktop: async ({ id }) => {
      // The client trusts whatever answers on the RDP port (self-signed certificate): only our running machine.
      if (!machines.get(id).status.running) {
        throw new PortholeError('CONFLICT', 'The machine is not running.', 'Start it, then open it in Remote Desktop.');
      }
      const settings = await machines.settings(id);
      return openRemoteDesktop(settings, { env, address: await addresses.of(settings.ports.rdp) });
    },
    adoptableContainers: async () => machines.adoptableContainers(),
    adoptContainer: ({ containerId }) => machines.adoptContainer(containerId),
    engineStatus: async () => connection.status,
    creationDefaults: (request) =>
      creationDefaults(request, {
        dataDir: options.dataDir,
        env,
        facts: hostReport.facts,
        ...(engineIsRemote(target)
          ? {
              remote: {
                host: engineHostName(target),
                diskSpace: (dir: string) =>
                  remoteDiskSpace(
                    engine().docker,
                    dir,
                    engineHostName(target),
                    probeImages(
                      env,
                      store.list().map((r) => r.settings.image),
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
      await frames.save(id, png);
      return ok;
    },
    lastFrame: async ({ id }) => {
      machines.get(id);
      return { png: await frames.load(id) };
    },
    exportCompose: async ({ id }) => ({ yaml: await machines.exportCompose(id) }),
    importCompose: ({ yaml, baseDir, adopt }) =>
      machines.importCompose(yaml, { ...(baseDir ? { baseDir } : {}), ...(adopt ? { adopt } : {}) }),
    fixMachine: async ({ id, fix, iso }) => {
      const target = {
        get: (m: string) => machines.get(m),
        update: (m: string, changes: MachineChanges) => machines.update(m, changes),
        start: (m: string, opts?: { freshPorts?: boolean }) => machines.start(m, opts),
        assertEngine: () => void engine(),
        kvmForMachines: () => hostReport.facts.kvmForMachines,
      };
      return { ...ok, ...(await applyFix(target, id, fix, iso)) };
    },
    listApps: ({ id }) => apps.list(id),
    launchApp: ({ id, app, file }) => apps.launch(id, app, file),
    setAppInMenu: ({ id, app, inMenu }) => apps.setInMenu(id, app, inMenu),
    appLog: async ({ tail }) => ({ file: appLog?.file ?? null, lines: appLog?.tail(tail) ?? [] }),
    listSnapshots: ({ id }) => snapshots.list(id),
    takeSnapshot: ({ id, name }) => snapshots.take(id, name),
    restoreSnapshot: ({ id, snapshotId }) => snapshots.restore(id, snapshotId),
    deleteSnapshot: async ({ id, snapshotId }) => (await snapshots.remove(id, snapshotId), ok),
    listUsbDevices: () => usbListingFor(hostOptions, engineIsRemote(target) ? engineHostName(target) : null),
    attachedUsb: ({ id }) => {
      const view = machines.get(id);
      return attachedLiveUsb(view, qmpOf(view));
    },
    attachUsb: ({ id, vendorId, productId }) => liveUsb('attach', id, { vendorId, productId }),
    detachUsb: ({ id, vendorId, productId }) => liveUsb('detach', id, { vendorId, productId }),
  };

  // Live graphs: one engine stats stream per machine while anyone looks (lifecycle/machine-stats.ts).
  const stats = machineStatsStreams({
    engine,
    containerId: (id) => machines.containerId(id),
    running: (id) => machines.get(id).status.running,
  });

  const streamHandlers: StreamHandlers = {
    machineStats: ({ id }, sink) => stats.open(id, sink),
    machineLog: async ({ id, tail }, sink) => {
      let current: MachineView = machines.get(id);
      return followMachineLog(
        {
          containerId: () => machines.containerId(id),
          engine,
          view: () => current,
          onViewChange: (listener) => {
            const onEvent = (e: BackendEvent): void => {
              if (e.event === 'machineChanged' && e.payload.id === id) listener((current = e.payload));
              if (e.event === 'machineRemoved' && e.payload.id === id)
                sink.end(new PortholeError('NOT_FOUND', 'The machine was deleted.'));
            };
            listeners.add(onEvent);
            return () => listeners.delete(onEvent);
          },
        },
        tail,
        (item) => sink.item(item),
        (err) => sink.end(err instanceof PortholeError ? err : new PortholeError('INTERNAL', err.message)),
      );
    },
  };

  return {
    handlers,
    async invoke(action: unknown, request: unknown): Promise<CallResult> {
      const result = await dispatch(handlers, action, request);
      if (appLog) {
        // A password asked for, set or shown is one to keep out of the log from now on.
        for (const secret of [...secretsOf(request), ...(result.ok ? secretsOf(result.value) : [])])
          appLog.addSecret(secret);
        logCall(appLog, action, request, result);
      }
      return result;
    },
    async openStream(stream, request, sink) {
      try {
        if (!isStreamName(stream)) {
          throw new PortholeError('INVALID_ARGUMENT', `Unknown stream ${describeActionName(stream)}.`);
        }
        const parsed: unknown = streams[stream].request.parse(request ?? {});
        let ended = false;
        // Set once the handler returns; an end that comes before that closes it then.
        const opened: { close?: () => void } = {};
        const handler = streamHandlers[stream] as unknown as (
          req: unknown,
          sink: { item(item: unknown): void; end(error?: PortholeError): void },
        ) => Promise<() => void>;
        opened.close = await handler(parsed, {
          item: (item) => {
            if (!ended) sink.item(item);
          },
          end: (error) => {
            if (ended) return;
            ended = true;
            opened.close?.();
            sink.end(error ? toEnvelope(error) : undefined);
          },
        });
        if (ended) opened.close();
        return {
          ok: true,
          close: () => {
            ended = true;
            opened.close?.();
          },
        };
      } catch (err) {
        const error = toEnvelope(err);
        if (appLog)
          logCall(appLog, `open ${typeof stream === 'string' ? stream : 'stream'}`, request, { ok: false, error });
        return { ok: false, error };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      stopWatchingHost();
      stopWatchingStore();
      stopServingChannels();
      hotplug?.dispose();
      connection.dispose();
      machines.dispose();
      await addresses.dispose();
      stats.streams.dispose();
      listeners.clear();
      appLog?.info('backend closed');
    },
  };
}

async function engineTarget(env: NodeJS.ProcessEnv): Promise<EngineTarget> {
  // Like the docker CLI: an explicit DOCKER_HOST is the engine, answering or not.
  if (env.DOCKER_HOST) return targetFromEnv(env);
  const found = await resolveEngineEndpoint({ env }).catch(() => null);
  if (!found) return targetFromEnv(env);
  return targetFromEndpoint(found);
}
