import { lstat, rm } from 'node:fs/promises';
import {
  changeEffect,
  machineSettingsSchema,
  PortholeError,
  validateDiskChange,
  validateMachine,
  validateMachineName,
  type DeletePlan,
  type HostPorts,
  type MachineChanges,
  type MachineDraft,
  type MachineSettings,
  type MachineView,
} from '../../api';
import type { EngineClient } from '../engine/client';
import type { MachineAddress } from '../engine/machine-address';
import { newMachineId, settingsFromDraft } from '../machine/defaults';
import { assertIsoUsable } from '../machine/iso';
import { readHostKeyboard } from '../machine/keyboard';
import { executeDiskDelete, makeStorageFolder, planDiskDelete } from '../storage/ownership';
import { assertMachinePaths, assertSharedAllowed, assertStorageAllowed } from '../storage/paths';
import type { MachineStarter } from './machine-start';
import type { MachineState } from './machine-state';
import type { MachinesDeps } from './machines-deps';
import { installedAtCreate } from './existing-install-rule';
import { freePorts, portIsFree } from './ports';
import { assertStorageUnbound, containersOn, oemPath, pathPolicy, portsOf, sealed } from './record-rules';

/**
 * What is done to one machine: create, change, stop, apply, delete, and what is read of it (logs,
 * its screen's address). Each runs in the machine's queue; a start is MachineStarter's. The Windows
 * disk (`/storage`) is never removed except by an explicit delete with deleteDisk.
 */
export class MachineActions {
  constructor(
    private readonly deps: MachinesDeps,
    private readonly state: MachineState,
    private readonly starter: MachineStarter,
  ) {}

  /** The full settings (with the password): only for core services such as the RDP launcher. */
  settings(id: string): Promise<MachineSettings> {
    return this.deps.secrets.reveal(this.deps.store.require(id));
  }

  /**
   * A new machine. `installed` is for a storage folder where the image already installed Windows
   * (an import found its windows.boot): the machine then starts straight into it.
   */
  async create(draft: MachineDraft, wanted: Partial<HostPorts> = {}, opts: { installed?: boolean } = {}): Promise<MachineView> {
    if (draft.customIso) await assertIsoUsable(draft.customIso);
    if (draft.storageDir) await assertStorageUnbound(this.deps, draft.storageDir);
    const keyboard = await readHostKeyboard().catch(() => undefined);
    // Name, id and ports are decided on the records as they are on disk, under the store's lock:
    // racing creates (in this process or another) never share a name, an id or a port.
    const record = await this.deps.store.transact(async (records) => {
      const existing = [...records.values()];
      const clash = validateMachineName(draft.name, existing.map((r) => r.settings.name));
      if (clash) throw new PortholeError('INVALID_ARGUMENT', clash);
      const id = newMachineId(draft.name, existing.map((r) => r.settings.id));
      const taken = portsOf(existing);
      const [web, rdp] = await freePorts(2, taken);
      const settings = settingsFromDraft(draft, {
        id,
        host: this.deps.host(),
        dataDir: this.deps.dataDir,
        ports: { web: await keepIfFree(wanted.web, web!, taken), rdp: await keepIfFree(wanted.rdp, rdp!, taken) },
        env: this.deps.env,
        ...(keyboard ? { keyboardLayout: keyboard.layout, ...(keyboard.variant ? { keyboardVariant: keyboard.variant } : {}) } : {}),
      });
      await assertMachinePaths(settings, pathPolicy(this.deps, id, existing));
      const installed = await installedAtCreate(settings.storageDir, { use: draft.existingInstall === 'use', found: opts.installed });
      const { own } = await makeStorageFolder(settings.storageDir, id);
      try {
        // The keyring keeps the password under the id, so it is sealed once the id is decided.
        const created = await sealed(this.deps.secrets, { settings, installed });
        records.set(id, created);
        return created;
      } catch (err) {
        // No record, no folder: the one just made holds nothing but the marker (planned, so nothing else goes).
        if (own) await executeDiskDelete(await planDiskDelete(settings.storageDir, id));
        throw err;
      }
    });
    const view = this.state.toView(record);
    this.deps.onChange(view);
    return view;
  }

