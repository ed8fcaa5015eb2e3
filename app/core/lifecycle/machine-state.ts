import type Docker from 'dockerode';
import { ENGINE_DOWN_STATUS, type HostPorts, type MachineStatus, type MachineView } from '../../api';
import type { EngineClient } from '../engine/client';
import type { EngineEvent } from '../engine/events';
import { INSTANCE_LABEL, MACHINE_LABEL, ownsContainer, storageSourceOf } from '../machine/spec';
import { INSTALL_MARKER } from '../machine/oem';
import { MachineSession } from '../session/machine-session';
import { bootMediaOf } from '../session/media';
import type { ExternalChange, MachineRecord } from '../store/machine-store';
import { instanceId } from './config-instance-id';
import type { MachinesDeps } from './machines-deps';
import { KeyedSerial } from './serial';

/** How many machines a reconcile takes on at once: enough to hide an engine's latency, few enough for one over ssh. */
const RECONCILE_TURNS = 8;

/** Runs `fn` on every item, `limit` at a time; the first failure is thrown once the ones under way have ended. */
async function inTurns<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}

/**
 * The live state of every machine, and the truth between records and containers: which container is
 * a machine's (its own, the one it adopted, or one run by hand on its disk), each machine's session
 * (its status), and what engine events, reconnects and other processes' changes do to them.
 */
export class MachineState {
  /** Every operation on one machine runs in its queue (start, stop, apply, delete never interleave). */
  readonly serial = new KeyedSerial();
  /** Host ports of a start under way, before they are saved (see MachineStarter). */
  readonly startingPorts = new Map<string, HostPorts>();
  private readonly sessions = new Map<string, MachineSession>();
  /** Containers made before instances existed that were found to be ours (by their /storage): their events count. */
  private readonly unlabelledOwn = new Set<string>();
  /**
   * Containers run outside Porthole (the exported compose file, `docker compose up -d`) on a machine's
   * storage folder: while one runs, the machine runs there, and is shown so. Container id -> machine id.
   */
  private readonly outside = new Map<string, string>();
  private instanceCache: string | undefined;

  constructor(private readonly deps: MachinesDeps) {}

  /** This configuration's instance id (lifecycle/config-instance-id.ts): every container lookup keeps to it. */
  get instance(): string {
    this.instanceCache ??= instanceId(this.deps.configDir);
    return this.instanceCache;
  }

  /** The container (list or inspect result) is the one of machine `id` in this configuration. */
  private owns(
    id: string,
    labels: Record<string, string> | null | undefined,
    mounts: Docker.ContainerInfo['Mounts'] | Docker.ContainerInspectInfo['Mounts'] | undefined,
    containerId: string,
  ): boolean {
    const record = this.deps.store.get(id);
    if (!record) return false;
    const owned = ownsContainer(
      { labels, storageSource: storageSourceOf(mounts) },
      this.instance,
      id,
      record.settings.storageDir,
      record.nonce,
    );
    if (owned && labels?.[INSTANCE_LABEL] === undefined) this.unlabelledOwn.add(containerId);
    return owned;
  }

  session(id: string): MachineSession {
    let session = this.sessions.get(id);
    if (!session) {
      session = new MachineSession({
        engine: this.deps.engine,
        installMarker: INSTALL_MARKER,
        // A start that re-chose a taken port saves it only once the container runs: until then the
        // container's status page is on the port being started, not the saved one.
        webPort: () => this.startingPorts.get(id)?.web ?? this.deps.store.require(id).settings.ports.web,
        ...(this.deps.address ? { reach: this.deps.address } : {}),
        installed: () => this.deps.store.get(id)?.installed ?? false,
        bootMedia: () => bootMediaOf(this.deps.store.get(id)?.settings.customIso ?? undefined, this.deps.engineHostFs),
        onChange: () => this.emit(id),
        // Not recorded (the file is from a newer Porthole, the disk is full): said, never an unhandled rejection.
        onInstalled: () =>
          void this.markInstalled(id).catch((err: unknown) =>
            process.emitWarning(`Porthole: could not note that ${id} is installed: ${String(err)}`),
          ),
      });
      this.sessions.set(id, session);
    }
    return session;
  }

