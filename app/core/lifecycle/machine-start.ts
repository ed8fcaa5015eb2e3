import type Docker from 'dockerode';
import { join } from 'node:path';
import { PortholeError } from '../../api';
import type { EngineClient } from '../engine/client';
import { assertIsoUsable } from '../machine/iso';
import { assertMountsUsable } from '../storage/mounts';
import { writeOemFiles } from '../machine/oem';
import { buildContainerSpec, SPEC_LABEL } from '../machine/spec';
import { makeStorageFolder } from '../storage/ownership';
import { assertStorageAllowed } from '../storage/paths';
import type { MachineSession } from '../session/machine-session';
import type { MachineRecord } from '../store/machine-store';
import type { MachineState } from './machine-state';
import type { MachinesDeps } from './machines-deps';
import { freePorts, portIsFree } from './ports';
import { assertStorageUnbound, oemPath, pathPolicy, portsOf } from './record-rules';
import { withStartRefusals, type StartRefusal } from './start-refusals';

/**
 * Starting a machine: the checks before it, the image download, the container made (or replaced)
 * from the settings, and the host ports re-chosen when taken. Start to first frame is what a
 * person waits for (bench/first-frame).
 */
export class MachineStarter {
  private readonly pulls = new Map<string, AbortController>();

  constructor(
    private readonly deps: MachinesDeps,
    private readonly state: MachineState,
  ) {}

  /** `freshPorts`: new free host ports for both (the "Pick other ports" fix), saved like any re-chosen port once the container runs. */
  start(id: string, opts: { freshPorts?: boolean } = {}): Promise<void> {
    return this.state.serial.run(id, () => this.startLocked(id, opts.freshPorts === true));
  }

  /** A start from within the machine's queue (apply). */
  startLocked(id: string, freshPorts = false): Promise<void> {
    return this.deps.diskLock
      ? this.deps.diskLock(id, () => this.startNow(id, freshPorts))
      : this.startNow(id, freshPorts);
  }

  /** A download under way belongs to the start queued before a stop: cancelled now, not after it. */
  cancelPull(id: string): void {
    this.pulls.get(id)?.abort();
  }

  dispose(): void {
    for (const pull of this.pulls.values()) pull.abort();
  }

  private async startNow(id: string, freshPorts = false): Promise<void> {
    const engine = this.deps.engine();
    // The records as they are now, read under the disk lock: a remove in another process holds that lock to
    // its end, so a machine removed meanwhile is found gone here, never started for a record that is not there.
    await this.deps.store.sync();
    this.deps.store.require(id);
    const session = this.state.session(id);
    // The checks before a start are independent reads (the engine, the keyring, the file system): they run
    // at once, and are awaited in the order a failure should be reported in. Start to first frame is what
    // a person waits for (bench/first-frame).
    const first = this.deps.store.require(id);
    const policy = pathPolicy(this.deps, id);
    const outsideRun = quietly(this.state.runningOutside(engine, id));
    const containerFound = quietly(this.state.findContainer(engine, id));
    const imagePresent = quietly(engine.imageExists(first.settings.image));
    const isoUsable = quietly(
      first.settings.customIso
        ? assertIsoUsable(first.settings.customIso, this.deps.engineHostFs).then(() => undefined)
        : Promise.resolve(),
    );
    const revealed = quietly(this.deps.secrets.reveal(first));
    const oemFolder = quietly(this.oemDir(id));
    // Checked again at every start: a symlink may lead elsewhere since the machine was made.
    const storageAllowed = quietly(assertStorageAllowed(first.settings.storageDir, policy));
    // Nothing to start: the checks under way end before the call answers (on a remote engine some run in helper containers).
    const settled = (): Promise<unknown> =>
      Promise.allSettled([imagePresent, isoUsable, revealed, oemFolder, storageAllowed]);
    // Already running from the exported compose file: a second container on the same disk would wreck it.
    const outside = await outsideRun;
    if (outside) {
      await session.attach(outside);
      await settled();
      return;
    }
    // Running already: nothing to start, only to follow. Asked of the engine, not of the session, whose
    // events may lag (Podman's): an apply's start right after its stop must not be taken for "still running".
    const found = await containerFound;
    if (found?.State.Running) {
      await session.onStarted(found.Id);
      await settled();
      return;
    }
    if (!(await imagePresent)) await this.pull(id, first.settings.image, engine);
    await isoUsable;
    // Ports are chosen here but saved only once the container runs: a failed start changes nothing saved.
    const saved = first.settings.ports;
    const record = await this.portsForStart(first, freshPorts);
    const settings = { ...(await revealed), ports: record.settings.ports };
    const oemDir = await oemFolder;
    await storageAllowed;
    // Only the default folder in the data root is made again when missing. Any other missing folder
    // is most likely on a drive not mounted now: making it would install a fresh Windows beside the
    // real one, so assertMountsUsable refuses it with what to do.
    if (settings.storageDir === join(this.deps.dataDir, 'machines', id))
      await makeStorageFolder(settings.storageDir, id, this.deps.engineHostFs);
    await assertMountsUsable(settings, { installed: record.installed, policy });
    // A rootless Podman drops the kvm group the user reaches /dev/kvm through, unless crun is told to keep it.
    const keepGroups = settings.kvm && this.deps.host().kvmKeepGroups === true;
    const spec = buildContainerSpec(settings, {
      oemDir,
      installed: record.installed,
      tun: this.deps.host().tunAvailable !== false,
      usbBus: this.deps.host().usbBusAvailable !== false,
      instance: this.state.instance,
      nonce: record.nonce,
      keepGroups,
    });
    let container = found;
    // Any other container on this disk (say one docker compose made from a dockur file): never a second one on it.
    await assertStorageUnbound(
      this.deps,
      settings.storageDir,
      container?.Id,
      (other) =>
        `Stop and remove “${other}” (docker rm ${other}; its disk stays), then start “${settings.name}” again.`,
    );
    if (container && container.Config.Labels?.[SPEC_LABEL] !== spec.Labels?.[SPEC_LABEL]) {
      // Settings changed since the container was made, or it is the hand-made container this machine
      // was adopted from: replace it with Porthole's own. /storage is a bind mount and stays.
      await engine.remove(container.Id);
      container = null;
    }
    await this.createAndStart(id, engine, { session, spec, container, record, saved, keepGroups });
  }

