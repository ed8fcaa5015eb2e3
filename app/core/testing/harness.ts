import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fromEnvelope,
  type ActionName,
  type ActionRequest,
  type ActionResponse,
  type EngineStatus,
  type MachineStatus,
  type MachineView,
} from '../../api';
import { createBackend, type Backend, type BackendOptions } from '../backend';
import { instanceId } from '../lifecycle/config-instance-id';
import { containerName } from '../machine/spec';
import { dockerAt } from './processes';

/** A real backend on temp dirs against the real engine, for integration tests. */
export class Harness {
  readonly views = new Map<string, MachineView>();
  /** Every status each machine went through, in order (for asserting transitions and progress). */
  readonly history = new Map<string, MachineStatus[]>();
  /** Every engine status the backend announced, in order. */
  readonly engineHistory: EngineStatus[] = [];
  private waiters: Array<() => void> = [];
  private unsubscribe: () => void = () => undefined;
  /** `docker` against the engine this backend uses. */
  readonly docker: (...args: string[]) => Promise<string>;
  backend!: Backend;

  private constructor(
    readonly configDir: string,
    readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly hostCheck?: BackendOptions['hostCheck'],
  ) {
    this.docker = dockerAt(env.DOCKER_HOST, env);
  }

  /** `hostCheck`: what the host checks read instead of this computer (a test host root). */
  static async create(env: NodeJS.ProcessEnv = process.env, hostCheck?: BackendOptions['hostCheck']): Promise<Harness> {
    const root = await mkdtemp(join(tmpdir(), 'porthole-it-'));
    const h = new Harness(join(root, 'config'), join(root, 'data'), env, hostCheck);
    await h.boot();
    return h;
  }

  /** (Re)starts the backend on the same dirs: what a restart of the app does. */
  async boot(): Promise<void> {
    this.views.clear();
    this.backend = await createBackend({
      configDir: this.configDir,
      dataDir: this.dataDir,
      env: this.env,
      watch: false,
      ...(this.hostCheck ? { hostCheck: this.hostCheck } : {}),
    });
    this.unsubscribe = this.backend.subscribe((e) => {
      if (e.event === 'machineChanged') {
        this.views.set(e.payload.id, e.payload);
        const list = this.history.get(e.payload.id) ?? [];
        list.push(e.payload.status);
        this.history.set(e.payload.id, list);
      }
      if (e.event === 'machineRemoved') this.views.delete(e.payload.id);
      if (e.event === 'engineChanged') this.engineHistory.push(e.payload);
      for (const w of this.waiters) w();
    });
    // The first engine status was announced while the backend was being built, before this subscription.
    this.engineHistory.push(await this.call('engineStatus', {}));
  }

  async shutdown(): Promise<void> {
    this.unsubscribe();
    await this.backend.dispose();
  }

  async call<K extends ActionName>(action: K, request: ActionRequest<K>): Promise<ActionResponse<K>> {
    const result = await this.backend.invoke(action, request);
    if (!result.ok) throw fromEnvelope(result.error);
    return result.value as ActionResponse<K>;
  }

  /** Waits until `check` returns true, re-checked on every backend event (no polling). */
  private until(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(describe()));
      }, timeoutMs);
      const waiter = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for a machine state that satisfies `predicate`, from the event stream (no polling). */
  async waitFor(
    id: string,
    predicate: (v: MachineView) => boolean,
    timeoutMs = 120_000,
    what = 'the expected state',
  ): Promise<MachineView> {
    if (!this.views.has(id)) this.views.set(id, await this.call('getMachine', { id }));
    await this.until(
      () => predicate(this.views.get(id)!),
      timeoutMs,
      () => `Timed out waiting for ${what} of ${id}; last status: ${JSON.stringify(this.views.get(id)?.status)}`,
    );
    return this.views.get(id)!;
  }

  /** Waits for the engine to be announced connected (or not). */
  async waitForEngine(connected: boolean, timeoutMs = 120_000): Promise<EngineStatus> {
    await this.until(
      () => this.engineHistory.at(-1)?.connected === connected,
      timeoutMs,
      () =>
        `Timed out waiting for the engine to be ${connected ? 'connected' : 'disconnected'}; last: ${JSON.stringify(this.engineHistory.at(-1))}`,
    );
    return this.engineHistory.at(-1)!;
  }

  /** The statuses a machine went through since `from` (an index into its history). */
  statusesSince(id: string, from: number): MachineStatus[] {
    return (this.history.get(id) ?? []).slice(from);
  }

  mark(id: string): number {
    return this.history.get(id)?.length ?? 0;
  }

  /** This configuration's instance id (the one its backend labels its containers with). */
  get instance(): string {
    return instanceId(this.configDir);
  }

  /** The name of the container this configuration makes for a machine. */
  containerName(id: string): string {
    return containerName(id, this.instance);
  }

  /** The containers of this machine made by this configuration, on this backend's engine. */
  async containersOf(id: string): Promise<string[]> {
    const out = await this.docker(
      'ps',
      '-aq',
      '--no-trunc',
      '--filter',
      `label=io.porthole.machine=${id}`,
      '--filter',
      `label=io.porthole.instance=${this.instance}`,
    );
    return out ? out.split('\n') : [];
  }

  /**
   * Removes every container of these machines, and any other this configuration made (a test that failed before
   * it could name its machine leaves none behind); the dirs go too.
   */
  async cleanup(ids: string[]): Promise<void> {
    await this.shutdown().catch(() => undefined);
    for (const id of ids) {
      const containers = await this.containersOf(id).catch(() => []);
      if (containers.length > 0) await this.docker('rm', '-f', ...containers).catch(() => undefined);
    }
    const mine = await this.docker(
      'ps',
      '-aq',
      '--no-trunc',
      '--filter',
      `label=io.porthole.instance=${this.instance}`,
    ).catch(() => '');
    if (mine) await this.docker('rm', '-f', ...mine.split('\n')).catch(() => undefined);
    await rm(join(this.configDir, '..'), { recursive: true, force: true });
  }
}

/** `docker` against the default engine. */
export const docker = dockerAt(undefined);

export async function removeMachineContainers(id: string): Promise<void> {
  const ids = await docker('ps', '-aq', '--filter', `label=io.porthole.machine=${id}`);
  if (ids) await docker('rm', '-f', ...ids.split('\n'));
}

export function uniqueName(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}
