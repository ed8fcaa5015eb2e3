import { watch } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  describeZodError,
  machineSettingsSchema,
  nameKey,
  PortholeError,
  storedNameSchema,
  type MachineSettings,
} from '../../api';
import { writeFileAtomic } from './atomic';
import { withFileLock, type LockOptions } from './file-lock';

export const STORE_VERSION = 1;

/** One machine. Extend with optional fields: files written before a field existed must still read. */
export const recordSchema = z.object({
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
  /**
   * What the storage folder held when the machine was given it (a folder chosen by hand, not empty):
   * a person's files, which "delete the disk" never removes (storage/ownership.ts). Optional: older files have none.
   */
  storageKept: z.array(z.string()).max(10_000).optional(),
  /**
   * Random, given when the record is made; its containers carry it (spec.ts RECORD_LABEL). A machine made
   * later under the same id (same name) has another one, so it never takes a container it did not make.
   * Optional: records made before it own containers without it, as they did.
   */
  nonce: z.string().min(1).optional(),
});
export type MachineRecord = z.infer<typeof recordSchema>;

/**
 * A record as read from the file: a name an older Porthole accepted (a control or invisible character,
 * NFD) is made to follow today's names rule instead of making the whole file unreadable.
 */
const storedRecordSchema = recordSchema.extend({
  settings: machineSettingsSchema.extend({ name: storedNameSchema('machine', 'Windows') }),
});

const fileSchema = z.object({
  version: z.literal(STORE_VERSION),
  machines: z.array(storedRecordSchema),
});

type Json = Record<string, unknown>;

/** Older layouts, upgraded on load. Each step takes the previous version's JSON; null: not that layout. */
const migrations: Record<number, (data: Json) => Json | null> = {
  // Version 0 had no version field; its `machines` list must be there, or it is not a machine file at all.
  0: (data) => (Array.isArray(data.machines) ? { version: 1, machines: data.machines } : null),
};

/** Records by id: what a transaction reads, changes and hands back to be written. */
export type Records = Map<string, MachineRecord>;

/** What changed on disk that this process did not write: another Porthole process's work. */
export interface ExternalChange {
  changed: MachineRecord[];
  removed: string[];
}

type FileState =
  | { kind: 'missing' }
  | { kind: 'ok'; records: Records }
  | { kind: 'bad'; reason: string }
  | { kind: 'newer'; version: number };

export interface StoreOptions {
  lock?: LockOptions;
  /** Quiet period after a change on disk before it is read (one atomic write is several events). */
  debounceMs?: number;
}

/**
 * Machine records in `$XDG_CONFIG_HOME/porthole/machines.json`, shared by every Porthole process on
 * this config (desktop app, web host, CLI). Every change is a transaction: take the lock file, read the
 * file afresh, apply the change to what was read, write atomically, then the last-good copy
 * `machines.json.bak`. A file that is not a store is kept aside (never overwritten) and the backup
 * restored; a file from a newer Porthole is never written. Holds passwords: private to the user (0600).
 */
export class MachineStore {
  private records: Records = new Map();
  private queue: Promise<unknown> = Promise.resolve();
  /** Set while the file on disk is from a newer Porthole: nothing is written. */
  private newerVersion: number | null = null;
  /** What watch() was given: told of other processes' changes, whoever read them (a watch, or sync()). */
  private readonly listeners = new Set<(change: ExternalChange) => void>();
  readonly path: string;
  readonly backupPath: string;
  readonly lockPath: string;

  constructor(
    readonly configDir: string,
    private readonly options: StoreOptions = {},
  ) {
    this.path = join(configDir, 'machines.json');
    this.backupPath = `${this.path}.bak`;
    this.lockPath = `${this.path}.lock`;
  }

