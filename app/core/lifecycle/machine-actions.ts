import { randomBytes } from 'node:crypto';
import { lstat, rm } from 'node:fs/promises';
import {
  audioOn,
  changeEffect,
  kvmHostOf,
  kvmOnRefusal,
  machineSettingsSchema,
  PortholeError,
  validateDiskChange,
  validateMachine,
  validateMachineName,
  type ActionResponse,
  type DeletePlan,
  type HostFacts,
  type HostPorts,
  type MachineChanges,
  type MachineDraft,
  type MachineSettings,
  type MachineView,
} from '../../api';
import type { EngineClient } from '../engine/client';
import { newMachineId, settingsFromDraft } from '../machine/defaults';
import { assertIsoUsable } from '../machine/iso';
import { readHostKeyboard } from '../machine/keyboard';
import { assertMountFolders } from '../storage/mounts';
import { diskBeyondFreeSpace, diskSizeGiB } from '../storage/disk-size';
import {
  executeDiskDelete,
  makeStorageFolder,
  MAX_KEPT_NAMES,
  planDiskDelete,
  storageContents,
} from '../storage/ownership';
import { storageContentsThere } from '../storage/engine-host-delete';
import { assertMachinePaths, assertSharedAllowed, assertStorageAllowed, sharedFolderWarnings } from '../storage/paths';
import type { MachineStarter } from './machine-start';
import type { MachineState } from './machine-state';
import type { MachinesDeps } from './machines-deps';
import { installedAtCreate, keptDiskSize } from './existing-install-rule';
import { freePorts, portIsFree } from './ports';
import { assertStorageUnbound, containersOn, oemPath, pathPolicy, portsOf, sealed } from './record-rules';