  /** The machine is gone (deleted here or by another process): its session lets go of its container. */
  forget(id: string): void {
    this.sessions.get(id)?.detach();
    this.sessions.delete(id);
  }

  emit(id: string): void {
    const record = this.deps.store.get(id);
    if (record) this.deps.onChange(this.toView(record));
  }

  private async markInstalled(id: string): Promise<void> {
    const record = this.deps.store.get(id);
    if (!record || record.installed) return;
    await this.deps.store.update(id, (r) => ({ ...r, installed: true }));
    // The view says whether Windows is installed: the settings page tells install-only changes by it.
    this.emit(id);
  }

  toView(record: MachineRecord): MachineView {
    const { password, ...saved } = record.settings;
    // During a start, the ports being started (saved once the container runs: see MachineStarter).
    const settings = { ...saved, ports: this.startingPorts.get(saved.id) ?? saved.ports };
    if (!this.deps.engineConnected())
      return {
        ...settings,
        hasPassword: password.length > 0,
        installed: record.installed,
        status: { ...ENGINE_DOWN_STATUS },
      };
    const status: MachineStatus = this.sessions.get(record.settings.id)?.status ?? {
      phase: 'absent',
      running: false,
      screenReady: false,
    };
    return {
      ...settings,
      hasPassword: password.length > 0 || record.passwordIn === 'keyring',
      installed: record.installed,
      status,
    };
  }

  list(): MachineView[] {
    return this.deps.store.list().map((r) => this.toView(r));
  }

  get(id: string): MachineView {
    return this.toView(this.deps.store.require(id));
  }

  /**
   * On every (re)connect: one list call by label, then each machine takes its container's state
   * (one inspect each; a machine adopted from a hand-made container inspects that one). The machines
   * whose own container does not run share one list of all containers (for one run by hand on their
   * disk). The machines go a few at a time: one after the other, 40 machines on an engine that takes
   * half a second an answer took 26 s.
   */
  async reconcile(engine: EngineClient): Promise<void> {
    const containers = await engine.listMachines(this.instance);
    let everyContainer: Promise<Docker.ContainerInfo[]> | undefined;
    const listAll = (): Promise<Docker.ContainerInfo[]> => (everyContainer ??= engine.listAll().catch(() => []));
    await inTurns(this.deps.store.list(), RECONCILE_TURNS, async (record) => {
      const id = record.settings.id;
      const own = containers.find((c) => this.owns(id, c.Labels, c.Mounts, c.Id));
      const containerId = own?.Id ?? record.adoptedContainerId;
      const session = this.session(id);
      const ownInfo = containerId ? await engine.inspect(containerId) : null;
      const info = ownInfo?.State.Running ? ownInfo : ((await this.runningOutside(engine, id, listAll)) ?? ownInfo);
      if (info) await session.attach(info);
      else session.setAbsent();
    });
  }

  /**
   * A running container Porthole did not make (no machine label) whose /storage is this machine's
   * storage folder: the exported compose file run by hand. One list call (or `listAll`'s, shared); none
   * found is undefined.
   */
  async runningOutside(
    engine: EngineClient,
    id: string,
    listAll = (): Promise<Docker.ContainerInfo[]> => engine.listAll().catch(() => []),
  ): Promise<Docker.ContainerInspectInfo | undefined> {
    const record = this.deps.store.get(id);
    if (!record) return undefined;
    const all = await listAll();
    const found = all.find(
      (c) =>
        c.State === 'running' &&
        (c.Labels ?? {})[MACHINE_LABEL] === undefined &&
        storageSourceOf(c.Mounts) === record.settings.storageDir,
    );
    const info = found ? await engine.inspect(found.Id) : null;
    if (!info) return undefined;
    this.outside.set(info.Id, id);
    return info;
  }

  /** A container without Porthole's label started: the machine whose storage it runs on, if any. */
  private async onOutsideStart(containerId: string): Promise<void> {
    const info = await this.deps.engine().inspect(containerId);
    const source = storageSourceOf(info?.Mounts);
    if (!info || !source || info.Config.Labels?.[MACHINE_LABEL] !== undefined) return;
    const record = this.deps.store.list().find((r) => r.settings.storageDir === source);
    if (!record) return;
    this.outside.set(info.Id, record.settings.id);
    await this.session(record.settings.id).attach(info);
  }

