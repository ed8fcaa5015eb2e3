import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { describeZodError, machineSettingsSchema, PortholeError, type MachineSettings } from '../../api';
import { writeFileAtomic } from './atomic';

export const STORE_VERSION = 1;

const recordSchema = z.object({
  settings: machineSettingsSchema,
  /** Set when the COM1 install marker was seen: later boots go straight to "ready". */
  installed: z.boolean(),
  /**
   * A hand-made dockur container this machine was adopted from (no Porthole label, so the engine
   * cannot find it by label). It stands for the machine until the next start replaces it with
   * Porthole's own container; then this is cleared. Optional: older files have no such field.
   */
  adoptedContainerId: z.string().min(1).optional(),
  /**
   * The Windows password is in the desktop keyring (app/core/secrets), and `settings.password` is
   * empty. Absent: the password is in `settings.password`, in this 0600 file. Optional: older files have none.
   */
  passwordIn: z.literal('keyring').optional(),
});
export type MachineRecord = z.infer<typeof recordSchema>;

const fileSchema = z.object({
  version: z.literal(STORE_VERSION),
  machines: z.array(recordSchema),
});

/** Older layouts, upgraded on load. Each step takes the previous version's JSON. */
const migrations: Record<number, (data: Record<string, unknown>) => Record<string, unknown>> = {
  0: (data) => ({ version: 1, machines: Array.isArray(data.machines) ? data.machines : [] }),
};

/**
 * Machine records in `$XDG_CONFIG_HOME/porthole/machines.json`: atomic writes, validated reads,
 * versioned with migrations. The file holds passwords, so it is private to the user (0600).
 */
export class MachineStore {
  private records = new Map<string, MachineRecord>();
  private writing: Promise<void> = Promise.resolve();
  readonly path: string;

  constructor(configDir: string) {
    this.path = join(configDir, 'machines.json');
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      await this.quarantine('it is not valid JSON');
      return;
    }
    let version = typeof data.version === 'number' ? data.version : 0;
    while (version < STORE_VERSION) {
      const step = migrations[version];
      if (!step) break;
      data = step(data);
      version = typeof data.version === 'number' ? data.version : version + 1;
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) {
      await this.quarantine(describeZodError(parsed.error));
      return;
    }
    this.records = new Map(parsed.data.machines.map((r) => [r.settings.id, r]));
  }

  /** A file we cannot read is kept aside, never overwritten: the user's records are not ours to lose. */
  private async quarantine(reason: string): Promise<void> {
    const aside = `${this.path}.unreadable-${Date.now()}`;
    await rename(this.path, aside);
    process.emitWarning(`Porthole: ${this.path} could not be read (${reason}); kept as ${aside}.`);
  }

  list(): MachineRecord[] {
    return [...this.records.values()];
  }

  get(id: string): MachineRecord | undefined {
    return this.records.get(id);
  }

  require(id: string): MachineRecord {
    const record = this.records.get(id);
    if (!record) throw new PortholeError('NOT_FOUND', `There is no machine "${id}".`);
    return record;
  }

  async put(record: MachineRecord): Promise<void> {
    const checked = recordSchema.parse(record);
    this.records.set(checked.settings.id, checked);
    await this.save();
  }

  async update(id: string, change: (r: MachineRecord) => MachineRecord): Promise<MachineRecord> {
    const next = recordSchema.parse(change(this.require(id)));
    this.records.set(id, next);
    await this.save();
    return next;
  }

  async remove(id: string): Promise<void> {
    this.records.delete(id);
    await this.save();
  }

  private save(): Promise<void> {
    const body = JSON.stringify({ version: STORE_VERSION, machines: this.list() } satisfies z.input<typeof fileSchema>, null, 2);
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.path, body + '\n'));
    return this.writing;
  }
}

export type { MachineSettings };