type ScreenEndpoint = ActionResponse<'screenEndpoint'>;

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
   * (an import found its windows.boot): the machine then starts straight into it. The view carries
   * `warnings`: a storage folder that already held files (kept, and never deleted with the disk), a
   * read-only share of a sensitive folder.
   */
  async create(
    draft: MachineDraft,
    wanted: Partial<HostPorts> = {},
    opts: { installed?: boolean } = {},
  ): Promise<MachineView> {
    if (draft.customIso) await assertIsoUsable(draft.customIso, this.deps.engineHostFs);
    if (draft.storageDir) await assertStorageUnbound(this.deps, draft.storageDir, undefined, undefined, draft.image);
    const warnings: string[] = [];
    const keyboard = await readHostKeyboard().catch(() => undefined);
    // Name, id and ports are decided on the records as they are on disk, under the store's lock:
    // racing creates (in this process or another) never share a name, an id or a port.
    const record = await this.deps.store.transact(async (records) => {
      const existing = [...records.values()];
      const clash = validateMachineName(
        draft.name,
        existing.map((r) => r.settings.name),
      );
      if (clash) throw new PortholeError('INVALID_ARGUMENT', clash);
      const id = newMachineId(
        draft.name,
        existing.map((r) => r.settings.id),
      );
      const taken = portsOf(existing);
      const [web, rdp] = await freePorts(2, taken);
      const drafted = settingsFromDraft(draft, {
        id,
        host: this.deps.host(),
        dataDir: this.deps.dataDir,
        ports: { web: await keepIfFree(wanted.web, web!, taken), rdp: await keepIfFree(wanted.rdp, rdp!, taken) },
        env: this.deps.env,
        ...(keyboard
          ? { keyboardLayout: keyboard.layout, ...(keyboard.variant ? { keyboardVariant: keyboard.variant } : {}) }
          : {}),
      });
      const policy = pathPolicy(this.deps, id, existing);
      await assertMachinePaths(drafted, policy);
      const { settings, installed, own, kept } = await this.prepareStorage(drafted, draft, opts, warnings);
      warnings.push(...(await sharedFolderWarnings(settings.sharedFolders, policy)));
      try {
        // The keyring keeps the password under the id, so it is sealed once the id is decided.
        // A nonce of its own: a container left by an earlier machine of this id is never taken for this one's.
        const created = await sealed(this.deps.secrets, {
          settings,
          installed,
          nonce: randomBytes(8).toString('hex'),
          ...(kept.length > 0 ? { storageKept: kept } : {}),
        });
        records.set(id, created);
        return created;
      } catch (err) {
        // No record, no folder: the one just made holds nothing but the marker (planned, so nothing else goes).
        if (own)
          await executeDiskDelete(
            await planDiskDelete(settings.storageDir, id, [], this.deps.engineHostFs),
            this.deps.engineHostFs,
          );
        throw err;
      }
    });
    const view = this.state.toView(record);
    this.deps.onChange(view);
    return warnings.length > 0 ? { ...view, warnings: [...(view.warnings ?? []), ...warnings] } : view;
  }

  /**
   * The new machine's storage folder, checked and made: whether Windows is installed there already, the
   * files a person kept there (never deleted with the disk), and the disk size a disk kept there really has.
   */
  private async prepareStorage(
    drafted: MachineSettings,
    draft: MachineDraft,
    opts: { installed?: boolean },
    warnings: string[],
  ): Promise<{ settings: MachineSettings; installed: boolean; own: boolean; kept: string[] }> {
    const local = this.deps.engineHost === undefined;
    // The same rule as the start's, before anything is made: a share that is a file, a FIFO, a dangling link is refused now.
    if (local) await assertMountFolders(drafted, { storage: false });
    const installed = await installedAtCreate(drafted.storageDir, {
      use: draft.existingInstall === 'use',
      found: opts.installed,
      remote: this.deps.engineHostFs,
    });
    const sized = await keptDiskSize(drafted.storageDir, drafted.diskGiB, this.deps.engineHostFs);
    if (sized) warnings.push(sized.warning);
    const settings = sized ? { ...drafted, diskGiB: sized.diskGiB } : drafted;
    const { own } = await makeStorageFolder(settings.storageDir, settings.id, this.deps.engineHostFs);
    let kept: string[] = [];
    const remote = this.deps.engineHostFs;
    if (!own && (local || remote)) {
      // An existing path: a folder (the start's rule), and what it holds already is a person's, never deleted with the disk.
      if (local) await assertMountFolders(settings);
      // On a remote engine, what the folder holds there (this computer's folder of that name says nothing).
      const found = remote
        ? await storageContentsThere(remote, settings.storageDir)
        : await storageContents(settings.storageDir);
      if (found.tooMany) {
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `The folder ${settings.storageDir} already holds more than ${MAX_KEPT_NAMES} files and folders.`,
          'Choose an empty folder, or a new one, for the machine’s disk.',
        );
      }
      kept = found.foreign;
      if (kept.length > 0) warnings.push(storageNotEmptyWarning(settings.storageDir, kept));
    }
    return { settings, installed, own, kept };
  }

  async update(
    id: string,
    changes: MachineChanges,
    opts: { confirmed?: boolean } = {},
  ): Promise<{ machine: MachineView; appliesAt: 'now' | 'next-start' | 'recreate' }> {
    return this.state.serial.run(id, async () => {
      const record = this.deps.store.require(id);
      // A new password needs not the old one (which the keyring may have lost); any other change keeps it.
      const revealed =
        changes.password === undefined
          ? await this.deps.secrets.reveal(record)
          : await this.deps.secrets.reveal(record).catch(() => record.settings);
      if (changes.customIso && changes.customIso !== record.settings.customIso)
        await assertIsoUsable(changes.customIso, this.deps.engineHostFs);
      // Checked against the records on disk now, under the store's lock: another process may have
      // renamed a machine or changed this one since this process last read them.
      // The disk the image really made (a remote engine's is on its computer: the setting is the floor there).
      const onDiskGiB =
        changes.diskGiB !== undefined && this.deps.engineHost === undefined
          ? await diskSizeGiB(record.settings.storageDir)
          : undefined;
      const { before, after } = await this.deps.store.transact(async (records) => {
        const current = records.get(id);
        if (!current) throw new PortholeError('NOT_FOUND', `There is no machine "${id}".`);
        const before = {
          ...current.settings,
          password: current.passwordIn === 'keyring' ? revealed.password : current.settings.password,
        };
        // The storage folder never changes here (the contract leaves it out of changes; this holds for any caller).
        const after = machineSettingsSchema.parse({ ...before, ...changes, storageDir: current.settings.storageDir });
        if (!before.kvm && after.kvm) assertKvmCanWork(this.deps.host());
        const shrink = validateDiskChange(before.diskGiB, after.diskGiB, onDiskGiB);
        if (shrink) throw new PortholeError('INVALID_ARGUMENT', shrink);
        if (!opts.confirmed && onDiskGiB !== undefined && after.diskGiB > before.diskGiB) {
          const beyond = await diskBeyondFreeSpace(after.storageDir, after.diskGiB, onDiskGiB);
          if (beyond)
            throw new PortholeError(
              'CONFIRMATION_NEEDED',
              `${beyond} Nothing was changed.`,
              'Choose a smaller size, or confirm that you want this size (porthole set … --yes; in the app, Apply and confirm).',
            );
        }
        const others = [...records.values()].filter((r) => r.settings.id !== id);
        // A password stored before today's rule (one with an invisible mark, say) does not block other changes.
        const issues = validateMachine(after, {
          host: this.deps.host(),
          otherNames: others.map((r) => r.settings.name),
        }).filter((i) => i.field !== 'password' || after.password !== before.password);
        if (issues.length > 0) throw new PortholeError('INVALID_ARGUMENT', issues.map((i) => i.message).join(' '));
        for (const folder of after.sharedFolders)
          await assertSharedAllowed(
            folder.hostPath,
            after.storageDir,
            pathPolicy(this.deps, id, others),
            folder.readOnly,
          );
        if (this.deps.engineHost === undefined) await assertMountFolders(after, { storage: false });
        // A new version or ISO means a new installation: the image moves the old disk to backups/.
        const reinstall = after.version !== before.version || after.customIso !== before.customIso;
        const next = await sealed(
          this.deps.secrets,
          { ...current, settings: after },
          current,
          after.password === before.password,
        );
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
      throw new PortholeError(
        'CONFLICT',
        `“${name}” is running: ${doing} only while it is stopped.`,
        `Stop it (porthole stop ${id}), then try again.`,
      );
    }
    const bound = (await containersOn(this.deps, storageDir)) ?? [];
    const running = bound.find((b) => b.running);
    if (running) {
      throw new PortholeError(
        'CONFLICT',
        `The container “${running.name}” is running on ${running.storageDir}, the disk of “${name}”: ${doing} only while nothing runs on it.`,
        `Stop it (docker stop ${running.name}), then try again.`,
      );
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

  /**
   * Ends the machine's running container the way asked (a stop, a kill), in its queue; an expected stop,
   * not a failure. The container that runs the machine may be the one its exported compose file made
   * (shown as the machine while it runs): that one is ended then, not only Porthole's own.
   */
  private halt(id: string, end: (engine: EngineClient, containerId: string) => Promise<void>): Promise<void> {
    return this.state.serial.run(id, async () => {
      const engine = this.deps.engine();
      const own = await this.state.findContainer(engine, id);
      const container = own?.State.Running ? own : await this.state.runningOutside(engine, id);
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
    const record = this.deps.store.require(id);
    return this.planDiskDelete(id, record.settings.storageDir, record.storageKept);
  }

  /** `kept`: what the folder held when the machine was given it, never removed. */
  private async planDiskDelete(id: string, path: string, kept?: readonly string[]): Promise<DeletePlan> {
    let real: string;
    try {
      real = await assertStorageAllowed(path, pathPolicy(this.deps, id));
    } catch (err) {
      if (!(err instanceof PortholeError) || err.code !== 'INVALID_ARGUMENT') throw err;
      return { path, kind: 'refused', remove: [], keep: [], allocatedBytes: 0, apparentBytes: 0, reason: err.message };
    }
    const plan = await planDiskDelete(real, id, kept, this.deps.engineHostFs);
    // A remote engine: the folder is on its computer, where a link is refused by the listing itself; nothing here is looked at.
    if (this.deps.engineHostFs) return plan;
    // A storage path that is itself a symlink: the folder it leads to stays, only the image's files go.
    const linked = await lstat(path).then(
      (info) => info.isSymbolicLink(),
      () => false,
    );
    return linked && plan.kind === 'folder' ? { ...plan, kind: 'files' } : plan;
  }

  /**
   * Returns, with deleteDisk, what was removed from the storage folder. Holds the machine's disk lock, which
   * every start takes too (in any Porthole process): a start and a remove of one machine never interleave.
   */
  delete(id: string, deleteDisk: boolean): Promise<DeletePlan | undefined> {
    return this.state.serial.run(id, () =>
      this.deps.diskLock
        ? this.deps.diskLock(id, () => this.deleteNow(id, deleteDisk))
        : this.deleteNow(id, deleteDisk),
    );
  }

  private async deleteNow(id: string, deleteDisk: boolean): Promise<DeletePlan | undefined> {
    // The records as they are now (another process may have removed or made this machine again meanwhile).
    await this.deps.store.sync();
    const record = this.deps.store.require(id);
    // A keyring that cannot remove the password now refuses the delete before anything is stopped.
    await this.deps.secrets.assertForgettable(record);
    if (deleteDisk) {
      const plan = await this.planDiskDelete(id, record.settings.storageDir, record.storageKept);
      if (plan.kind === 'refused') {
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `${plan.reason ?? `Porthole will not delete files in ${plan.path}.`} Nothing was deleted.`,
          'Delete the machine and keep its disk, then remove the files you no longer need by hand.',
        );
      }
    }
    const engine = this.deps.engine();
    // Whatever runs the machine now: its container (asked of the engine under the lock, so one a start has
    // just made is found), and one run from its exported compose file, which Porthole shows as the machine.
    // Left running without a record, either would be an orphan a later machine of this name runs into.
    const container = await this.state.findContainer(engine, id);
    const outside = await this.state.runningOutside(engine, id);
    // An adopted hand-made container running on the disk is both.
    for (const running of [container, outside?.Id === container?.Id ? null : outside]) {
      if (!running) continue;
      if (running.State.Running) {
        this.state.session(id).expectStop();
        await engine.stop(running.Id);
      }
      await engine.remove(running.Id);
    }
    // Before the record goes: a keyring that cannot remove the password keeps the machine, to retry.
    await this.deps.secrets.forget(record);
    this.state.forget(id);
    await this.deps.store.remove(id);
    await rm(oemPath(this.deps.dataDir, id), { recursive: true, force: true });
    // Planned again now: the container may have written files while shutting down.
    let disk: DeletePlan | undefined;
    if (deleteDisk) {
      disk = await this.planDiskDelete(id, record.settings.storageDir, record.storageKept);
      if (disk.kind !== 'refused') await executeDiskDelete(disk, this.deps.engineHostFs);
    }
    this.deps.onRemoved(id);
    return disk;
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

  async screenEndpoint(id: string): Promise<ScreenEndpoint> {
    const record = this.deps.store.require(id);
    // The port the view shows: during a start, the one being started (saved only once it runs).
    const web = this.state.startingPorts.get(id)?.web ?? record.settings.ports.web;
    const at = this.deps.address ? await this.deps.address(web) : { host: '127.0.0.1', port: web };
    return {
      url: `ws://${at.host}:${at.port}/websockify`,
      // The same web port serves the sound (AUDIO=Y), so it is reached the same way.
      ...(audioOn(record.settings) ? { audio: `ws://${at.host}:${at.port}/audio` } : {}),
      ...('via' in at ? { via: at.via } : {}),
      ...('note' in at && at.note ? { note: at.note } : {}),
    };
  }
}

/**
 * Software emulation turned off where the host check says KVM cannot work is refused, as the settings page
 * refuses it (kvm-rule.ts): saved, the machine's next start would fail (the image's exit 88).
 */
function assertKvmCanWork(facts: HostFacts): void {
  const refusal = kvmOnRefusal(kvmHostOf(facts));
  if (refusal) throw new PortholeError('INVALID_ARGUMENT', refusal.message, refusal.remedy);
}

/** Said at create when the storage folder already held files: they stay, and the disk's delete leaves them. */
function storageNotEmptyWarning(dir: string, kept: readonly string[]): string {
  const shown = kept.slice(0, 5).join(', ') + (kept.length > 5 ? ` and ${kept.length - 5} more` : '');
  return `The storage folder ${dir} already holds files (${shown}). They stay where they are, and deleting the machine’s disk never removes them; a new, empty folder for the machine is safer.`;
}

async function keepIfFree(wanted: number | undefined, fallback: number, taken: Set<number>): Promise<number> {
  if (wanted === undefined || taken.has(wanted)) return fallback;
  return (await portIsFree(wanted)) ? wanted : fallback;
}
