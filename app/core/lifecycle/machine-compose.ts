import { join } from 'node:path';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_VERSION,
  PortholeError,
  validateMachineName,
  versionName,
  type ActionResponse,
  type MachineView,
} from '../../api';
import { toCompose } from '../machine/compose-export';
import { fromCompose } from '../machine/compose-import';
import { DEFAULT_PASSWORD, DEFAULT_SCREEN, FALLBACK_USERNAME, newMachineId } from '../machine/defaults';
import { writeOemFiles } from '../machine/oem';
import { mergeUserOem } from '../machine/user-oem';
import type { BoundContainer } from '../storage/bound-containers';
import { readExistingInstall } from '../storage/existing-install';
import { assertMachinePaths, homeOf, type PathPolicy } from '../storage/paths';
import { uniqueMachineName } from './adoption';
import type { MachineActions } from './machine-actions';
import type { MachineAdoption } from './machine-adoption';
import type { MachineState } from './machine-state';
import type { MachinesDeps } from './machines-deps';
import { containersOn, oemPath, pathPolicy } from './record-rules';

/** One service of an imported file, as a draft with its machine's name. */
type ImportDraft = ReturnType<typeof fromCompose>['drafts'][number];
/** What an import made so far, and what it says of it. */
interface ImportDone {
  machines: MachineView[];
  warnings: string[];
  notes: string[];
}

/** Machines to and from compose files: the export that runs one on its own, the import (which may adopt). */
export class MachineCompose {
  constructor(
    private readonly deps: MachinesDeps,
    private readonly state: MachineState,
    private readonly actions: MachineActions,
    private readonly adoption: MachineAdoption,
  ) {}

  /**
   * Machines from a compose.yml; every draft is validated before any is created. Relative paths are
   * placed in `baseDir`. A storage folder where the image already installed Windows makes a machine
   * marked installed (it starts straight into that Windows). A container already on a service's
   * storage folder (the one `docker compose up` made from this file) is adopted when `adopt` is set;
   * otherwise nothing is imported and it is listed in `adoptable`.
   */
  async importCompose(
    yaml: string,
    opts: { baseDir?: string; adopt?: boolean } = {},
  ): Promise<ActionResponse<'importCompose'>> {
    const { named, services, warnings } = this.readImport(yaml, opts.baseDir);
    const { adoptable, adopt } = await this.planImport(named, services);
    if (adoptable.length > 0 && !opts.adopt) return { machines: [], warnings, notes: [], adoptable };

    const done: ImportDone = { machines: [], warnings, notes: [] };
    for (const [index, draft] of named.entries()) {
      const container = adopt.get(index);
      // The container is what ran this service: adopting it keeps one container on the disk.
      if (container) await this.adoptImported(container, services[index]!, done);
      else await this.createImported(draft, done);
    }
    return { ...done, adoptable: [] };
  }

