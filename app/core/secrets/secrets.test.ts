import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../api';
import { sampleMachine } from '../../api/testing/sample-machine';
import { MachineStore } from '../store/machine-store';
import { MachineSecrets, type Keyring } from './machine-secrets';
import { probeSecretService, SecretService } from './secret-service';

const PASSWORD = 'Tr0ub4dor&3 with spaces';
const hasSecretTool = (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, 'secret-tool')));
if (!hasSecretTool)
  console.warn('Skipping the secret-tool probes: secret-tool is not installed (Debian package libsecret-tools).');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Secret Service with no secret-tool: what a host without libsecret-tools has. */
const absentKeyring = (): SecretService =>
  new SecretService({ env: process.env, configDir: dir, secretTool: join(dir, 'no-secret-tool') });

describe('probeSecretService (detection)', () => {
  it('says secret-tool is missing when it is not installed', async () => {
    expect(await probeSecretService({ env: process.env, secretTool: join(dir, 'none') })).toEqual({
      usable: false,
      reason: 'secret-tool (libsecret-tools) is not installed',
    });
  });

  it.skipIf(!hasSecretTool)('says the session bus cannot be reached when none listens', async () => {
    const found = await probeSecretService({
      env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}`, DISPLAY: '' },
    });
    expect(found).toMatchObject({ usable: false, reason: expect.stringMatching(/connect/i) });
  });

  describe.skipIf(!hasSecretTool)('a hung session bus', () => {
    let server: Server;
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('does not hang Porthole: the probe gives up within its time limit and says so', async () => {
      // A bus that accepts connections and never says a word (a hung dbus-daemon).
      const held: Socket[] = [];
      server = createServer((socket) => held.push(socket));
      const path = join(dir, 'hung-bus');
      await new Promise<void>((resolve) => server.listen(path, resolve));
      const started = Date.now();
      const found = await probeSecretService({
        env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}`, DISPLAY: '' },
        timeoutMs: 700,
      });
      for (const s of held) s.destroy();
      expect(found).toEqual({ usable: false, reason: 'secret-tool did not answer within 0.7 s' });
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });
});

describe('MachineSecrets without a usable keyring (the 0600 file fallback)', () => {
  it('keeps the password in the record, private to the user, and gives it back', async () => {
    const secrets = new MachineSecrets(absentKeyring());
    expect(await secrets.refresh()).toEqual({
      place: 'file',
      reason: 'secret-tool (libsecret-tools) is not installed',
    });
    const sealed = await secrets.seal('win', PASSWORD);
    expect(sealed).toEqual({ password: PASSWORD });

    const store = new MachineStore(dir);
    await store.load();
    const settings = sampleMachine({ id: 'win', storageDir: '/tmp/win', password: sealed.password });
    await store.put({ settings, installed: false });
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await readFile(store.path, 'utf8')).toContain(JSON.stringify(PASSWORD));

    const again = new MachineStore(dir);
    await again.load();
    expect((await secrets.reveal(again.require('win'))).password).toBe(PASSWORD);
    await secrets.forget(again.require('win'));
    expect(await secrets.migrate(again)).toEqual([]);
    expect(again.require('win').settings.password).toBe(PASSWORD);
  });

  it('starts on the file until the keyring was probed', () => {
    expect(new MachineSecrets(absentKeyring()).state).toEqual({
      place: 'file',
      reason: 'the desktop keyring was not checked yet',
    });
  });
});

/** Failure injection: a keyring that answers as told. */
class ScriptedKeyring implements Keyring {
  items = new Map<string, string>();
  locked = false;
  /** No Secret Service at all. */
  absent = false;
  /** What lookup gives back instead of what was stored (a keyring that mangles). */
  mangle: ((s: string) => string) | null = null;
  failStore: Error | null = null;
  async store(id: string, password: string): Promise<void> {
    if (this.failStore) throw this.failStore;
    this.items.set(id, password);
  }
  async lookup(id: string): Promise<string | null> {
    if (this.locked) return null;
    const value = this.items.get(id) ?? null;
    return value !== null && this.mangle ? this.mangle(value) : value;
  }
  async remove(id: string): Promise<void> {
    this.items.delete(id);
  }
  async probe() {
    if (this.absent) return { usable: false, reason: 'no Secret Service' } as const;
    return this.locked
      ? ({ usable: false, reason: 'the default keyring is locked' } as const)
      : ({ usable: true } as const);
  }
}

