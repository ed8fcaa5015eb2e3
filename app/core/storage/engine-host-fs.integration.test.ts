import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { EngineClient, targetFromEnv } from '../engine/client';
import { inspectIso } from '../machine/iso';
import { buildContainerSpec } from '../machine/spec';
import type { MachineSettings } from '../../api';
import { PrivateEngine } from '../testing/private-engine';
import { program } from '../testing/processes';
import { engineHostFs, type EngineHostFs } from './engine-host-fs';
import { RemoteStorage } from './remote-storage';

const image = inject('standinImage');
const testIso = inject('testIso');

/**
 * "The engine's computer" is a folder tree this process must never touch itself: every look at or
 * change of a path under it through this process's fs module fails (failure injection), so whatever
 * appears there was made through the engine. The engine here runs on this machine; its folders are
 * read back with separate programs (stat, cat), not this process's file system.
 */
const remote = vi.hoisted(() => ({ root: `/tmp/porthole-engine-host-it-${process.pid}`, touched: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { guardedFsPromises } = await import('../testing/guarded-fs');
  return guardedFsPromises(await importOriginal<typeof import('node:fs/promises')>(), remote);
});

const sh = (...args: string[]): Promise<string> => program(args[0]!, args.slice(1));

describe('storage on a remote engine’s computer, through the TLS engine (a private dockerd on tcp://127.0.0.1)', () => {
  let engine: PrivateEngine;
  let client: EngineClient;
  let fs: EngineHostFs;
  let oemDir: string;

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image, tls: true });
    client = new EngineClient(targetFromEnv(engine.tlsEnv()));
    fs = engineHostFs(client.docker, { host: '127.0.0.1', images: () => [image] });
    oemDir = await sh('mktemp', '-d', '/tmp/porthole-oem-it-XXXXXX');
  }, 120_000);
  afterAll(async () => {
    await sh('rm', '-rf', remote.root, oemDir).catch(() => undefined);
    await engine?.dispose();
  }, 120_000);

  it('makes a folder there (as the engine’s root, in a helper container that is then gone), and tells folders, files and nothing apart', async () => {
    const dir = `${remote.root}/machines/abc`;
    expect(await fs.kind(dir)).toBe('missing');
    expect(await fs.makeFolder(dir)).toEqual({ made: true });
    expect(await fs.makeFolder(dir)).toEqual({ made: false });
    expect(await sh('stat', '-c', '%U %F', dir)).toBe('root directory');
    expect(await fs.kind(dir)).toBe('folder');
    await fs.writeFiles(dir, [{ name: 'note.txt', text: 'line "one" $HOME `x`\r\nline two\n' }]);
    expect(await sh('cat', `${dir}/note.txt`)).toBe('line "one" $HOME `x`\r\nline two');
    expect(await sh('od', '-An', '-c', `${dir}/note.txt`)).toContain('\\r  \\n');
    expect(await fs.kind(`${dir}/note.txt`)).toBe('file');
    expect(await engine.docker('ps', '-aq')).toBe('');
    expect(remote.touched).toEqual([]);
  });

  it('inspects an ISO there with the same answer as here, and refuses a missing one saying where it looked', async () => {
    expect(await fs.inspectIso(testIso)).toEqual({ ...(await inspectIso(testIso)), path: testIso });
    await expect(fs.inspectIso(`${remote.root}/none.iso`)).rejects.toThrow(
      `The custom ISO ${remote.root}/none.iso does not exist: it may have been moved, renamed or deleted (on 127.0.0.1, the engine's computer).`,
    );
    expect(remote.touched).toEqual([]);
  });

  it('a machine’s container is created on that engine with its default storage folder made and the /oem scripts copied there', async () => {
    await sh('sh', '-c', `printf 'echo porthole\\r\\n' > ${oemDir}/install.bat`);
    const storageDir = `${remote.root}/data/machines/xyz`;
    const settings = {
      id: 'xyz',
      name: 'Remote',
      version: '11',
      ramGiB: 1,
      cpuCores: 1,
      diskGiB: 64,
      diskFormat: 'raw',
      username: 'A',
      password: 'pw-not-logged',
      language: 'English',
      screen: { width: 1024, height: 768 },
      kvm: false,
      image,
      ports: { web: 0, rdp: 0 },
      storageDir,
      sharedFolders: [],
    } as unknown as MachineSettings;
    const oemTarget = `${remote.root}/oem/xyz`;
    const spec = buildContainerSpec(settings, { oemDir: oemTarget, installed: true, instance: 'it' });
    // The /oem source here is read from oemDir (this computer's); the bind names the folder there.
    const storage = new RemoteStorage(
      { ...fs, writeFiles: (_dir, files) => fs.writeFiles(oemTarget, files) },
      `${remote.root}/data`,
    );
    const read = await import('node:fs/promises');
    const files = await read.readdir(oemDir);
    expect(files).toEqual(['install.bat']);
    // prepare() reads the local OEM folder named in the spec: point the spec at the local one, the copy at the far one.
    const local = {
      ...spec,
      HostConfig: { ...spec.HostConfig, Binds: spec.HostConfig!.Binds!.map((b) => b.replace(oemTarget, oemDir)) },
    };
    const id = await storage.wrap(client).create(local);
    try {
      expect(await sh('stat', '-c', '%U %F', storageDir)).toBe('root directory');
      expect(await sh('cat', `${oemTarget}/install.bat`)).toBe('echo porthole');
      expect(await engine.docker('ps', '-aq', '--no-trunc')).toBe(id);
    } finally {
      await engine.docker('rm', '-f', id);
    }
    expect(remote.touched).toEqual([]);
  });
});
