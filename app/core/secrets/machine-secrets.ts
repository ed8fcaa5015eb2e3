import { PortholeError, type MachineSettings } from '../../api';
import type { MachineRecord, MachineStore } from '../store/machine-store';
import type { SecretServiceState } from './secret-service';

/** Where new passwords go: the desktop keyring, or (without a usable one) the private machine file. */
export type PasswordPlace = 'keyring' | 'file';

export interface PasswordsState {
  place: PasswordPlace;
  /** Why not the keyring, when the place is the file. */
  reason?: string;
}

/** What Porthole needs of a keyring; `SecretService` is the real one. */
export interface Keyring {
  store(machineId: string, password: string): Promise<void>;
  lookup(machineId: string): Promise<string | null>;
  remove(machineId: string): Promise<void>;
  probe(): Promise<SecretServiceState>;
}

/** The password part of a record as it is written to machines.json. */
export interface SealedPassword {
  password: string;
  passwordIn?: 'keyring';
}

const REMEDY_UNLOCK =
  'Start or unlock your desktop keyring (GNOME Keyring, KWallet or KeePassXC: "Passwords and Keys"), then try again.';

/**
 * The machines' Windows passwords. Each goes to the desktop keyring when a usable one answers, and
 * only otherwise stays in the record in machines.json (0600), as before keyrings were supported. A
 * record says which (`passwordIn: 'keyring'`), so a password is looked for where it was put,
 * whatever the keyring's state is today. No message from here ever holds a password.
 */
export class MachineSecrets {
  private current: PasswordsState = { place: 'file', reason: 'the desktop keyring was not checked yet' };

  constructor(private readonly keyring: Keyring) {}

  get state(): PasswordsState {
    return this.current;
  }

  /** Probes the keyring again; new passwords go where this says. */
  async refresh(): Promise<PasswordsState> {
    const found = await this.keyring.probe();
    this.current = found.usable ? { place: 'keyring' } : { place: 'file', reason: found.reason };
    return this.current;
  }

  /**
   * The password as the record should keep it. With a usable keyring the password is written there and
   * read back before the record gives it up; `previous` is the record it replaces and `unchanged`
   * says its password is this one (then nothing is written again).
   */
  async seal(id: string, password: string, previous?: MachineRecord, unchanged = false): Promise<SealedPassword> {
    const wasInKeyring = previous?.passwordIn === 'keyring';
    if (this.current.place === 'keyring' && password !== '') {
      if (wasInKeyring && unchanged) return { password: '', passwordIn: 'keyring' };
      await this.put(id, password);
      return { password: '', passwordIn: 'keyring' };
    }
    // Back to the file: the keyring's copy would be stale. If the keyring cannot be reached, it stays behind.
    if (wasInKeyring) await this.keyring.remove(id).catch(() => undefined);
    return { password };
  }

  /** Writes to the keyring and reads it back: only a password known to be there may leave the file. */
  private async put(id: string, password: string): Promise<void> {
    try {
      await this.keyring.store(id, password);
      const back = await this.keyring.lookup(id);
      if (back !== password) throw new Error('the keyring did not give the password back as it was stored');
    } catch (err) {
      throw new PortholeError(
        'KEYRING_UNAVAILABLE',
        `The desktop keyring could not keep the Windows password of machine "${id}": ${reasonOf(err, password)}.`,
        REMEDY_UNLOCK,
      );
    }
  }

  /** The record's settings with its password, wherever it is kept. */
  async reveal(record: MachineRecord): Promise<MachineSettings> {
    if (record.passwordIn !== 'keyring') return record.settings;
    const { id, name } = record.settings;
    let password: string | null;
    try {
      password = await this.keyring.lookup(id);
    } catch (err) {
      throw new PortholeError(
        'KEYRING_UNAVAILABLE',
        `The Windows password of “${name}” is kept in the desktop keyring, which did not give it: ${reasonOf(err)}.`,
        REMEDY_UNLOCK,
      );
    }
    if (password !== null) return { ...record.settings, password };
    // secret-tool answers "not found" for a locked item too: ask the keyring which it is.
    const state = await this.refresh();
    if (state.place === 'file') {
      throw new PortholeError(
        'KEYRING_UNAVAILABLE',
        `The Windows password of “${name}” is kept in the desktop keyring, which cannot give it now: ${state.reason}.`,
        REMEDY_UNLOCK,
      );
    }
    throw new PortholeError(
      'KEYRING_UNAVAILABLE',
      `The desktop keyring has no Windows password for “${name}” any more (it was removed from the keyring).`,
      'Set the password again in the machine’s settings.',
    );
  }

  /**
   * Throws unless the keyring can remove this record's password now: a delete asks first, so a locked
   * keyring refuses it before anything is stopped or removed. (secret-tool's clear of a locked item
   * says "nothing to clear" and leaves it, so the keyring's state is asked, not the clear's exit code.)
   */
  async assertForgettable(record: MachineRecord): Promise<void> {
    if (record.passwordIn !== 'keyring') return;
    const state = await this.refresh();
    if (state.place === 'file') {
      throw new PortholeError(
        'KEYRING_UNAVAILABLE',
        `The Windows password of “${record.settings.name}” is in the desktop keyring, which cannot remove it now: ${state.reason}. The machine was not deleted.`,
        REMEDY_UNLOCK,
      );
    }
  }

  /** Removes a deleted machine's password from the keyring. */
  async forget(record: MachineRecord): Promise<void> {
    if (record.passwordIn !== 'keyring') return;
    await this.assertForgettable(record);
    try {
      await this.keyring.remove(record.settings.id);
    } catch (err) {
      throw new PortholeError(
        'KEYRING_UNAVAILABLE',
        `The Windows password of “${record.settings.name}” could not be removed from the desktop keyring: ${reasonOf(err)}. The machine is kept.`,
        REMEDY_UNLOCK,
      );
    }
  }

  /**
   * Moves passwords still in machines.json to the keyring, when one is usable. Each leaves the file
   * only after the keyring gave it back; one that cannot move stays where it was (a warning says so).
   * Returns the ids moved.
   */
  async migrate(store: MachineStore): Promise<string[]> {
    if (this.current.place !== 'keyring') return [];
    const moved: string[] = [];
    for (const record of store.list()) {
      const { id, password } = record.settings;
      if (record.passwordIn === 'keyring' || password === '') continue;
      try {
        await this.put(id, password);
      } catch (err) {
        process.emitWarning(
          `Porthole: the password of machine "${id}" stays in ${store.path}: ${err instanceof Error ? err.message : String(err)}`,
        );
        continue;
      }
      // Changed meanwhile (another action set a new password)? Then that one is the truth: leave it.
      const next = await store
        .update(id, (r) =>
          r.passwordIn === 'keyring' || r.settings.password !== password
            ? r
            : { ...r, settings: { ...r.settings, password: '' }, passwordIn: 'keyring' },
        )
        .catch(() => null); // deleted meanwhile
      if (next?.passwordIn === 'keyring') moved.push(id);
    }
    return moved;
  }
}

/** An error's message with the password, should a helper ever echo it, hidden. */
function reasonOf(err: unknown, secret = ''): string {
  const text = err instanceof Error ? err.message : String(err);
  return secret === '' ? text : text.split(secret).join('[password hidden]');
}