  /**
   * The machine a container belongs to: the container a machine adopted, or by Porthole's labels when
   * this configuration made it. Another configuration's containers are dropped; one made before
   * instances existed counts only once a lookup found it ours by its /storage. One made for an earlier
   * record of the same id (another nonce, or none) is not this record's.
   */
  private machineOf(event: EngineEvent): string | undefined {
    const adopted = this.deps.store.list().find((r) => r.adoptedContainerId === event.containerId)?.settings.id;
    if (adopted) return adopted;
    const record = event.machineId ? this.deps.store.get(event.machineId) : undefined;
    if (!event.machineId || !record || event.record !== record.nonce) return undefined;
    if (event.instance !== undefined) return event.instance === this.instance ? event.machineId : undefined;
    return this.unlabelledOwn.has(event.containerId) ? event.machineId : undefined;
  }

  onEngineEvent(event: EngineEvent): void {
    const outside = this.outside.get(event.containerId);
    if (outside && event.action === 'destroy') {
      // The compose-run container is gone: the machine shows its own container's state again.
      this.outside.delete(event.containerId);
      this.serial.run(outside, () => this.refresh(outside, this.deps.engine())).catch(() => undefined);
      return;
    }
    const id = outside ?? this.machineOf(event);
    if (!id) {
      // One inspect per start of a container Porthole did not make: is it one of ours run by hand?
      if (event.action === 'start' && event.machineId === undefined)
        this.onOutsideStart(event.containerId).catch(() => undefined);
      return;
    }
    const session = this.session(id);
    const handled = event.action === 'start' ? session.onStarted(event.containerId) : session.onEngineEvent(event);
    // A failed inspect or log read leaves the last known state; the next event or reconnect corrects it.
    handled.catch(() => undefined);
  }

  /**
   * Another Porthole process (the CLI, the web host, a second app) changed the records: removed
   * machines let go of their container, new ones take its state as reconcile does (one list, one
   * inspect), changed ones are shown again. Without an engine the next reconcile attaches them.
   */
  async onExternalChange(change: ExternalChange): Promise<void> {
    for (const id of change.removed) {
      this.forget(id);
      this.deps.onRemoved(id);
    }
    for (const record of change.changed) {
      const id = record.settings.id;
      if (this.sessions.has(id)) {
        this.emit(id);
        continue;
      }
      this.deps.onChange(this.toView(record));
      let engine: EngineClient;
      try {
        engine = this.deps.engine();
      } catch {
        continue;
      }
      // A failed inspect leaves it absent; the next engine event or reconnect corrects it.
      await this.serial.run(id, () => this.refresh(id, engine)).catch(() => undefined);
    }
  }

  /**
   * The machine's container: the one this configuration made for it (by its labels, or by its /storage
   * for one made before instances existed), or the container it was adopted from. Never another
   * configuration's container of a machine with the same id.
   */
  async findContainer(engine: EngineClient, id: string): Promise<Docker.ContainerInspectInfo | null> {
    const adopted = this.deps.store.get(id)?.adoptedContainerId;
    const owns = (info: Docker.ContainerInspectInfo): boolean =>
      info.Id === adopted || this.owns(id, info.Config.Labels, info.Mounts, info.Id);
    const known = this.sessions.get(id)?.status.containerId;
    if (known) {
      const info = await engine.inspect(known);
      if (info && owns(info)) return info;
    }
    const list = await engine.listMachines(this.instance);
    const match = list.find((c) => this.owns(id, c.Labels, c.Mounts, c.Id));
    if (match) return engine.inspect(match.Id);
    return adopted && adopted !== known ? engine.inspect(adopted) : null;
  }

  /** Takes the machine's state from its container again (after a cancelled download, say). */
  async refresh(id: string, engine: EngineClient): Promise<void> {
    const info = await this.findContainer(engine, id).catch(() => null);
    if (info) await this.session(id).attach(info);
    else this.session(id).setAbsent();
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.detach();
  }
}