  /**
   * The container made (unless the one found is kept), started, and its host ports saved once it runs;
   * `saved`: the ports the record had before this start.
   */
  private async createAndStart(
    id: string,
    engine: EngineClient,
    run: {
      session: MachineSession;
      spec: Docker.ContainerCreateOptions;
      container: Docker.ContainerInspectInfo | null;
      record: MachineRecord;
      saved: MachineRecord['settings']['ports'];
      /** The user's groups are kept in the container (host/check.ts kvmKeepGroups). */
      keepGroups: boolean;
    },
  ): Promise<void> {
    const { session, spec, container, record, saved } = run;
    const { ports } = record.settings;
    // A refusal Porthole can explain (no /dev/kvm, a port taken meanwhile, a full disk) is the machine's failure, with its fix.
    const refused = (r: StartRefusal): void =>
      session.setFailed(r.cause, r.remedy, { logLine: r.logLine, ...(r.fix ? { fix: r.fix } : {}) });
    const containerId = container
      ? container.Id
      : await withStartRefusals(() => engine.create(spec, { keepGroups: run.keepGroups }), ports, id, refused);
    if (record.adoptedContainerId) {
      await this.deps.store.update(id, ({ adoptedContainerId: _replaced, ...rest }) => rest);
    }
    this.state.startingPorts.set(id, ports);
    try {
      await withStartRefusals(() => engine.start(containerId), ports, id, refused);
      // Followed from this answer, not from the engine's start event (a second later on Podman): the call
      // ends with the machine shown starting, never with a Start button for a machine already starting.
      // The event then finds the same run followed; a failed inspect here leaves it to the event.
      await session.onStarted(containerId).catch(() => undefined);
      if (ports.web !== saved.web || ports.rdp !== saved.rdp) {
        await this.deps.store.update(id, (r) => ({ ...r, settings: { ...r.settings, ports } }));
      }
    } finally {
      this.state.startingPorts.delete(id);
      this.state.emit(id);
    }
  }

  private async pull(id: string, image: string, engine: EngineClient): Promise<void> {
    const session = this.state.session(id);
    const controller = new AbortController();
    this.pulls.set(id, controller);
    const message = `Downloading ${image}…`;
    session.setPulling({}, message);
    try {
      await engine.pull(
        image,
        (p) =>
          session.setPulling(
            {
              bytesDone: p.bytesDone,
              bytesTotal: p.bytesTotal,
              ...(p.bytesTotal > 0 ? { fraction: Math.min(1, p.bytesDone / p.bytesTotal) } : {}),
            },
            message,
          ),
        controller.signal,
      );
    } catch (err) {
      if (err instanceof PortholeError && err.code === 'CANCELLED') await this.state.refresh(id, engine);
      else if (err instanceof PortholeError)
        session.setFailed(err.message, err.remedy ?? 'Start the machine again to retry.');
      throw err;
    } finally {
      this.pulls.delete(id);
    }
  }

  /** Host ports are kept; one taken by something else meanwhile is re-chosen before start. */
  /** The record with free host ports in place of taken ones; not saved (the caller saves them once the start worked). */
  private async portsForStart(record: MachineRecord, fresh = false): Promise<MachineRecord> {
    const { web, rdp } = record.settings.ports;
    const [webFree, rdpFree] = fresh ? [false, false] : await Promise.all([portIsFree(web), portIsFree(rdp)]);
    if (webFree && rdpFree) return record;
    const avoid = portsOf(this.deps.store.list());
    const [a, b] = await freePorts(2, avoid);
    const ports = { web: webFree ? web : a!, rdp: rdpFree ? rdp : b! };
    return { ...record, settings: { ...record.settings, ports } };
  }

  private async oemDir(id: string): Promise<string> {
    const dir = oemPath(this.deps.dataDir, id);
    await writeOemFiles(dir, id);
    return dir;
  }
}

/** A promise awaited later: its rejection is handled where it is awaited, never reported as unhandled meanwhile. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