  /** The file's Windows services as drafts, each with a name no other machine has (a renaming is said). */
  private readImport(
    yaml: string,
    baseDir: string | undefined,
  ): { named: ImportDraft[]; services: string[]; warnings: string[] } {
    const { drafts, services, warnings } = fromCompose(yaml, {
      ...(baseDir ? { baseDir } : {}),
      homeDir: homeOf(this.deps.env),
    });
    if (drafts.length === 0) {
      // Why each service was skipped: otherwise a file of another image's machine looks merely empty.
      throw new PortholeError(
        'INVALID_ARGUMENT',
        ['The file has no Windows machine in it.', ...warnings].join(' '),
        'Export one with "porthole export <id>".',
      );
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
    return { named, services, warnings };
  }

  /**
   * The path policy for every service first (each against the others too): a bad folder in the
   * last service leaves nothing half-imported. Also the containers already on a service's storage folder.
   */
  private async planImport(
    named: ImportDraft[],
    services: string[],
  ): Promise<{ adoptable: ActionResponse<'importCompose'>['adoptable']; adopt: Map<number, BoundContainer> }> {
    const ids = this.deps.store.list().map((r) => r.settings.id);
    const planned: PathPolicy['others'][number][] = [];
    const adoptable: ActionResponse<'importCompose'>['adoptable'] = [];
    const adopt = new Map<number, BoundContainer>();
    for (const [index, draft] of named.entries()) {
      const id = newMachineId(draft.name, ids);
      ids.push(id);
      const policy = pathPolicy(this.deps, id);
      const storageDir = draft.storageDir ?? join(this.deps.dataDir, 'machines', id);
      await assertMachinePaths(
        { storageDir, sharedFolders: draft.sharedFolders ?? [] },
        { ...policy, others: [...policy.others, ...planned] },
      );
      planned.push({ id, name: draft.name, storageDir });
      if (!draft.storageDir) continue;
      const bound = (await containersOn(this.deps, draft.storageDir)) ?? [];
      if (bound.length > 1) {
        throw new PortholeError(
          'CONFLICT',
          `${bound.length} containers already use ${draft.storageDir} as their Windows disk (${bound.map((b) => `“${b.name}”`).join(', ')}). Nothing was imported.`,
          'Keep one of them (docker rm the others), then adopt it: porthole adopt <name>.',
        );
      }
      const [container] = bound;
      if (!container) continue;
      adoptable.push({
        containerId: container.containerId,
        name: container.name,
        running: container.running,
        storageDir: container.storageDir,
        service: services[index]!,
      });
      adopt.set(index, container);
    }
    return { adoptable, adopt };
  }

  /** The service's container adopted as a machine, with what its disk holds said. */
  private async adoptImported(container: BoundContainer, service: string, done: ImportDone): Promise<void> {
    const adopted = await this.adoption.adoptContainer(container.containerId);
    done.machines.push(adopted.machine);
    done.warnings.push(...adopted.warnings);
    const found = await readExistingInstall(container.storageDir, this.deps.engineHostFs);
    const state = found.installed
      ? `, with ${versionName(adopted.machine.version)} installed in ${adopted.machine.storageDir}${found.diskGiB !== undefined ? ` (${found.diskGiB} GB disk)` : ''}`
      : '';
    done.notes.push(
      `Adopted the container “${container.name}” (service “${service}”) as “${adopted.machine.name}”${state}.`,
    );
  }

  /** A new machine from the service's draft, starting into a Windows already installed in its folder. */
  private async createImported({ ports, oemDir: userOem, ...draft }: ImportDraft, done: ImportDone): Promise<void> {
    const { warnings } = done;
    const found = draft.storageDir
      ? await readExistingInstall(draft.storageDir, this.deps.engineHostFs)
      : { installed: false };
    // A kept disk larger than the file's DISK_SIZE sets the machine's size: create says so (existing-install-rule.ts).
    if (found.diskGiB !== undefined || found.installed) {
      // Windows Setup already ran with the image's own defaults where the file set none: those are
      // its account and language (Porthole's defaults would give a Remote Desktop login that fails).
      draft.username ??= FALLBACK_USERNAME;
      draft.password ??= DEFAULT_PASSWORD;
      draft.language ??= DEFAULT_LANGUAGE;
      draft.screen ??= { ...DEFAULT_SCREEN };
    }
    const { warnings: said, ...machine } = await this.actions.create(draft, ports ?? {}, {
      installed: found.installed,
    });
    done.machines.push(machine);
    // What create warns of (a storage folder that already held files, a read-only sensitive share) goes with the import's warnings.
    warnings.push(...(said ?? []).map((w) => `“${machine.name}”: ${w}`));
    if (userOem) warnings.push(...(await this.importUserOem(machine, userOem, found.installed)));
    if (found.installed) {
      const disk = found.diskGiB !== undefined ? ` (${found.diskGiB} GB disk)` : '';
      done.notes.push(
        `Found ${versionName(draft.version ?? DEFAULT_VERSION)} installed in ${machine.storageDir}${disk}: “${machine.name}” starts straight into it.`,
      );
    } else if (found.diskGiB !== undefined) {
      done.notes.push(
        `${machine.storageDir} holds a Windows disk whose installation has not finished: the first start of “${machine.name}” continues it.`,
      );
    }
  }

  async exportCompose(id: string): Promise<string> {
    const record = this.deps.store.require(id);
    const oemDir = oemPath(this.deps.dataDir, id);
    // The file binds Porthole's OEM folder: written now, as a start writes it. Missing, the engine would make it
    // empty (Windows set up without Porthole's install.bat), as root, or not at all as a rootless engine's user.
    await writeOemFiles(oemDir, id);
    // The user asked for a file that runs the machine on its own: it holds the password.
    return toCompose(await this.deps.secrets.reveal(record), {
      oemDir,
      installed: record.installed,
      instance: this.state.instance,
    });
  }

  /** A compose file's own /oem folder: merged into this machine's (see user-oem.ts); what happened, said. */
  private async importUserOem(machine: MachineView, source: string, installed: boolean): Promise<string[]> {
    const outcome = await mergeUserOem(source, oemPath(this.deps.dataDir, machine.id));
    if (outcome.kind === 'porthole')
      return [
        `“${machine.name}”: Porthole supplies its own /oem folder; the one at ${source} (Porthole's) is not used.`,
      ];
    if (outcome.kind === 'refused')
      return [`“${machine.name}”: the /oem folder ${source} was not used: ${outcome.reason}.`];
    const late = installed ? ' Windows is already installed there, so its install.bat will not run again.' : '';
    return [
      `“${machine.name}”: the files of ${source} (${outcome.files.join(', ')}) were copied into Porthole's /oem folder; its install.bat runs first at the end of Setup.${late}`,
    ];
  }
}
