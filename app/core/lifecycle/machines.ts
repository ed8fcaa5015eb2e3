import type { MachineAddress } from '../engine/machine-address';
import { access, lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Docker from 'dockerode';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_VERSION,
  ENGINE_DOWN_STATUS,
  versionName,
  type ActionResponse,
  machineSettingsSchema,
  PortholeError,
  type HostFacts,
  type HostPorts,
  type DeletePlan,
  type MachineChanges,
  type MachineDraft,
  type MachineSettings,
  type MachineStatus,
  type MachineView,
} from '../../api';
import type { EngineClient, EngineEvent } from '../engine/client';
import { buildContainerSpec, INSTANCE_LABEL, MACHINE_LABEL, ownsContainer, SPEC_LABEL, storageSourceOf } from '../machine/spec';
import { DEFAULT_PASSWORD, DEFAULT_SCREEN, FALLBACK_USERNAME, settingsFromDraft, newMachineId } from '../machine/defaults';
import { toCompose } from '../machine/compose-export';
import { fromCompose } from '../machine/compose-import';
import { readHostKeyboard } from '../machine/keyboard';
import { changeEffect, validateDiskChange, validateMachine, validateMachineName } from '../../api';
import { assertIsoUsable } from '../machine/iso';
import { assertMountsUsable } from '../machine/mounts';
import { writeOemFiles, INSTALL_MARKER } from '../machine/oem';
import { mergeUserOem } from '../machine/user-oem';
import { MachineSession } from '../session/machine-session';
import { bootMediaOf } from '../session/media';
import type { MachineSecrets } from '../secrets';
import { executeDiskDelete, makeStorageFolder, planDiskDelete } from '../storage/ownership';
import { assertMachinePaths, assertSharedAllowed, assertStorageAllowed, homeOf, type PathPolicy } from '../storage/paths';
import type { ExternalChange, MachineRecord, MachineStore } from '../store/machine-store';
import { containersOnStorage, type BoundContainer } from '../storage/bound-containers';
import { readExistingInstall } from '../storage/existing-install';
import { adoptableFrom, keptPorts, planAdoption, uniqueMachineName, type AdoptableContainer } from './adoption';
import { instanceId } from './instance';
import { freePorts, portIsFree } from './ports';
import { KeyedSerial } from './serial';
import { withStartRefusals, type StartRefusal } from './start-refusals';

/** The serial key of adoptions (machine ids never start with #): two adoptions never race for a name or an id. */
const ADOPTION_KEY = '#adopt';

export interface MachinesDeps {
  store: MachineStore;
  /** Where the Windows passwords are kept: the desktop keyring, or the record in the store. */
  secrets: MachineSecrets;
  /** The engine client once connected; throws ENGINE_UNAVAILABLE while it is not. */
  engine: () => EngineClient;
  /** Whether the engine answers now; while it does not, every machine's status is 'unknown'. */
  engineConnected: () => boolean;
  dataDir: string;
  configDir: string;
  host: () => HostFacts;
  env: NodeJS.ProcessEnv;
  onChange: (view: MachineView) => void;
  onRemoved: (id: string) => void;
  /** How a machine's published port is reached from here (engine/machine-address.ts); default 127.0.0.1:<port>. */
  address?: (hostPort: number) => Promise<MachineAddress>;
  /** The engine's computer when it is not this one: machine folders are paths there (storage/paths.ts). */
  engineHost?: string;
  /**
   * Holds the machine's disk lock (shared by every Porthole process on this data folder) around a
   * start, so no start begins while another process copies the disk for a snapshot or a restore.
   */
  diskLock?: <T>(id: string, body: () => Promise<T>) => Promise<T>;
}

/**
 * The lifecycle of every machine: settings -> container, start/stop/apply/delete,
 * and the live state from the engine. The Windows disk (`/storage`) is never removed
 * except by an explicit delete with deleteDisk.
 */
export class Machines {
  private readonly sessions = new Map<string, MachineSession>();
  private readonly serial = new KeyedSerial();
  private readonly pulls = new Map<string, AbortController>();
  /** Host ports of a start under way, before they are saved (see startNow). */
  private readonly startingPorts = new Map<string, HostPorts>();
  /** Containers made before instances existed that were found to be ours (by their /storage): their events count. */
  private readonly unlabelledOwn = new Set<string>();
  /**
   * Containers run outside Porthole (the exported compose file, `docker compose up -d`) on a machine's
   * storage folder: while one runs, the machine runs there, and is shown so. Container id -> machine id.
   */
  private readonly outside = new Map<string, string>();
  private instanceCache: string | undefined;

