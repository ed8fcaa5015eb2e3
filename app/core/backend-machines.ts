import { usbKey, type MachineView } from '../api';
import type { BackendEngine } from './backend-engine';
import type { BackendEvents } from './backend-events';
import type { BackendStores, HostChecks } from './backend-stores';
import type { BackendListener } from './backend-types';
import { CHANNEL_SHARE_SCRIPT, channelShareResult } from './apps/channel';
import { AppsService, defaultCliCommand } from './apps/service';
import { engineHostName, engineIsRemote } from './engine/machine-address';
import { execInContainer } from './engine/exec';
import { hostContext } from './host/context';
import { usbListing, UsbStartWarnings } from './host/usb-service';
import { Machines } from './lifecycle/machines';
import { withDiskLock } from './snapshots/lock';
import { Snapshots } from './snapshots/snapshots';
import { EngineHostApps } from './storage/engine-host-apps';
import { attachPluggedDevice, UsbHotplug } from './usb/hotplug';
import { changeLiveUsb } from './usb/live';

/** What the machines' parts are wired from. */
export interface MachineWiring {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  configDir: string;
  cliCommand: string[] | undefined;
  /** Follow this computer's USB bus (not for a one-shot, nor for a remote engine's machines). */
  watch: boolean;
  stores: BackendStores;
  host: HostChecks;
  engine: BackendEngine;
  events: BackendEvents;
}

/** A machine's QEMU monitor, reached through the engine's exec (usb/live.ts). */
export type QmpOf = (view: MachineView) => (argv: string[]) => ReturnType<typeof execInContainer>;

/** The machines and what works on them: snapshots, Windows programs, USB devices. */
export interface BackendMachines {
  machines: Machines;
  snapshots: Snapshots;
  apps: AppsService;
  /** A machine that started without one of its USB devices says so on its card (host/usb-service.ts). */
  usbWarnings: UsbStartWarnings;
  qmpOf: QmpOf;
  liveUsb(
    verb: 'attach' | 'detach',
    id: string,
    device: { vendorId: string; productId: string },
  ): ReturnType<typeof changeLiveUsb>;
  hotplug: UsbHotplug | null;
  stopServingChannels(): void;
}

export function wireMachines(w: MachineWiring): BackendMachines {
  const { events, stores, engine } = w;
  const { store } = stores;
  const remote = engineIsRemote(engine.target);
  const usbWarnings = new UsbStartWarnings(
    async () => (await usbListing(stores.hostOptions)).devices,
    (id) => {
      // Deleted while its devices were being looked at: nothing to say.
      const view = machines.list().find((m) => m.id === id);
      if (view) events.emit({ event: 'machineChanged', payload: usbWarnings.decorate(view) });
    },
  );
  const machines = new Machines({
    store,
    secrets: stores.secrets,
    engine: engine.engine,
    engineConnected: () => engine.connection.status.connected,
    dataDir: w.dataDir,
    configDir: w.configDir,
    host: () => w.host.report().facts,
    env: w.env,
    onChange: (view) => events.emit({ event: 'machineChanged', payload: usbWarnings.decorate(view) }),
    onRemoved: (id) => (usbWarnings.forget(id), events.emit({ event: 'machineRemoved', payload: { id } })),
    address: (port) => engine.addresses.of(port),
    ...(remote ? { engineHost: engineHostName(engine.target) } : {}),
    ...(engine.remoteHostFs ? { engineHostFs: engine.remoteHostFs } : {}),
    engineFolders: engine.engineFolders,
    // A start or a remove from this process waits up to 20 s for another process's snapshot copy, start or remove, then says so.
    diskLock: (id, body) => withDiskLock(w.configDir, id, body, 20_000),
  });
  const snapshots = new Snapshots({
    dataDir: w.dataDir,
    configDir: w.configDir,
    machines,
    store,
    ...(engine.remoteHostFs ? { engineHostFs: engine.remoteHostFs } : {}),
    onProgress: (payload) => events.emit({ event: 'snapshotProgress', payload }),
  });
  const apps = wireApps(w, machines);
  const usb = wireUsb(w, machines);
  const stopServingChannels = apps.serveChannels((id, result) => {
    if (result === 'failed') stores.appLog?.warn('the Porthole share for Windows programs could not be served', { id });
  });
  return { machines, snapshots, apps, usbWarnings, ...usb, stopServingChannels };
}

function wireApps({ env, cliCommand, stores, engine, events }: MachineWiring, machines: Machines): AppsService {
  return new AppsService({
    env,
    cliCommand: cliCommand ?? defaultCliCommand(),
    get: (id) => machines.get(id),
    settings: (id) => machines.settings(id),
    start: (id) => machines.start(id),
    installed: (id) => stores.store.require(id).installed,
    // RemoteApp's FreeRDP goes where Remote Desktop goes: through the ssh forward on an ssh engine.
    address: (port) => engine.addresses.of(port),
    // A remote engine's machines' folders are on its computer: their lists are read there (never a folder here).
    ...(engine.remoteHostFs ? { there: new EngineHostApps(engine.remoteHostFs) } : {}),
    watch: (listener) =>
      events.on((e) => {
        if (e.event === 'machineChanged') listener(e.payload);
      }),
    serveChannel: async (container) =>
      channelShareResult(
        await execInContainer(engine.connection.client.docker, container, ['sh', '-c', CHANNEL_SHARE_SCRIPT], {
          timeoutMs: 15_000,
          maxOutputBytes: 4096,
        }),
      ),
  });
}

/** USB devices attached to a running machine, and a ticked device plugged in while its machine runs. */
function wireUsb(
  { watch, stores, engine, events }: MachineWiring,
  machines: Machines,
): Pick<BackendMachines, 'qmpOf' | 'liveUsb' | 'hotplug'> {
  // USB devices attached to a running machine through QEMU's monitor, reached through the engine's exec (usb/live.ts).
  const qmpOf: QmpOf = (view) => (argv) =>
    execInContainer(engine.connection.client.docker, view.status.containerId ?? '', argv, {
      timeoutMs: 15_000,
      maxOutputBytes: 64 * 1024,
    });
  const liveUsb: BackendMachines['liveUsb'] = (verb, id, device) => {
    const view = machines.get(id);
    return changeLiveUsb(verb, view, device, qmpOf(view));
  };
  // A ticked device plugged in while its machine runs is attached to it (this computer's bus: not for a remote engine).
  const hotplug =
    !watch || engineIsRemote(engine.target)
      ? null
      : new UsbHotplug({
          busDir: hostContext(stores.hostOptions).at('/dev/bus/usb'),
          list: async () => (await usbListing(stores.hostOptions)).devices,
          attach: (view, device) => attachPluggedDevice(view, device, qmpOf(view)),
          onError: (id, device, err) =>
            stores.appLog?.warn('a USB device plugged in could not be attached', {
              id,
              device: usbKey(device),
              error: err instanceof Error ? err.message : String(err),
            }),
        });
  if (hotplug) {
    const follow: BackendListener = (e) => {
      if (e.event === 'machineChanged') hotplug.update(e.payload);
      else if (e.event === 'machineRemoved') hotplug.remove(e.payload.id);
    };
    events.on(follow);
  }
  return { qmpOf, liveUsb, hotplug };
}