  async update(id: string, changes: MachineChanges): Promise<{ machine: MachineView; appliesAt: 'now' | 'next-start' | 'recreate' }> {
    return this.state.serial.run(id, async () => {
      const record = this.deps.store.require(id);
      // A new password needs not the old one (which the keyring may have lost); any other change keeps it.
      const revealed = changes.password === undefined ? await this.deps.secrets.reveal(record) : await this.deps.secrets.reveal(record).catch(() => record.settings);
      if (changes.customIso && changes.customIso !== record.settings.customIso) await assertIsoUsable(changes.customIso);
      // Checked against the records on disk now, under the store's lock: another process may have
      // renamed a machine or changed this one since this process last read them.
      const { before, after } = await this.deps.store.transact(async (records) => {
        const current = records.get(id);
        if (!current) throw new PortholeError('NOT_FOUND', `There is no machine "${id}".`);
        const before = { ...current.settings, password: current.passwordIn === 'keyring' ? revealed.password : current.settings.password };
        // The storage folder never changes here (the contract leaves it out of changes; this holds for any caller).
        const after = machineSettingsSchema.parse({ ...before, ...changes, storageDir: current.settings.storageDir });
        const shrink = validateDiskChange(before.diskGiB, after.diskGiB);
        if (shrink) throw new PortholeError('INVALID_ARGUMENT', shrink);
        const others = [...records.values()].filter((r) => r.settings.id !== id);
        const issues = validateMachine(after, {
          host: this.deps.host(),
          otherNames: others.map((r) => r.settings.name),
        });
        if (issues.length > 0) throw new PortholeError('INVALID_ARGUMENT', issues.map((i) => i.message).join(' '));
        for (const folder of after.sharedFolders) await assertSharedAllowed(folder.hostPath, after.storageDir, pathPolicy(this.deps, id, others));
        // A new version or ISO means a new installation: the image moves the old disk to backups/.
        const reinstall = after.version !== before.version || after.customIso !== before.customIso;
        const next = await sealed(this.deps.secrets, { ...current, settings: after }, current, after.password === before.password);
        records.set(id, { ...next, installed: reinstall ? false : current.installed });
        return { before, after };
      });
      this.state.emit(id);
      return { machine: this.state.get(id), appliesAt: changeEffect(before, after) };
    });
  }

  /** Runs `op` in this machine's queue: no start, stop, apply or delete of it runs meanwhile (snapshots). */
  exclusive<T>(id: string, op: () => Promise<T>): Promise<T> {
    return this.state.serial.run(id, op);
  }

  /**
   * Refuses (CONFLICT, saying what to do) unless nothing runs on the machine's disk: not its container,
   * nor any other container on its storage folder. Answers the storage folder's real, policy-checked path.
   * Without the engine nobody can tell, so that is refused too.
   */
  async assertDiskIdle(id: string, doing: string): Promise<string> {
    const record = this.deps.store.require(id);
    const { name, storageDir } = record.settings;
    const engine = this.deps.engine();
    const container = await this.state.findContainer(engine, id);
    if (container?.State.Running || container?.State.Restarting) {
      throw new PortholeError('CONFLICT', `“${name}” is running: ${doing} only while it is stopped.`, `Stop it (porthole stop ${id}), then try again.`);
    }
    const bound = (await containersOn(this.deps, storageDir)) ?? [];
    const running = bound.find((b) => b.running);
    if (running) {
      throw new PortholeError('CONFLICT', `The container “${running.name}” is running on ${running.storageDir}, the disk of “${name}”: ${doing} only while nothing runs on it.`, `Stop it (docker stop ${running.name}), then try again.`);
    }
    return assertStorageAllowed(storageDir, pathPolicy(this.deps, id));
  }

  /** Sets the record's installed flag (a restored snapshot brings back the state it was taken in). */
  async setInstalled(id: string, installed: boolean): Promise<void> {
    await this.deps.store.update(id, (r) => ({ ...r, installed }));
    this.state.emit(id);
  }

  stop(id: string): Promise<void> {
    // A download under way belongs to the start queued before this stop: cancel it now, not after it.
    this.starter.cancelPull(id);
    return this.halt(id, (engine, containerId) => engine.stop(containerId));
  }

  forceStop(id: string): Promise<void> {
    return this.halt(id, (engine, containerId) => engine.kill(containerId));
  }

  /** Ends the machine's running container the way asked (a stop, a kill), in its queue; an expected stop, not a failure. */
  private halt(id: string, end: (engine: EngineClient, containerId: string) => Promise<void>): Promise<void> {
    return this.state.serial.run(id, async () => {
      const engine = this.deps.engine();
      const container = await this.state.findContainer(engine, id);
      if (!container?.State.Running) return;
      this.state.session(id).expectStop();
      await end(engine, container.Id);
    });
  }

  async restart(id: string): Promise<void> {
    await this.stop(id);
    await this.starter.start(id);
  }