  /** Reads the file; never throws for its content (a bad file is set aside, with a warning). */
  async load(): Promise<void> {
    await this.refresh();
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

  /**
   * The one way to change records: `change` gets the records as they are on disk now (under the lock,
   * so no other process writes meanwhile) and changes them in place; what it throws aborts it, nothing
   * written. Keep it short: every other Porthole process waits for it.
   */
  transact<T>(change: (records: Records) => T | Promise<T>): Promise<T> {
    const run = async (): Promise<T> =>
      withFileLock(
        this.lockPath,
        async () => {
          const current = await this.readRepaired();
          if (current === null) throw this.newerError();
          const next: Records = new Map(current);
          const result = await change(next);
          for (const [id, record] of next) {
            const checked = recordSchema.parse(record);
            if (checked.settings.id !== id)
              throw new PortholeError(
                'INTERNAL',
                `A machine record filed as "${id}" has the id "${checked.settings.id}".`,
              );
            next.set(id, checked);
          }
          assertNamesUnique(current, next);
          if (!sameRecords(current, next)) await this.write(next);
          this.records = next;
          return result;
        },
        this.options.lock,
      );
    // One transaction at a time in this process; other processes are kept out by the lock file.
    const result = this.queue.catch(() => undefined).then(run);
    this.queue = result;
    return result;
  }

  async put(record: MachineRecord): Promise<void> {
    await this.transact((records) => void records.set(record.settings.id, record));
  }

  /** `change` is applied to the record as it is on disk now, not to this process's copy. */
  update(id: string, change: (r: MachineRecord) => MachineRecord): Promise<MachineRecord> {
    return this.transact((records) => {
      const current = records.get(id);
      if (!current) throw new PortholeError('NOT_FOUND', `There is no machine "${id}".`);
      const next = recordSchema.parse(change(current));
      records.set(id, next);
      return next;
    });
  }

  async remove(id: string): Promise<void> {
    await this.transact((records) => void records.delete(id));
  }

  /**
   * Reads the file now, not when the watch gets to it: for a caller holding a lock another process has just
   * released (a start after a remove). What changed is told to the watchers, as a watch would.
   */
  async sync(): Promise<void> {
    const change = await this.enqueueRefresh();
    if (change && (change.changed.length > 0 || change.removed.length > 0))
      for (const listener of this.listeners) listener(change);
  }

  /**
   * Follows the file: another process's write shows here within a moment. The folder is watched,
   * not the file, since every atomic write replaces the file with a new one. Returns the stop function.
   */
  watch(onChange: (change: ExternalChange) => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    this.listeners.add(onChange);
    const reload = (): void => {
      timer = undefined;
      void this.enqueueRefresh()
        .then((change) => {
          if (!stopped && change && (change.changed.length > 0 || change.removed.length > 0)) onChange(change);
        })
        .catch((err: unknown) => process.emitWarning(`Porthole: could not re-read ${this.path}: ${String(err)}`));
    };
    let watcher: ReturnType<typeof watch> | undefined;
    const start = async (): Promise<void> => {
      await mkdir(this.configDir, { recursive: true, mode: 0o700 });
      if (stopped) return;
      watcher = watch(this.configDir, (_event, file) => {
        if (file !== null && file !== 'machines.json') return;
        clearTimeout(timer);
        timer = setTimeout(reload, this.options.debounceMs ?? 50);
      });
      watcher.on('error', (err) => process.emitWarning(`Porthole: stopped following ${this.path}: ${err.message}`));
      // A write between load() and the watch starting would otherwise go unseen.
      reload();
    };
    start().catch((err: unknown) => process.emitWarning(`Porthole: cannot follow ${this.path}: ${String(err)}`));
    return () => {
      stopped = true;
      this.listeners.delete(onChange);
      clearTimeout(timer);
      watcher?.close();
    };
  }

  /** Re-reads after the transactions queued before it, so this process's own writes are never "external". */
  private enqueueRefresh(): Promise<ExternalChange | null> {
    const result = this.queue.catch(() => undefined).then(() => this.refresh());
    this.queue = result;
    return result;
  }

  /** Reads the file into memory and says what differs from what was there. */
  private async refresh(): Promise<ExternalChange | null> {
    let state = await this.readState(this.path);
    // A first run: nothing to read, nothing to repair.
    if (state.kind === 'missing' && (await this.readState(this.backupPath)).kind === 'missing')
      state = { kind: 'ok', records: new Map() };
    // Only a file that needs repair takes the lock: reading a good one never waits on a writer.
    if (state.kind !== 'ok') {
      const repaired = await withFileLock(this.lockPath, () => this.readRepaired(), this.options.lock);
      state =
        repaired === null
          ? { kind: 'newer', version: this.newerVersion ?? STORE_VERSION + 1 }
          : { kind: 'ok', records: repaired };
    }
    if (state.kind !== 'ok') return null;
    const before = this.records;
    this.records = state.records;
    return {
      changed: [...state.records.values()].filter((r) => !sameRecord(before.get(r.settings.id), r)),
      removed: [...before.keys()].filter((id) => !state.records.has(id)),
    };
  }

  /**
   * The records on disk, under the lock. A file that is not a store is moved aside and the backup
   * restored in its place; a missing file with a good backup is restored too (users must not lose
   * machines). Null: the file is from a newer Porthole and is left exactly as it is.
   */
  private async readRepaired(): Promise<Records | null> {
    const main = await this.readState(this.path);
    if (main.kind === 'ok') {
      this.newerVersion = null;
      return main.records;
    }
    if (main.kind === 'newer') {
      if (this.newerVersion !== main.version) process.emitWarning(this.newerError(main.version).message);
      this.newerVersion = main.version;
      return null;
    }
    this.newerVersion = null;
    let aside: string | null = null;
    if (main.kind === 'bad') {
      aside = `${this.path}.unreadable-${Date.now()}`;
      await rename(this.path, aside);
    }
    const backup = await this.readState(this.backupPath);
    if (backup.kind === 'ok') {
      await writeFileAtomic(this.path, serialize(backup.records));
      const count = `${backup.records.size} machine${backup.records.size === 1 ? '' : 's'}`;
      process.emitWarning(
        main.kind === 'bad'
          ? `Porthole: ${this.path} could not be read (${main.reason}); it is kept as ${aside}, and the ${count} of the last good copy (${this.backupPath}) were restored.`
          : `Porthole: ${this.path} was missing; the ${count} of the last good copy (${this.backupPath}) were restored.`,
      );
      return backup.records;
    }
    if (main.kind === 'bad') {
      process.emitWarning(
        `Porthole: ${this.path} could not be read (${main.reason}); it is kept as ${aside}, and there is no good backup: starting with no machines.`,
      );
    }
    return new Map();
  }

  private async readState(path: string): Promise<FileState> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw err;
    }
    return parseStore(text);
  }

  private async write(records: Records): Promise<void> {
    const body = serialize(records);
    await writeFileAtomic(this.path, body);
    // Second, so the backup is always a file that was once the main one, whole.
    await writeFileAtomic(this.backupPath, body);
  }

  private newerError(version = this.newerVersion ?? STORE_VERSION + 1): PortholeError {
    return new PortholeError(
      'CONFLICT',
      `${this.path} was made by a newer Porthole (file version ${version}; this Porthole knows up to ${STORE_VERSION}), so this one will not change it.`,
      'Update Porthole to the version that made it.',
    );
  }
}

