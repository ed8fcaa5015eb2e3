// Machine passwords in a REAL Secret Service: GNOME Keyring on a private D-Bus session bus that this
// test starts and stops (nothing of a desktop session is touched), with the real backend, the built CLI
// as a second process, and the real engine for the container's environment.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleNodeApp } from '../../../scripts/bundle-node.mjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallResult, MachineView } from '../../api';
import { docker, Harness, uniqueName } from '../testing/harness';
import { missingKeyringPackages, PrivateKeyring } from '../testing/keyring';

const missing = missingKeyringPackages();
if (missing.length > 0) {
  console.warn(
    `SKIPPED keyring.integration.test.ts: a real Secret Service needs the Debian packages ${missing.join(', ')} (apt-get install --no-install-recommends gnome-keyring libsecret-tools dbus-daemon dbus-bin).`,
  );
}

const suffix = Math.random().toString(36).slice(2, 10);
const PASSWORD_A = `Keyring-A-${suffix}`;
const PASSWORD_B = `Keyring-B-${suffix}`;
/** A's password set again: it contains PASSWORD_A, so the leak check covers it too. */
const PASSWORD_A2 = `${PASSWORD_A}-again`;
const CLI_DIR = resolve('out/it-keyring');

describe.skipIf(missing.length > 0)('machine passwords in the desktop keyring (GNOME Keyring on a private bus)', () => {
  let keyring: PrivateKeyring;
  let h: Harness;
  const ids: string[] = [];
  /** Everything Porthole said during the test: warnings, output, error envelopes, views, reports. */
  const said: string[] = [];
  const onWarning = (w: Error): void => void said.push(w.message);
  const writes: Array<[NodeJS.WriteStream, NodeJS.WriteStream['write']]> = [];

  const attributes = (id: string): Record<string, string> => ({
    application: 'porthole',
    'porthole-config': resolve(h.configDir),
    'porthole-machine': id,
  });
  const machinesJson = (): Promise<string> => readFile(join(h.configDir, 'machines.json'), 'utf8');
  const record = async (id: string): Promise<Record<string, unknown>> =>
    (JSON.parse(await machinesJson()) as { machines: Array<{ settings: { id: string } }> }).machines.find(
      (m) => m.settings.id === id,
    )!;
  /** Calls the backend and keeps the envelope, failed or not, for the leak check. */
  const invoke = async (action: string, request: unknown): Promise<CallResult> => {
    const result = await h.backend.invoke(action, request);
    said.push(JSON.stringify(result.ok ? { ok: true } : result));
    return result;
  };
  const passwordsItem = async (): Promise<{ status: string; found: string }> => {
    const result = await invoke('checkHost', {});
    if (!result.ok) throw new Error(result.error.message);
    said.push(JSON.stringify(result.value));
    return (result.value as { checks: Array<{ id: string; status: string; found: string }> }).checks.find(
      (c) => c.id === 'passwords',
    )!;
  };
  /** The CLI as a second Porthole process on the same configuration. */
  const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [join(CLI_DIR, 'cli.js'), ...args],
        { env: { ...keyring.env, PORTHOLE_CONFIG_DIR: h.configDir, PORTHOLE_DATA_DIR: h.dataDir }, timeout: 60_000 },
        (error, stdout, stderr) => {
          said.push(stderr);
          done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    await bundleNodeApp({ entryPoints: { cli: 'app/cli/index.ts' }, outdir: CLI_DIR });
    process.on('warning', onWarning);
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream) as NodeJS.WriteStream['write'];
      writes.push([stream, stream.write]);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        said.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as NodeJS.WriteStream['write'];
    }
    keyring = await PrivateKeyring.start();
    h = await Harness.create(keyring.env);
    h.backend.subscribe((e) => said.push(JSON.stringify(e)));
  });

  afterAll(async () => {
    for (const [stream, write] of writes) stream.write = write;
    process.off('warning', onWarning);
    if (h) await h.cleanup(ids);
    if (keyring) await keyring.stop();
  });

  it('keeps a new machine’s password in the keyring, not in machines.json, and the checklist says so', async () => {
    expect(await passwordsItem()).toEqual(
      expect.objectContaining({
        status: 'ok',
        found: 'Windows passwords are kept in the desktop keyring (Secret Service).',
      }),
    );
    const created = await invoke('createMachine', {
      name: uniqueName('Keyring'),
      image: inject('standinImage'),
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      password: PASSWORD_A,
    });
    expect(created.ok).toBe(true);
    const machine = (created as { value: MachineView }).value;
    ids.push(machine.id);
    expect(machine.hasPassword).toBe(true);
    expect(await keyring.lookup(attributes(machine.id))).toBe(PASSWORD_A);
    expect(await machinesJson()).not.toContain(PASSWORD_A);
    expect(await record(machine.id)).toMatchObject({ passwordIn: 'keyring', settings: { password: '' } });
  });

  it('a second Porthole process (the CLI) reads it from the keyring for the compose export', async () => {
    const run = await cli(['export', ids[0]!]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(PASSWORD_A);
  });

  it('the container gets the password from the keyring (env PASSWORD)', async () => {
    expect((await invoke('startMachine', { id: ids[0]! })).ok).toBe(true);
    const [info] = JSON.parse(await docker('inspect', (await h.containersOf(ids[0]!))[0]!)) as Array<{
      Config: { Env: string[] };
    }>;
    expect(info!.Config.Env).toContain(`PASSWORD=${PASSWORD_A}`);
  });

  it('a settings change keeps the password in the keyring; a new password replaces it there', async () => {
    const id = ids[0]!;
    expect((await invoke('updateMachine', { id, changes: { name: uniqueName('Renamed') } })).ok).toBe(true);
    expect(await keyring.lookup(attributes(id))).toBe(PASSWORD_A);
    expect(await record(id)).toMatchObject({ passwordIn: 'keyring', settings: { password: '' } });
    expect(await invoke('updateMachine', { id, changes: { password: PASSWORD_A2 } })).toMatchObject({ ok: true });
    expect(await keyring.lookup(attributes(id))).toBe(PASSWORD_A2);
    expect(await machinesJson()).not.toContain(PASSWORD_A);
    expect((await h.call('getMachine', { id })).hasPassword).toBe(true);
  });

  it('a locked keyring: new passwords go to the file (the checklist says so), a kept one is a clear error', async () => {
    await keyring.restart(false);
    const item = await passwordsItem();
    expect(item.status).toBe('warn');
    expect(item.found).toMatch(
      /^Windows passwords are kept in a private file \(0600\) — no usable Secret Service found \(the default keyring is locked\)\.$/,
    );

    const created = await invoke('createMachine', {
      name: uniqueName('Locked'),
      image: inject('standinImage'),
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      password: PASSWORD_B,
    });
    expect(created.ok).toBe(true);
    const b = (created as { value: MachineView }).value;
    ids.push(b.id);
    expect(await record(b.id)).toMatchObject({ settings: { password: PASSWORD_B } });
    expect((await record(b.id)).passwordIn).toBeUndefined();

    const exported = await invoke('exportCompose', { id: ids[0]! });
    expect(exported).toMatchObject({
      ok: false,
      error: {
        code: 'KEYRING_UNAVAILABLE',
        message: expect.stringMatching(/locked/),
        remedy: expect.stringMatching(/unlock/i),
      },
    });

    // Deleting would leave the password behind in the locked keyring: refused before anything is stopped.
    const containers = await h.containersOf(ids[0]!);
    expect(await invoke('deleteMachine', { id: ids[0]!, deleteDisk: true })).toMatchObject({
      ok: false,
      error: { code: 'KEYRING_UNAVAILABLE' },
    });
    expect(await h.containersOf(ids[0]!)).toEqual(containers);
    expect((await h.call('getMachine', { id: ids[0]! })).status.running).toBe(true);
  });

  it('once the keyring is unlocked, the next check moves the file password into it (read back first)', async () => {
    await keyring.restart(true);
    expect((await passwordsItem()).status).toBe('ok');
    expect(await keyring.lookup(attributes(ids[1]!))).toBe(PASSWORD_B);
    expect(await machinesJson()).not.toContain(PASSWORD_B);
    expect(await record(ids[1]!)).toMatchObject({ passwordIn: 'keyring', settings: { password: '' } });
  });

  it('deleting a machine removes its password from the keyring', async () => {
    expect(await keyring.lookup(attributes(ids[0]!))).toBe(PASSWORD_A2);
    for (const id of ids) expect((await invoke('deleteMachine', { id, deleteDisk: true })).ok).toBe(true);
    for (const id of ids) expect(await keyring.lookup(attributes(id))).toBeNull();
    expect((await cli(['machines'])).code).toBe(0);
  });

  it('no password appeared in any log, warning, event or error envelope', () => {
    const text = said.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(PASSWORD_A);
    expect(text).not.toContain(PASSWORD_B);
  });
});