  /** Recreate with the current settings, keeping /storage; start again if it was running. */
  apply(id: string): Promise<void> {
    return this.state.serial.run(id, async () => {
      const engine = this.deps.engine();
      const container = await this.state.findContainer(engine, id);
      const wasRunning = container?.State.Running ?? false;
      if (container) {
        if (wasRunning) {
          this.state.session(id).expectStop();
          await engine.stop(container.Id);
        }
        await engine.remove(container.Id);
      }
      if (wasRunning) await this.starter.startLocked(id);
    });
  }

  /**
   * What "delete the disk" removes now: the whole folder only if Porthole made it for this machine
   * and it holds only the image's files; otherwise only the image's files. Nothing in a folder the
   * path policy refuses (see storage/paths.ts).
   */
  deletePlan(id: string): Promise<DeletePlan> {
    return this.planDiskDelete(id, this.deps.store.require(id).settings.storageDir);
  }

  private async planDiskDelete(id: string, path: string): Promise<DeletePlan> {
    let real: string;
    try {
      real = await assertStorageAllowed(path, pathPolicy(this.deps, id));
    } catch (err) {
      if (!(err instanceof PortholeError) || err.code !== 'INVALID_ARGUMENT') throw err;
      return { path, kind: 'refused', remove: [], keep: [], allocatedBytes: 0, apparentBytes: 0, reason: err.message };
    }
    const plan = await planDiskDelete(real, id);
    // A storage path that is itself a symlink: the folder it leads to stays, only the image's files go.
    const linked = await lstat(path).then((info) => info.isSymbolicLink(), () => false);
    return linked && plan.kind === 'folder' ? { ...plan, kind: 'files' } : plan;
  }

  /** Returns, with deleteDisk, what was removed from the storage folder. */
  delete(id: string, deleteDisk: boolean): Promise<DeletePlan | undefined> {
    return this.state.serial.run(id, async () => {
      const record = this.deps.store.require(id);
      // A keyring that cannot remove the password now refuses the delete before anything is stopped.
      await this.deps.secrets.assertForgettable(record);
      if (deleteDisk) {
        const plan = await this.planDiskDelete(id, record.settings.storageDir);
        if (plan.kind === 'refused') {
          throw new PortholeError(
            'INVALID_ARGUMENT',
            `${plan.reason ?? `Porthole will not delete files in ${plan.path}.`} Nothing was deleted.`,
            'Delete the machine and keep its disk, then remove the files you no longer need by hand.',
          );
        }
      }
      const engine = this.deps.engine();
      const container = await this.state.findContainer(engine, id);
      if (container) {
        if (container.State.Running) {
          this.state.session(id).expectStop();
          await engine.stop(container.Id);
        }
        await engine.remove(container.Id);
      }
      // Before the record goes: a keyring that cannot remove the password keeps the machine, to retry.
      await this.deps.secrets.forget(record);
      this.state.forget(id);
      await this.deps.store.remove(id);
      await rm(oemPath(this.deps.dataDir, id), { recursive: true, force: true });
      // Planned again now: the container may have written files while shutting down.
      let disk: DeletePlan | undefined;
      if (deleteDisk) {
        disk = await this.planDiskDelete(id, record.settings.storageDir);
        if (disk.kind !== 'refused') await executeDiskDelete(disk);
      }
      this.deps.onRemoved(id);
      return disk;
    });
  }

  async logs(id: string, tail: number): Promise<string[]> {
    this.deps.store.require(id);
    const engine = this.deps.engine();
    const container = await this.state.findContainer(engine, id);
    if (!container) return [];
    return engine.logs(container.Id, tail);
  }

  /** The id of the machine's container (its current one), or null when it has none: what a log follow reads. */
  async containerId(id: string): Promise<string | null> {
    this.deps.store.require(id);
    return (await this.state.findContainer(this.deps.engine(), id))?.Id ?? null;
  }

  async screenEndpoint(id: string): Promise<{ url: string; via?: MachineAddress['via']; note?: string }> {
    const record = this.deps.store.require(id);
    // The port the view shows: during a start, the one being started (saved only once it runs).
    const web = this.state.startingPorts.get(id)?.web ?? record.settings.ports.web;
    const at = this.deps.address ? await this.deps.address(web) : { host: '127.0.0.1', port: web };
    return { url: `ws://${at.host}:${at.port}/websockify`, ...('via' in at ? { via: at.via } : {}), ...('note' in at && at.note ? { note: at.note } : {}) };
  }
}

async function keepIfFree(wanted: number | undefined, fallback: number, taken: Set<number>): Promise<number> {
  if (wanted === undefined || taken.has(wanted)) return fallback;
  return (await portIsFree(wanted)) ? wanted : fallback;
}
