import type {
  ActionResponse,
  DeletePlan,
  HostPorts,
  MachineChanges,
  MachineDraft,
  MachineSettings,
  MachineView,
} from '../../api';
import type { EngineClient } from '../engine/client';
import type { EngineEvent } from '../engine/events';
import type { ExternalChange } from '../store/machine-store';
import type { AdoptableContainer } from './adoption';
import { MachineActions } from './machine-actions';
import { MachineAdoption } from './machine-adoption';
import { MachineCompose } from './machine-compose';
import { MachineStarter } from './machine-start';
import { MachineState } from './machine-state';
import type { MachinesDeps } from './machines-deps';

/**
 * The lifecycle of every machine, as the backend uses it: settings -> container, start/stop/apply/delete,
 * and the live state from the engine. Only wiring: the live state and the record <-> container truth
 * are machine-state.ts, starting machine-start.ts, the other actions machine-actions.ts, adoption
 * machine-adoption.ts, compose files machine-compose.ts; the rules every record keeps record-rules.ts.
 * All share one queue per machine (MachineState.serial).
 */
export class Machines {
  private readonly state: MachineState;
  private readonly starter: MachineStarter;
  private readonly actions: MachineActions;
  private readonly adoption: MachineAdoption;
  private readonly compose: MachineCompose;

  constructor(deps: MachinesDeps) {
    this.state = new MachineState(deps);
    this.starter = new MachineStarter(deps, this.state);
    this.actions = new MachineActions(deps, this.state, this.starter);
    this.adoption = new MachineAdoption(deps, this.state);
    this.compose = new MachineCompose(deps, this.state, this.actions, this.adoption);
  }

  // ---- state (machine-state.ts) ----
  list(): MachineView[] {
    return this.state.list();
  }
  get(id: string): MachineView {
    return this.state.get(id);
  }
  reconcile(engine: EngineClient): Promise<void> {
    return this.state.reconcile(engine);
  }
  onEngineEvent(event: EngineEvent): void {
    this.state.onEngineEvent(event);
  }
  onExternalChange(change: ExternalChange): Promise<void> {
    return this.state.onExternalChange(change);
  }

  // ---- actions (machine-start.ts, machine-actions.ts) ----
  start(id: string, opts: { freshPorts?: boolean } = {}): Promise<void> {
    return this.starter.start(id, opts);
  }
  settings(id: string): Promise<MachineSettings> {
    return this.actions.settings(id);
  }
  create(
    draft: MachineDraft,
    wanted: Partial<HostPorts> = {},
    opts: { installed?: boolean } = {},
  ): Promise<MachineView> {
    return this.actions.create(draft, wanted, opts);
  }
  update(
    id: string,
    changes: MachineChanges,
    opts: { confirmed?: boolean } = {},
  ): Promise<{ machine: MachineView; appliesAt: 'now' | 'next-start' | 'recreate' }> {
    return this.actions.update(id, changes, opts);
  }
  exclusive<T>(id: string, op: () => Promise<T>): Promise<T> {
    return this.actions.exclusive(id, op);
  }
  assertDiskIdle(id: string, doing: string): Promise<string> {
    return this.actions.assertDiskIdle(id, doing);
  }
  setInstalled(id: string, installed: boolean): Promise<void> {
    return this.actions.setInstalled(id, installed);
  }
  stop(id: string): Promise<void> {
    return this.actions.stop(id);
  }
  forceStop(id: string): Promise<void> {
    return this.actions.forceStop(id);
  }
  restart(id: string): Promise<void> {
    return this.actions.restart(id);
  }
  apply(id: string): Promise<void> {
    return this.actions.apply(id);
  }
  deletePlan(id: string): Promise<DeletePlan> {
    return this.actions.deletePlan(id);
  }
  delete(id: string, deleteDisk: boolean): Promise<DeletePlan | undefined> {
    return this.actions.delete(id, deleteDisk);
  }
  logs(id: string, tail: number): Promise<string[]> {
    return this.actions.logs(id, tail);
  }
  containerId(id: string): Promise<string | null> {
    return this.actions.containerId(id);
  }
  screenEndpoint(id: string): Promise<ActionResponse<'screenEndpoint'>> {
    return this.actions.screenEndpoint(id);
  }

  // ---- adoption and compose files (machine-adoption.ts, machine-compose.ts) ----
  adoptableContainers(): Promise<AdoptableContainer[]> {
    return this.adoption.adoptableContainers();
  }
  adoptContainer(containerId: string): Promise<{ machine: MachineView; warnings: string[] }> {
    return this.adoption.adoptContainer(containerId);
  }
  importCompose(
    yaml: string,
    opts: { baseDir?: string; adopt?: boolean } = {},
  ): Promise<ActionResponse<'importCompose'>> {
    return this.compose.importCompose(yaml, opts);
  }
  exportCompose(id: string): Promise<string> {
    return this.compose.exportCompose(id);
  }

  dispose(): void {
    this.state.dispose();
    this.starter.dispose();
  }
}
