import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromEnvelope, type ActionName, type ActionRequest, type ActionResponse, type MachineView } from '../../api';
import { createBackend, type Backend } from '../backend';

const run = promisify(execFile);

/** A real backend on temp dirs against the real engine, for integration tests. */
export class Harness {
  readonly views = new Map<string, MachineView>();
  private waiters: Array<() => void> = [];
  private unsubscribe: () => void = () => undefined;
  backend!: Backend;

  private constructor(
    readonly configDir: string,
    readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(env: NodeJS.ProcessEnv = process.env): Promise<Harness> {
    const root = await mkdtemp(join(tmpdir(), 'porthole-it-'));
    const h = new Harness(join(root, 'config'), join(root, 'data'), env);
    await h.boot();
    return h;
  }

  /** (Re)starts the backend on the same dirs: what a restart of the app does. */
  async boot(): Promise<void> {
    this.backend = await createBackend({ configDir: this.configDir, dataDir: this.dataDir, env: this.env, watch: false });
    this.unsubscribe = this.backend.subscribe((e) => {
      if (e.event === 'machineChanged') this.views.set(e.payload.id, e.payload);
      if (e.event === 'machineRemoved') this.views.delete(e.payload.id);
      for (const w of this.waiters) w();
    });
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

  /** Waits for a machine state that satisfies `predicate`, from the event stream (no polling). */
  async waitFor(id: string, predicate: (v: MachineView) => boolean, timeoutMs = 120_000, what = 'the expected state'): Promise<MachineView> {
    const current = this.views.get(id) ?? (await this.call('getMachine', { id }));
    if (predicate(current)) return current;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        const last = this.views.get(id);
        reject(new Error(`Timed out waiting for ${what} of ${id}; last status: ${JSON.stringify(last?.status)}`));
      }, timeoutMs);
      const check = (): void => {
        const view = this.views.get(id);
        if (view && predicate(view)) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== check);
          resolve(view);
        }
      };
      this.waiters.push(check);
    });
  }

  /** Removes every container of these machines (test cleanup; the dirs go too). */
  async cleanup(ids: string[]): Promise<void> {
    await this.shutdown().catch(() => undefined);
    for (const id of ids) await removeMachineContainers(id);
    await rm(join(this.configDir, '..'), { recursive: true, force: true });
  }
}

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export async function removeMachineContainers(id: string): Promise<void> {
  const ids = await docker('ps', '-aq', '--filter', `label=io.porthole.machine=${id}`);
  if (ids) await docker('rm', '-f', ...ids.split('\n'));
}

export function uniqueName(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}
