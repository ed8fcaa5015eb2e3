import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MachineSettings } from '../../api';
import type { EngineClient } from '../engine/client';
import { assertMountsUsable } from './mounts';
import { buildContainerSpec } from '../machine/spec';
import type { EngineHostFs } from './engine-host-fs';
import type { PathPolicy } from './paths';
import { RemoteStorage } from './remote-storage';

// This computer's file system fails every look at a path (failure injection): on a remote engine none may happen.
const localLooks = vi.hoisted(() => ({ calls: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const failing =
    (name: string) =>
    async (path: unknown): Promise<never> => {
      localLooks.calls.push(`${name} ${String(path)}`);
      throw Object.assign(new Error(`local ${name} called on ${String(path)}`), { code: 'EIO' });
    };
  return {
    ...real,
    stat: failing('stat'),
    lstat: failing('lstat'),
    realpath: failing('realpath'),
    mkdir: failing('mkdir'),
    access: failing('access'),
    open: failing('open'),
  };
});

let oemDir: string;
let root: string;
beforeAll(async () => {
  // The local OEM folder (Porthole's own scripts, written here) is the one local thing read: made with writeFile only.
  root = await mkdtemp(join(tmpdir(), 'porthole-remote-storage-'));
  oemDir = root;
  await writeFile(join(oemDir, 'install.bat'), 'echo hi\r\n');
  await writeFile(join(oemDir, '.install.bat.tmp'), 'half written');
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** The engine's computer at the boundary: what it has, and every call made to it. */
function fakeHost(kinds: Record<string, 'folder' | 'file' | 'missing'>) {
  const calls: string[] = [];
  const fs: EngineHostFs = {
    host: 'box',
    kind: async (p) => (calls.push(`kind ${p}`), kinds[p] ?? 'missing'),
    makeFolder: async (p) => (calls.push(`mkdir ${p}`), { made: true }),
    writeFiles: async (d, files) =>
      void calls.push(`write ${d} ${files.map((f) => `${f.name}=${JSON.stringify(f.text)}`).join(',')}`),
    inspectIso: async (p) => (calls.push(`iso ${p}`), { path: p, sizeBytes: 20_000_000, format: 'iso9660' as const }),
  };
  return { fs, calls };
}

const settings = (over: Partial<MachineSettings>): MachineSettings =>
  ({
    id: 'abc',
    name: 'Remote',
    version: '11',
    ramGiB: 4,
    cpuCores: 2,
    diskGiB: 64,
    diskFormat: 'raw',
    username: 'Alice',
    password: 'S3cr3t!',
    language: 'English',
    screen: { width: 1280, height: 800 },
    kvm: false,
    image: 'img:1',
    ports: { web: 18006, rdp: 13389 },
    storageDir: '/data/porthole/machines/abc',
    sharedFolders: [],
    ...over,
  }) as MachineSettings;

const policy: PathPolicy = {
  home: '/home/me',
  configDir: '/home/me/.config/porthole',
  dataDir: '/data/porthole',
  machineId: 'abc',
  others: [],
  engineHost: 'box',
};

describe('RemoteStorage: a remote engine’s storage is prepared on its computer, never here', () => {
  it('the default folder is made there, the /oem scripts copied there, shared folders and the ISO checked there; nothing looked up here', async () => {
    const m = settings({ customIso: '/isos/win.iso', sharedFolders: [{ hostPath: '/srv/share', readOnly: true }] });
    await assertMountsUsable(m, { policy });
    const host = fakeHost({ '/srv/share': 'folder' });
    await new RemoteStorage(host.fs, '/data/porthole').prepare(
      buildContainerSpec(m, { oemDir, installed: false, instance: 'i1' }),
    );
    expect(host.calls).toEqual([
      'mkdir /data/porthole/machines/abc',
      'kind /srv/share',
      'iso /isos/win.iso',
      `write ${oemDir} install.bat="echo hi\\r\\n"`,
    ]);
    expect(localLooks.calls).toEqual([]);
  });

  it('a storage folder outside the data folder is never made there: missing, the start is refused saying where it looked', async () => {
    const host = fakeHost({});
    const storage = new RemoteStorage(host.fs, '/data/porthole');
    const spec = buildContainerSpec(settings({ storageDir: '/mnt/usb/win' }), {
      oemDir,
      installed: true,
      instance: 'i1',
    });
    await expect(storage.prepare(spec)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: "The storage folder /mnt/usb/win does not exist on box (the engine's computer).",
      remedy: expect.stringMatching(/^Create the folder on box/),
    });
    expect(host.calls).toEqual(['kind /mnt/usb/win']);
  });

  it('a shared folder that is a file there is refused', async () => {
    const host = fakeHost({ '/srv/f': 'file' });
    const spec = buildContainerSpec(settings({ sharedFolders: [{ hostPath: '/srv/f', readOnly: false }] }), {
      oemDir,
      installed: true,
      instance: 'i1',
    });
    await expect(new RemoteStorage(host.fs, '/data/porthole').prepare(spec)).rejects.toThrow(
      "The shared folder /srv/f is a file, not a folder on box (the engine's computer).",
    );
  });

  it('the wrapped engine prepares before create, and creates nothing when preparing fails', async () => {
    const created: string[] = [];
    const client = {
      create: async (spec: { name?: string }) => (created.push(spec.name ?? ''), 'id1'),
      label: 'x',
      ping: () => 'pong',
    } as unknown as EngineClient;
    const host = fakeHost({});
    const wrapped = new RemoteStorage(host.fs, '/data/porthole').wrap(client);
    expect((wrapped as unknown as { ping(): string }).ping()).toBe('pong');
    expect(await wrapped.create(buildContainerSpec(settings({}), { oemDir, installed: true, instance: 'i1' }))).toBe(
      'id1',
    );
    expect(host.calls[0]).toBe('mkdir /data/porthole/machines/abc');
    await expect(
      wrapped.create(
        buildContainerSpec(settings({ storageDir: '/nope' }), { oemDir, installed: true, instance: 'i1' }),
      ),
    ).rejects.toThrow(/does not exist on box/);
    expect(created).toHaveLength(1);
  });

  it('here (no engine host), the same mounts are still checked on this computer', async () => {
    localLooks.calls.length = 0;
    const { engineHost: _none, ...localPolicy } = policy;
    await expect(assertMountsUsable(settings({}), { policy: localPolicy })).rejects.toThrow();
    expect(localLooks.calls.length).toBeGreaterThan(0);
  });
});