/**
 * No change makes two machines share a name (by the names rule's key: "Café" in NFC and in NFD, or in
 * another case, is one name), whichever caller made it. Files written before this rule may hold such
 * a pair already; that is left as it is until one of them is renamed.
 */
function assertNamesUnique(before: Records, after: Records): void {
  const byKey = new Map<string, string[]>();
  for (const [id, record] of after) {
    const key = nameKey(record.settings.name);
    byKey.set(key, [...(byKey.get(key) ?? []), id]);
  }
  for (const [id, record] of after) {
    if (before.get(id)?.settings.name === record.settings.name) continue;
    const others = byKey.get(nameKey(record.settings.name))!.filter((other) => other !== id);
    if (others.length > 0) {
      throw new PortholeError(
        'CONFLICT',
        `Another machine (${others[0]}) is already called “${record.settings.name}”.`,
        'Choose a different name.',
      );
    }
  }
}

/** The file's text as a store: migrated, validated. Anything else is "bad" with the reason, or "newer". */
export function parseStore(text: string): FileState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'bad', reason: 'it is not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      kind: 'bad',
      reason: `it holds ${data === null ? 'null' : Array.isArray(data) ? 'a list' : `a ${typeof data}`}, not a machine list`,
    };
  }
  let json = data as Json;
  if (
    json.version !== undefined &&
    !(typeof json.version === 'number' && Number.isInteger(json.version) && json.version >= 0)
  ) {
    return { kind: 'bad', reason: `its version ${JSON.stringify(json.version)} is not a version number` };
  }
  let version = (json.version as number | undefined) ?? 0;
  if (version > STORE_VERSION) return { kind: 'newer', version };
  while (version < STORE_VERSION) {
    const step = migrations[version];
    const next = step?.(json);
    if (!next) return { kind: 'bad', reason: `it is not a version-${version} machine list` };
    json = next;
    version = typeof json.version === 'number' ? json.version : version + 1;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return { kind: 'bad', reason: describeZodError(parsed.error) };
  const records: Records = new Map();
  for (const record of parsed.data.machines) {
    if (records.has(record.settings.id))
      return { kind: 'bad', reason: `the machine id "${record.settings.id}" is there twice` };
    records.set(record.settings.id, record);
  }
  return { kind: 'ok', records };
}

function serialize(records: Records): string {
  const file: z.input<typeof fileSchema> = { version: STORE_VERSION, machines: [...records.values()] };
  return JSON.stringify(file, null, 2) + '\n';
}

function sameRecord(a: MachineRecord | undefined, b: MachineRecord | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameRecords(a: Records, b: Records): boolean {
  if (a.size !== b.size) return false;
  for (const [id, record] of a) if (!sameRecord(record, b.get(id))) return false;
  return true;
}

export type { MachineSettings };