  constructor(private readonly deps: MachinesDeps) {}

  /** This configuration's instance id (lifecycle/instance.ts): every container lookup keeps to it. */
  get instance(): string {
    this.instanceCache ??= instanceId(this.deps.configDir);
    return this.instanceCache;
  }

  /** The container (list or inspect result) is the one of machine `id` in this configuration. */
  private owns(id: string, labels: Record<string, string> | null | undefined, mounts: Docker.ContainerInfo['Mounts'] | Docker.ContainerInspectInfo['Mounts'] | undefined, containerId: string): boolean {
    const record = this.deps.store.get(id);
    if (!record) return false;
    const owned = ownsContainer({ labels, storageSource: storageSourceOf(mounts) }, this.instance, id, record.settings.storageDir);
    if (owned && labels?.[INSTANCE_LABEL] === undefined) this.unlabelledOwn.add(containerId);
    return owned;
  }

  private session(id: string): MachineSession {
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
        bootMedia: () => bootMediaOf(this.deps.store.get(id)?.settings.customIso ?? undefined),
        onChange: () => this.emit(id),
        // Not recorded (the file is from a newer Porthole, the disk is full): said, never an unhandled rejection.
        onInstalled: () => void this.markInstalled(id).catch((err: unknown) => process.emitWarning(`Porthole: could not note that ${id} is installed: ${String(err)}`)),
      });
      this.sessions.set(id, session);
    }
    return session;
  }

  private emit(id: string): void {
    const record = this.deps.store.get(id);
    if (record) this.deps.onChange(this.toView(record));
  }

  private async markInstalled(id: string): Promise<void> {
    const record = this.deps.store.get(id);
    if (!record || record.installed) return;
    await this.deps.store.update(id, (r) => ({ ...r, installed: true }));
  }

  toView(record: MachineRecord): MachineView {
    const { password, ...saved } = record.settings;
    // During a start, the ports being started (saved once the container runs: see startNow).
    const settings = { ...saved, ports: this.startingPorts.get(saved.id) ?? saved.ports };
    if (!this.deps.engineConnected()) return { ...settings, hasPassword: password.length > 0, status: { ...ENGINE_DOWN_STATUS } };
    const status: MachineStatus = this.sessions.get(record.settings.id)?.status ?? {
      phase: 'absent',
      running: false,
      screenReady: false,
    };
    return { ...settings, hasPassword: password.length > 0 || record.passwordIn === 'keyring', status };
  }

  /** The full settings (with the password): only for core services such as the RDP launcher. */
  settings(id: string): Promise<MachineSettings> {
    return this.deps.secrets.reveal(this.deps.store.require(id));
  }

  /** The record to write for these settings: the password goes to the keyring when one is usable. */
  private async sealed(record: MachineRecord, previous?: MachineRecord, unchanged = false): Promise<MachineRecord> {
    const { passwordIn: _was, ...rest } = record;
    const sealed = await this.deps.secrets.seal(record.settings.id, record.settings.password, previous, unchanged);
    return { ...rest, settings: { ...record.settings, password: sealed.password }, ...(sealed.passwordIn ? { passwordIn: sealed.passwordIn } : {}) };
  }

  /** Porthole's own containers that no record knows, and hand-made dockur containers: one list call. */
  async adoptableContainers(): Promise<AdoptableContainer[]> {
    const records = this.deps.store.list();
    return adoptableFrom(await this.deps.engine().listAll(), {
      instance: this.instance,
      storageDirs: new Map(records.map((r) => [r.settings.id, r.settings.storageDir])),
      adoptedContainerIds: new Set(records.flatMap((r) => (r.adoptedContainerId ? [r.adoptedContainerId] : []))),
    });
  }

  /**
   * Turns a container into a machine. Its `/storage` folder becomes the machine's storage as it is
   * (never moved or copied), its environment the settings, its host ports the machine's (published
   * on 127.0.0.1 only from the next start). The container itself is left alone, running or not:
   * the next start replaces a hand-made one (or one from older settings) with Porthole's own.
   * `warnings` names everything that was not kept as it was.
   */
  adoptContainer(containerId: string): Promise<{ machine: MachineView; warnings: string[] }> {
    return this.serial.run(ADOPTION_KEY, async () => {
      const engine = this.deps.engine();
      const info = await engine.inspect(containerId);
      if (!info) {
        throw new PortholeError('NOT_FOUND', `There is no container “${containerId}”.`, 'List the containers Porthole can adopt with "porthole adoptable".');
      }
      const plan = planAdoption(info, this.deps.host(), this.instance);
      const name = info.Name.replace(/^\//, '');
      await this.assertStorageUnbound(plan.draft.storageDir, info.Id, (other) => `Keep one container on that disk: remove “${other}” (docker rm ${other}) or “${name}”, then adopt the one you keep.`);
      const labelId = info.Config.Labels?.[MACHINE_LABEL];
      const facts = { labels: info.Config.Labels, storageSource: storageSourceOf(info.Mounts) };
      // Conflicts, name, id and ports are decided on the records on disk, under the store's lock.
      const { id, warnings } = await this.deps.store.transact(async (current) => {
        const records = [...current.values()];
        // This configuration's own container of a machine it has (for one made before instances: by its /storage).
        const labelled = labelId ? current.get(labelId) : undefined;
        if (labelled && ownsContainer(facts, this.instance, labelled.settings.id, labelled.settings.storageDir)) {
          throw new PortholeError('CONFLICT', `The container “${name}” already belongs to the machine “${labelled.settings.name}”.`);
        }
        const owner = records.find((r) => r.adoptedContainerId === info.Id);
        if (owner) throw new PortholeError('CONFLICT', `The container “${name}” was already adopted as the machine “${owner.settings.name}”.`);

        const label = `container "${name}"`;
        const warnings = [...plan.warnings];
        const taken = portsOf(records);
        const fresh = await freePorts(2, new Set([...taken, ...Object.values(plan.ports)]));
        const ports = keptPorts(plan.ports, taken, [fresh[0]!, fresh[1]!], warnings, label);
        const draftName = uniqueMachineName(plan.draft.name, records.map((r) => r.settings.name));
        if (draftName !== plan.draft.name.trim()) warnings.push(`${label}: another machine is called “${plan.draft.name}”, so this one is “${draftName}”.`);
        const id = plan.labelId ?? newMachineId(draftName, records.map((r) => r.settings.id));
        const settings = settingsFromDraft({ ...plan.draft, name: draftName }, { id, host: this.deps.host(), dataDir: this.deps.dataDir, ports, env: {} });
        // The container's folders become the machine's: the same path policy as for any other machine.
        await assertMachinePaths(settings, this.pathPolicy(id, records));
        // The image leaves windows.boot once Windows is installed: later starts go straight to "ready".
        const installed = await access(join(settings.storageDir, 'windows.boot')).then(
          () => true,
          () => false,
        );
        current.set(id, await this.sealed({ settings, installed, ...(plan.porthole ? {} : { adoptedContainerId: info.Id }) }));
        return { id, warnings };
      });
      await this.session(id).attach(info);
      return { machine: this.get(id), warnings };
    });
  }

  list(): MachineView[] {
    return this.deps.store.list().map((r) => this.toView(r));
  }

  get(id: string): MachineView {
    return this.toView(this.deps.store.require(id));
  }

  // ---- engine state -------------------------------------------------------------------------

  /**
   * On every (re)connect: one list call by label, then each machine takes its container's state
   * (one inspect each; a machine adopted from a hand-made container inspects that one).
   */
  async reconcile(engine: EngineClient): Promise<void> {
    const containers = await engine.listMachines(this.instance);
    for (const record of this.deps.store.list()) {
      const id = record.settings.id;
      const own = containers.find((c) => this.owns(id, c.Labels, c.Mounts, c.Id));
      const containerId = own?.Id ?? record.adoptedContainerId;
      const session = this.session(id);
      const ownInfo = containerId ? await engine.inspect(containerId) : null;
      const info = ownInfo?.State.Running ? ownInfo : ((await this.runningOutside(engine, id)) ?? ownInfo);
      if (info) await session.attach(info);
      else session.setAbsent();
    }
  }

  /**
   * A running container Porthole did not make (no machine label) whose /storage is this machine's
   * storage folder: the exported compose file run by hand. One list call; none found is undefined.
   */
  private async runningOutside(engine: EngineClient, id: string): Promise<Docker.ContainerInspectInfo | undefined> {
    const record = this.deps.store.get(id);
    if (!record) return undefined;
    const all = await engine.listAll().catch(() => []);
    const found = all.find(
      (c) => c.State === 'running' && (c.Labels ?? {})[MACHINE_LABEL] === undefined && storageSourceOf(c.Mounts) === record.settings.storageDir,
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
   * instances existed counts only once a lookup found it ours by its /storage.
   */
  private machineOf(event: EngineEvent): string | undefined {
    const adopted = this.deps.store.list().find((r) => r.adoptedContainerId === event.containerId)?.settings.id;
    if (adopted) return adopted;
    if (!event.machineId || !this.deps.store.get(event.machineId)) return undefined;
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
      if (event.action === 'start' && event.machineId === undefined) this.onOutsideStart(event.containerId).catch(() => undefined);
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
      this.sessions.get(id)?.detach();
      this.sessions.delete(id);
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

  // ---- actions --------------------------------------------------------------------------------

  /**
   * A new machine. `installed` is for a storage folder where the image already installed Windows
   * (an import found its windows.boot): the machine then starts straight into it.
   */
  async create(draft: MachineDraft, wanted: Partial<HostPorts> = {}, opts: { installed?: boolean } = {}): Promise<MachineView> {
    if (draft.customIso) await assertIsoUsable(draft.customIso);
    if (draft.storageDir) await this.assertStorageUnbound(draft.storageDir);
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
      await assertMachinePaths(settings, this.pathPolicy(id, existing));
      const { own } = await makeStorageFolder(settings.storageDir, id);
      try {
        // The keyring keeps the password under the id, so it is sealed once the id is decided.
        const created = await this.sealed({ settings, installed: opts.installed === true });
        records.set(id, created);
        return created;
      } catch (err) {
        // No record, no folder: the one just made holds nothing but the marker (planned, so nothing else goes).
        if (own) await executeDiskDelete(await planDiskDelete(settings.storageDir, id));
        throw err;
      }
    });
    const view = this.toView(record);
    this.deps.onChange(view);
    return view;
  }

  /**
   * The containers (any, Porthole's or not) whose /storage is this folder or in or around it, except
   * `except`; undefined when the engine cannot be asked (then only the records protect the folder).
   */
  private async containersOn(storageDir: string, except?: string): Promise<BoundContainer[] | undefined> {
    if (!this.deps.engineConnected()) return undefined;
    let list: Docker.ContainerInfo[];
    try {
      list = await this.deps.engine().listAll();
    } catch {
      return undefined;
    }
    return containersOnStorage(list, storageDir, except);
  }

  /** Two containers on one storage folder would boot the same Windows disk twice and corrupt it: refused. */
  private async assertStorageUnbound(storageDir: string, except?: string, remedy?: (name: string) => string): Promise<void> {
    const bound = await this.containersOn(storageDir, except);
    const first = bound?.[0];
    if (!first) return;
    throw new PortholeError(
      'CONFLICT',
      `The container “${first.name}” already uses ${first.storageDir} as its Windows disk${first.running ? ' and is running' : ''}; two containers on one disk would damage it.`,
      remedy ? remedy(first.name) : `Adopt it instead: porthole adopt ${first.name} (in the app: Adopt, in the machine list).`,
    );
  }

  /**
   * Machines from a compose.yml; every draft is validated before any is created. Relative paths are
   * placed in `baseDir`. A storage folder where the image already installed Windows makes a machine
   * marked installed (it starts straight into that Windows). A container already on a service's
   * storage folder (the one `docker compose up` made from this file) is adopted when `adopt` is set;
   * otherwise nothing is imported and it is listed in `adoptable`.
   */
  async importCompose(yaml: string, opts: { baseDir?: string; adopt?: boolean } = {}): Promise<ActionResponse<'importCompose'>> {
    const { drafts, services, warnings } = fromCompose(yaml, {
      ...(opts.baseDir ? { baseDir: opts.baseDir } : {}),
      homeDir: homeOf(this.deps.env),
    });
    if (drafts.length === 0) {
      throw new PortholeError('INVALID_ARGUMENT', 'The file has no Windows machine in it.', 'Export one with "porthole export <id>".');
    }
    // Names are unique: a machine imported next to the one it was exported from (or twice) gets a new one, said so.
    const taken = this.deps.store.list().map((r) => r.settings.name);
    const named = drafts.map((d) => {
      const clash = validateMachineName(d.name, taken) !== validateMachineName(d.name);
      const name = clash ? uniqueMachineName(d.name, taken) : d.name;
      if (clash) warnings.push(`Another machine is called “${d.name}”, so the imported one is “${name}”.`);
      taken.push(name);
      return { ...d, name };
    });
    // The path policy for every service first (each against the others too): a bad folder in the
    // last service leaves nothing half-imported.
    const ids = this.deps.store.list().map((r) => r.settings.id);
    const planned: PathPolicy['others'][number][] = [];
    const adoptable: ActionResponse<'importCompose'>['adoptable'] = [];
    const adopt = new Map<number, BoundContainer>();
    for (const [index, draft] of named.entries()) {
      const id = newMachineId(draft.name, ids);
      ids.push(id);
      const policy = this.pathPolicy(id);
      const storageDir = draft.storageDir ?? join(this.deps.dataDir, 'machines', id);
      await assertMachinePaths({ storageDir, sharedFolders: draft.sharedFolders ?? [] }, { ...policy, others: [...policy.others, ...planned] });
      planned.push({ id, name: draft.name, storageDir });
      if (!draft.storageDir) continue;
      const bound = (await this.containersOn(draft.storageDir)) ?? [];
      if (bound.length > 1) {
        throw new PortholeError(
          'CONFLICT',
          `${bound.length} containers already use ${draft.storageDir} as their Windows disk (${bound.map((b) => `“${b.name}”`).join(', ')}). Nothing was imported.`,
          'Keep one of them (docker rm the others), then adopt it: porthole adopt <name>.',
        );
      }
      const [container] = bound;
      if (!container) continue;
      adoptable.push({ containerId: container.containerId, name: container.name, running: container.running, storageDir: container.storageDir, service: services[index]! });
      adopt.set(index, container);
    }
    if (adoptable.length > 0 && !opts.adopt) return { machines: [], warnings, notes: [], adoptable };

    const machines: MachineView[] = [];
    const notes: string[] = [];
    for (const [index, { ports, oemDir: userOem, ...draft }] of named.entries()) {
      const container = adopt.get(index);
      if (container) {
        // The container is what ran this service: adopting it keeps one container on the disk.
        const adopted = await this.adoptContainer(container.containerId);
        machines.push(adopted.machine);
        warnings.push(...adopted.warnings);
        const found = await readExistingInstall(container.storageDir);
        const state = found.installed ? `, with ${versionName(adopted.machine.version)} installed in ${adopted.machine.storageDir}${found.diskGiB !== undefined ? ` (${found.diskGiB} GB disk)` : ''}` : '';
        notes.push(`Adopted the container “${container.name}” (service “${services[index]}”) as “${adopted.machine.name}”${state}.`);
        continue;
      }
      const found = draft.storageDir ? await readExistingInstall(draft.storageDir) : { installed: false };
      if (draft.storageDir && found.diskGiB !== undefined && (draft.diskGiB === undefined || draft.diskGiB < found.diskGiB)) {
        // The image never shrinks a disk: the machine's setting says what the disk really is.
        draft.diskGiB = found.diskGiB;
      }
      if (found.diskGiB !== undefined || found.installed) {
        // Windows Setup already ran with the image's own defaults where the file set none: those are
        // its account and language (Porthole's defaults would give a Remote Desktop login that fails).
        draft.username ??= FALLBACK_USERNAME;
        draft.password ??= DEFAULT_PASSWORD;
        draft.language ??= DEFAULT_LANGUAGE;
        draft.screen ??= { ...DEFAULT_SCREEN };
      }
      const machine = await this.create(draft, ports ?? {}, { installed: found.installed });
      machines.push(machine);
      if (userOem) warnings.push(...(await this.importUserOem(machine, userOem, found.installed)));
      if (found.installed) {
        const disk = found.diskGiB !== undefined ? ` (${found.diskGiB} GB disk)` : '';
        notes.push(`Found ${versionName(draft.version ?? DEFAULT_VERSION)} installed in ${machine.storageDir}${disk}: “${machine.name}” starts straight into it.`);
      } else if (found.diskGiB !== undefined) {
        notes.push(`${machine.storageDir} holds a Windows disk whose installation has not finished: the first start of “${machine.name}” continues it.`);
      }
    }
    return { machines, warnings, notes, adoptable: [] };
  }

  async exportCompose(id: string): Promise<string> {
    const record = this.deps.store.require(id);
    // The user asked for a file that runs the machine on its own: it holds the password.
    return toCompose(await this.deps.secrets.reveal(record), { oemDir: this.oemPath(id), installed: record.installed, instance: this.instance });
  }

  async update(id: string, changes: MachineChanges): Promise<{ machine: MachineView; appliesAt: 'now' | 'next-start' | 'recreate' }> {
    return this.serial.run(id, async () => {
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
        for (const folder of after.sharedFolders) await assertSharedAllowed(folder.hostPath, after.storageDir, this.pathPolicy(id, others));
        // A new version or ISO means a new installation: the image moves the old disk to backups/.
        const reinstall = after.version !== before.version || after.customIso !== before.customIso;
        const sealed = await this.sealed({ ...current, settings: after }, current, after.password === before.password);
        records.set(id, { ...sealed, installed: reinstall ? false : current.installed });
        return { before, after };
      });
      this.emit(id);
      return { machine: this.get(id), appliesAt: changeEffect(before, after) };
    });
  }

  /** `freshPorts`: new free host ports for both (the "Pick other ports" fix), saved like any re-chosen port once the container runs. */
  start(id: string, opts: { freshPorts?: boolean } = {}): Promise<void> {
    return this.serial.run(id, () => this.startLocked(id, opts.freshPorts === true));
  }

  private startLocked(id: string, freshPorts = false): Promise<void> {
    return this.deps.diskLock ? this.deps.diskLock(id, () => this.startNow(id, freshPorts)) : this.startNow(id, freshPorts);
  }

  /** Runs `op` in this machine's queue: no start, stop, apply or delete of it runs meanwhile (snapshots). */
  exclusive<T>(id: string, op: () => Promise<T>): Promise<T> {
    return this.serial.run(id, op);
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
    const container = await this.findContainer(engine, id);
    if (container?.State.Running || container?.State.Restarting) {
      throw new PortholeError('CONFLICT', `“${name}” is running: ${doing} only while it is stopped.`, `Stop it (porthole stop ${id}), then try again.`);
    }
    const bound = (await this.containersOn(storageDir)) ?? [];
    const running = bound.find((b) => b.running);
    if (running) {
      throw new PortholeError('CONFLICT', `The container “${running.name}” is running on ${running.storageDir}, the disk of “${name}”: ${doing} only while nothing runs on it.`, `Stop it (docker stop ${running.name}), then try again.`);
    }
    return assertStorageAllowed(storageDir, this.pathPolicy(id));
  }

  /** Sets the record's installed flag (a restored snapshot brings back the state it was taken in). */
  async setInstalled(id: string, installed: boolean): Promise<void> {
    await this.deps.store.update(id, (r) => ({ ...r, installed }));
    this.emit(id);
  }

  private async startNow(id: string, freshPorts = false): Promise<void> {
    const engine = this.deps.engine();
    const session = this.session(id);
    if (session.status.running) return;
    // The checks before a start are independent reads (the engine, the keyring, the file system): they run
    // at once, and are awaited in the order a failure should be reported in. Start to first frame is what
    // a person waits for (bench/first-frame).
    const first = this.deps.store.require(id);
    const policy = this.pathPolicy(id);
    const outsideRun = quietly(this.runningOutside(engine, id));
    const containerFound = quietly(this.findContainer(engine, id));
    const imageReady = quietly(this.ensureImage(id, first.settings.image, engine));
    const isoUsable = quietly(first.settings.customIso ? assertIsoUsable(first.settings.customIso).then(() => undefined) : Promise.resolve());
    const revealed = quietly(this.deps.secrets.reveal(first));
    const oemFolder = quietly(this.oemDir(id));
    // Checked again at every start: a symlink may lead elsewhere since the machine was made.
    const storageAllowed = quietly(assertStorageAllowed(first.settings.storageDir, policy));
    // Already running from the exported compose file: a second container on the same disk would wreck it.
    const outside = await outsideRun;
    if (outside) {
      await session.attach(outside);
      return;
    }
    await imageReady;
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
    if (settings.storageDir === join(this.deps.dataDir, 'machines', id)) await makeStorageFolder(settings.storageDir, id);
    await assertMountsUsable(settings, { installed: record.installed, policy });
    const spec = buildContainerSpec(settings, {
      oemDir,
      installed: record.installed,
      tun: this.deps.host().tunAvailable !== false,
      usbBus: this.deps.host().usbBusAvailable !== false,
      instance: this.instance,
    });
    let container = await containerFound;
    // Any other container on this disk (say one docker compose made from a dockur file): never a second one on it.
    await this.assertStorageUnbound(settings.storageDir, container?.Id, (other) => `Stop and remove “${other}” (docker rm ${other}; its disk stays), then start “${settings.name}” again.`);
    if (container && container.Config.Labels?.[SPEC_LABEL] !== spec.Labels?.[SPEC_LABEL]) {
      // Settings changed since the container was made, or it is the hand-made container this machine
      // was adopted from: replace it with Porthole's own. /storage is a bind mount and stays.
      await engine.remove(container.Id);
      container = null;
    }
    const { ports } = record.settings;
    // A refusal Porthole can explain (no /dev/kvm, a port taken meanwhile, a full disk) is the machine's failure, with its fix.
    const refused = (r: StartRefusal): void => session.setFailed(r.cause, r.remedy, { logLine: r.logLine, ...(r.fix ? { fix: r.fix } : {}) });
    const containerId = container ? container.Id : await withStartRefusals(() => engine.create(spec), ports, id, refused);
    if (record.adoptedContainerId) {
      await this.deps.store.update(id, ({ adoptedContainerId: _replaced, ...rest }) => rest);
    }
    this.startingPorts.set(id, ports);
    try {
      await withStartRefusals(() => engine.start(containerId), ports, id, refused);
      if (ports.web !== saved.web || ports.rdp !== saved.rdp) {
        await this.deps.store.update(id, (r) => ({ ...r, settings: { ...r.settings, ports } }));
      }
    } finally {
      this.startingPorts.delete(id);
      this.emit(id);
    }
  }

  stop(id: string): Promise<void> {
    // A download under way belongs to the start queued before this stop: cancel it now, not after it.
    this.pulls.get(id)?.abort();
    return this.serial.run(id, async () => {
      const engine = this.deps.engine();
      const container = await this.findContainer(engine, id);
      if (!container?.State.Running) return;
      this.session(id).expectStop();
      await engine.stop(container.Id);
    });
  }

  forceStop(id: string): Promise<void> {
    return this.serial.run(id, async () => {
      const engine = this.deps.engine();
      const container = await this.findContainer(engine, id);
      if (!container?.State.Running) return;
      this.session(id).expectStop();
      await engine.kill(container.Id);
    });
  }

  async restart(id: string): Promise<void> {
    await this.stop(id);
    await this.start(id);
  }

  /** Recreate with the current settings, keeping /storage; start again if it was running. */
  apply(id: string): Promise<void> {
    return this.serial.run(id, async () => {
      const engine = this.deps.engine();
      const container = await this.findContainer(engine, id);
      const wasRunning = container?.State.Running ?? false;
      if (container) {
        if (wasRunning) {
          this.session(id).expectStop();
          await engine.stop(container.Id);
        }
        await engine.remove(container.Id);
      }
      if (wasRunning) await this.startLocked(id);
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
      real = await assertStorageAllowed(path, this.pathPolicy(id));
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
    return this.serial.run(id, async () => {
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
      const container = await this.findContainer(engine, id);
      if (container) {
        if (container.State.Running) {
          this.session(id).expectStop();
          await engine.stop(container.Id);
        }
        await engine.remove(container.Id);
      }
      // Before the record goes: a keyring that cannot remove the password keeps the machine, to retry.
      await this.deps.secrets.forget(record);
      this.sessions.get(id)?.detach();
      this.sessions.delete(id);
      await this.deps.store.remove(id);
      await rm(this.oemPath(id), { recursive: true, force: true });
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
    const container = await this.findContainer(engine, id);
    if (!container) return [];
    return engine.logs(container.Id, tail);
  }

  /** The id of the machine's container (its current one), or null when it has none: what a log follow reads. */
  async containerId(id: string): Promise<string | null> {
    this.deps.store.require(id);
    return (await this.findContainer(this.deps.engine(), id))?.Id ?? null;
  }

  async screenEndpoint(id: string): Promise<{ url: string; via?: MachineAddress['via']; note?: string }> {
    const record = this.deps.store.require(id);
    // The port the view shows: during a start, the one being started (saved only once it runs).
    const web = this.startingPorts.get(id)?.web ?? record.settings.ports.web;
    const at = this.deps.address ? await this.deps.address(web) : { host: '127.0.0.1', port: web };
    return { url: `ws://${at.host}:${at.port}/websockify`, ...('via' in at ? { via: at.via } : {}), ...('note' in at && at.note ? { note: at.note } : {}) };
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.detach();
    for (const pull of this.pulls.values()) pull.abort();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /**
   * The machine's container: the one this configuration made for it (by its labels, or by its /storage
   * for one made before instances existed), or the container it was adopted from. Never another
   * configuration's container of a machine with the same id.
   */
  private async findContainer(engine: EngineClient, id: string): Promise<Docker.ContainerInspectInfo | null> {
    const adopted = this.deps.store.get(id)?.adoptedContainerId;
    const owns = (info: Docker.ContainerInspectInfo): boolean => info.Id === adopted || this.owns(id, info.Config.Labels, info.Mounts, info.Id);
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

  private async ensureImage(id: string, image: string, engine: EngineClient): Promise<void> {
    if (await engine.imageExists(image)) return;
    const session = this.session(id);
    const controller = new AbortController();
    this.pulls.set(id, controller);
    const message = `Downloading ${image}…`;
    session.setPulling({}, message);
    try {
      await engine.pull(
        image,
        (p) =>
          session.setPulling(
            { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, ...(p.bytesTotal > 0 ? { fraction: Math.min(1, p.bytesDone / p.bytesTotal) } : {}) },
            message,
          ),
        controller.signal,
      );
    } catch (err) {
      if (err instanceof PortholeError && err.code === 'CANCELLED') await this.refresh(id, engine);
      else if (err instanceof PortholeError) session.setFailed(err.message, err.remedy ?? 'Start the machine again to retry.');
      throw err;
    } finally {
      this.pulls.delete(id);
    }
  }

  /** Takes the machine's state from its container again (after a cancelled download, say). */
  private async refresh(id: string, engine: EngineClient): Promise<void> {
    const info = await this.findContainer(engine, id).catch(() => null);
    if (info) await this.session(id).attach(info);
    else this.session(id).setAbsent();
  }

  /** Host ports are kept; one taken by something else meanwhile is re-chosen before start. */
  /** The record with free host ports in place of taken ones; not saved (the caller saves them once the start worked). */
  private async portsForStart(record: MachineRecord, fresh = false): Promise<MachineRecord> {
    const { web, rdp } = record.settings.ports;
    const [webFree, rdpFree] = fresh ? [false, false] : await Promise.all([portIsFree(web), portIsFree(rdp)]);
    if (webFree && rdpFree) return record;
    const avoid = this.portsInUse();
    const [a, b] = await freePorts(2, avoid);
    const ports = { web: webFree ? web : a!, rdp: rdpFree ? rdp : b! };
    return { ...record, settings: { ...record.settings, ports } };
  }

  private portsInUse(): Set<number> {
    return portsOf(this.deps.store.list());
  }

  /**
   * The path policy for one machine: the other machines' storage folders are off limits. `records`
   * are the records to check against (inside a store transaction, those on disk now).
   */
  private pathPolicy(id: string, records: readonly MachineRecord[] = this.deps.store.list()): PathPolicy {
    return {
      home: homeOf(this.deps.env),
      configDir: this.deps.configDir,
      dataDir: this.deps.dataDir,
      machineId: id,
      ...(this.deps.engineHost !== undefined ? { engineHost: this.deps.engineHost } : {}),
      others: records
        .filter((r) => r.settings.id !== id)
        .map((r) => ({ id: r.settings.id, name: r.settings.name, storageDir: r.settings.storageDir })),
    };
  }

  /** A compose file's own /oem folder: merged into this machine's (see user-oem.ts); what happened, said. */
  private async importUserOem(machine: MachineView, source: string, installed: boolean): Promise<string[]> {
    const outcome = await mergeUserOem(source, this.oemPath(machine.id));
    if (outcome.kind === 'porthole') return [`“${machine.name}”: Porthole supplies its own /oem folder; the one at ${source} (Porthole's) is not used.`];
    if (outcome.kind === 'refused') return [`“${machine.name}”: the /oem folder ${source} was not used: ${outcome.reason}.`];
    const late = installed ? ' Windows is already installed there, so its install.bat will not run again.' : '';
    return [`“${machine.name}”: the files of ${source} (${outcome.files.join(', ')}) were copied into Porthole's /oem folder; its install.bat runs first at the end of Setup.${late}`];
  }

  private oemPath(id: string): string {
    return join(this.deps.dataDir, 'oem', id);
  }

  private async oemDir(id: string): Promise<string> {
    const dir = this.oemPath(id);
    await writeOemFiles(dir, id);
    return dir;
  }
}

function portsOf(records: readonly MachineRecord[]): Set<number> {
  const used = new Set<number>();
  for (const r of records) {
    used.add(r.settings.ports.web);
    used.add(r.settings.ports.rdp);
  }
  return used;
}

async function keepIfFree(wanted: number | undefined, fallback: number, taken: Set<number>): Promise<number> {
  if (wanted === undefined || taken.has(wanted)) return fallback;
  return (await portIsFree(wanted)) ? wanted : fallback;
}

export type { MachineSettings };

/** A promise awaited later: its rejection is handled where it is awaited, never reported as unhandled meanwhile. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
