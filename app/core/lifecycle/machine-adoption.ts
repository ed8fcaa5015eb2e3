import { randomBytes } from 'node:crypto';
import { PortholeError, type MachineView } from '../../api';
import { newMachineId, settingsFromDraft } from '../machine/defaults';
import { MACHINE_LABEL, ownsContainer, RECORD_LABEL, storageSourceOf } from '../machine/spec';
import { windowsInstalledIn } from '../storage/existing-install';
import { assertMachinePaths } from '../storage/paths';
import { adoptableFrom, keptPorts, planAdoption, uniqueMachineName, type AdoptableContainer } from './adoption';
import type { MachineState } from './machine-state';
import type { MachinesDeps } from './machines-deps';
import { freePorts } from './ports';
import { assertStorageUnbound, pathPolicy, portsOf, sealed } from './record-rules';

/** The serial key of adoptions (machine ids never start with #): two adoptions never race for a name or an id. */
const ADOPTION_KEY = '#adopt';

/**
 * Containers becoming machines: which ones can (Porthole's own that no record knows, hand-made
 * dockur ones), and the adoption itself, planned by adoption.ts and saved here.
 */
export class MachineAdoption {
  constructor(
    private readonly deps: MachinesDeps,
    private readonly state: MachineState,
  ) {}

  /** Porthole's own containers that no record knows, and hand-made dockur containers: one list call. */
  async adoptableContainers(): Promise<AdoptableContainer[]> {
    const records = this.deps.store.list();
    return adoptableFrom(await this.deps.engine().listAll(), {
      instance: this.state.instance,
      storageDirs: new Map(records.map((r) => [r.settings.id, r.settings.storageDir])),
      adoptedContainerIds: new Set(records.flatMap((r) => (r.adoptedContainerId ? [r.adoptedContainerId] : []))),
      nonces: new Map(records.flatMap((r) => (r.nonce ? [[r.settings.id, r.nonce] as const] : []))),
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
    return this.state.serial.run(ADOPTION_KEY, async () => {
      const engine = this.deps.engine();
      const info = await engine.inspect(containerId);
      if (!info) {
        throw new PortholeError(
          'NOT_FOUND',
          `There is no container “${containerId}”.`,
          'List the containers Porthole can adopt with "porthole adoptable".',
        );
      }
      const instance = this.state.instance;
      const plan = planAdoption(info, this.deps.host(), instance);
      const name = info.Name.replace(/^\//, '');
      await assertStorageUnbound(
        this.deps,
        plan.draft.storageDir,
        info.Id,
        (other) =>
          `Keep one container on that disk: remove “${other}” (docker rm ${other}) or “${name}”, then adopt the one you keep.`,
      );
      const labelId = info.Config.Labels?.[MACHINE_LABEL];
      const facts = { labels: info.Config.Labels, storageSource: storageSourceOf(info.Mounts) };
      // Conflicts, name, id and ports are decided on the records on disk, under the store's lock.
      const { id, warnings } = await this.deps.store.transact(async (current) => {
        const records = [...current.values()];
        // This configuration's own container of a machine it has (for one made before instances: by its /storage).
        const labelled = labelId ? current.get(labelId) : undefined;
        if (
          labelled &&
          ownsContainer(facts, instance, labelled.settings.id, labelled.settings.storageDir, labelled.nonce)
        ) {
          throw new PortholeError(
            'CONFLICT',
            `The container “${name}” already belongs to the machine “${labelled.settings.name}”.`,
          );
        }
        const owner = records.find((r) => r.adoptedContainerId === info.Id);
        if (owner)
          throw new PortholeError(
            'CONFLICT',
            `The container “${name}” was already adopted as the machine “${owner.settings.name}”.`,
          );

        const label = `container "${name}"`;
        const warnings = [...plan.warnings];
        const taken = portsOf(records);
        const fresh = await freePorts(2, new Set([...taken, ...Object.values(plan.ports)]));
        const ports = keptPorts(plan.ports, taken, [fresh[0]!, fresh[1]!], warnings, label);
        const draftName = uniqueMachineName(
          plan.draft.name,
          records.map((r) => r.settings.name),
        );
        if (draftName !== plan.draft.name.trim())
          warnings.push(`${label}: another machine is called “${plan.draft.name}”, so this one is “${draftName}”.`);
        // Porthole's own container keeps its machine id, unless a machine made since holds that id: then it
        // becomes a new machine that stands for the container until its next start, like a hand-made one.
        const ownId = plan.labelId !== undefined && !current.has(plan.labelId) ? plan.labelId : undefined;
        const id =
          ownId ??
          newMachineId(
            draftName,
            records.map((r) => r.settings.id),
          );
        const settings = settingsFromDraft(
          { ...plan.draft, name: draftName },
          { id, host: this.deps.host(), dataDir: this.deps.dataDir, ports, env: {} },
        );
        // The container's folders become the machine's: the same path policy as for any other machine.
        await assertMachinePaths(settings, pathPolicy(this.deps, id, records));
        // The image leaves windows.boot once Windows is installed: later starts go straight to "ready".
        const installed = await windowsInstalledIn(settings.storageDir, this.deps.engineHostFs);
        // Kept as its own, the container's record nonce (if it has one) becomes the machine's.
        const nonce = info.Config.Labels?.[RECORD_LABEL];
        const link =
          ownId !== undefined
            ? nonce
              ? { nonce }
              : {}
            : { adoptedContainerId: info.Id, nonce: randomBytes(8).toString('hex') };
        current.set(id, await sealed(this.deps.secrets, { settings, installed, ...link }));
        return { id, warnings };
      });
      await this.state.session(id).attach(info);
      return { machine: this.state.get(id), warnings };
    });
  }
}