describe('MachineSecrets selection', () => {
  let store: MachineStore;
  let warnings: string[];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  beforeEach(async () => {
    store = new MachineStore(dir);
    await store.load();
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('puts a new password in a usable keyring, and the record keeps only the marker', async () => {
    const keyring = new ScriptedKeyring();
    const secrets = new MachineSecrets(keyring);
    expect(await secrets.refresh()).toEqual({ place: 'keyring' });
    expect(await secrets.seal('win', PASSWORD)).toEqual({ password: '', passwordIn: 'keyring' });
    expect(keyring.items.get('win')).toBe(PASSWORD);
    const record = {
      settings: sampleMachine({ id: 'win', storageDir: '/tmp/win', password: '' }),
      installed: false,
      passwordIn: 'keyring' as const,
    };
    await store.put(record);
    expect(await readFile(store.path, 'utf8')).not.toContain(PASSWORD);
    expect((await secrets.reveal(record)).password).toBe(PASSWORD);
    await secrets.forget(record);
    expect(keyring.items.size).toBe(0);
  });

  it('an empty password stays in the record (nothing to keep)', async () => {
    const secrets = new MachineSecrets(new ScriptedKeyring());
    await secrets.refresh();
    expect(await secrets.seal('win', '')).toEqual({ password: '' });
  });

  it('moves file passwords to the keyring only once they read back, and leaves the others where they were', async () => {
    await store.put({
      settings: sampleMachine({ id: 'good', storageDir: '/tmp/good', password: PASSWORD }),
      installed: false,
    });
    const keyring = new ScriptedKeyring();
    const secrets = new MachineSecrets(keyring);
    await secrets.refresh();
    keyring.mangle = (s) => s.slice(1);
    expect(await secrets.migrate(store)).toEqual([]);
    expect(store.require('good').settings.password).toBe(PASSWORD);
    expect(store.require('good').passwordIn).toBeUndefined();
    keyring.mangle = null;
    expect(await secrets.migrate(store)).toEqual(['good']);
    expect(store.require('good')).toMatchObject({ passwordIn: 'keyring', settings: { password: '' } });
    expect(await readFile(store.path, 'utf8')).not.toContain(PASSWORD);
    expect(warnings.join('\n')).toMatch(/the password of machine "good" stays in/);
    expect(warnings.join('\n')).not.toContain(PASSWORD);
  });

  it('a keyring that fails to store changes nothing and says so without the password', async () => {
    const keyring = new ScriptedKeyring();
    const secrets = new MachineSecrets(keyring);
    await secrets.refresh();
    keyring.failStore = new Error(`helper echoed ${PASSWORD}`);
    const err = await secrets.seal('win', PASSWORD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortholeError);
    expect(err).toMatchObject({
      code: 'KEYRING_UNAVAILABLE',
      remedy: expect.stringMatching(/unlock your desktop keyring/),
    });
    expect((err as Error).message).not.toContain(PASSWORD);
  });

  it('a locked keyring: new passwords go to the file, and a kept one is an error that says to unlock', async () => {
    const keyring = new ScriptedKeyring();
    keyring.items.set('win', PASSWORD);
    keyring.locked = true;
    const secrets = new MachineSecrets(keyring);
    expect(await secrets.refresh()).toEqual({ place: 'file', reason: 'the default keyring is locked' });
    expect(await secrets.seal('other', PASSWORD)).toEqual({ password: PASSWORD });
    const record = {
      settings: sampleMachine({ id: 'win', name: 'Work', storageDir: '/tmp/win', password: '' }),
      installed: false,
      passwordIn: 'keyring' as const,
    };
    await expect(secrets.reveal(record)).rejects.toMatchObject({
      code: 'KEYRING_UNAVAILABLE',
      message:
        'The Windows password of “Work” is kept in the desktop keyring, which cannot give it now: the default keyring is locked.',
    });
  });

  it('refuses to forget a password a locked keyring cannot remove, and keeps it', async () => {
    const keyring = new ScriptedKeyring();
    keyring.items.set('win', PASSWORD);
    keyring.locked = true;
    const secrets = new MachineSecrets(keyring);
    const record = {
      settings: sampleMachine({ id: 'win', name: 'Work', storageDir: '/tmp/win', password: '' }),
      installed: false,
      passwordIn: 'keyring' as const,
    };
    await expect(secrets.assertForgettable(record)).rejects.toMatchObject({
      code: 'KEYRING_UNAVAILABLE',
      message: expect.stringMatching(/locked\. The machine was not deleted\.$/),
    });
    await expect(secrets.forget(record)).rejects.toMatchObject({ code: 'KEYRING_UNAVAILABLE' });
    expect(keyring.items.get('win')).toBe(PASSWORD);
    keyring.locked = false;
    await secrets.forget(record);
    expect(keyring.items.has('win')).toBe(false);
  });

  it('a password removed from the keyring by hand: says to set it again', async () => {
    const secrets = new MachineSecrets(new ScriptedKeyring());
    await secrets.refresh();
    const record = {
      settings: sampleMachine({ id: 'win', name: 'Work', storageDir: '/tmp/win', password: '' }),
      installed: false,
      passwordIn: 'keyring' as const,
    };
    await expect(secrets.reveal(record)).rejects.toMatchObject({
      code: 'KEYRING_UNAVAILABLE',
      remedy: 'Set the password again in the machine’s settings.',
    });
  });

  it('a password set again while the keyring is unusable goes to the file and leaves the keyring', async () => {
    const keyring = new ScriptedKeyring();
    const secrets = new MachineSecrets(keyring);
    await secrets.refresh();
    await secrets.seal('win', PASSWORD);
    const previous = {
      settings: sampleMachine({ id: 'win', storageDir: '/tmp/win', password: '' }),
      installed: false,
      passwordIn: 'keyring' as const,
    };
    keyring.absent = true;
    await secrets.refresh();
    expect(await secrets.seal('win', 'new one', previous)).toEqual({ password: 'new one' });
    expect(keyring.items.has('win')).toBe(false);
  });
});

describe('the store keeps the marker', () => {
  it('round-trips passwordIn and refuses an unknown place', async () => {
    const store = new MachineStore(dir);
    await store.load();
    await store.put({
      settings: sampleMachine({ id: 'win', storageDir: '/tmp/win', password: '' }),
      installed: false,
      passwordIn: 'keyring',
    });
    const again = new MachineStore(dir);
    await again.load();
    expect(again.require('win').passwordIn).toBe('keyring');
    await expect(
      store.put({
        settings: sampleMachine({ id: 'x', storageDir: '/tmp/x' }),
        installed: false,
        passwordIn: 'vault' as 'keyring',
      }),
    ).rejects.toThrow();
  });
});
