import { mkdir, mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionNames } from '../api';
import { createBackend, defaultDirs, type Backend } from './backend';

describe('the handler table (real backend, engine pointed at a dead socket)', () => {
  let backend: Backend;
  beforeAll(async () => {
    const root = await mkdtemp(join(tmpdir(), 'porthole-backend-'));
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
      watch: false,
    });
  });
  afterAll(async () => {
    await backend.dispose();
  });

  it('has one handler per action of the contract', () => {
    expect(Object.keys(backend.handlers).sort()).toEqual([...actionNames].sort());
  });

  it('refuses unknown actions and invalid requests before any handler runs', async () => {
    expect(await backend.invoke('rmRf', {})).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await backend.invoke('hasOwnProperty', {})).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await backend.invoke('startMachine', { id: '../../etc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await backend.invoke('createMachine', { name: 'x', ramGiB: 'lots' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('ramGiB') },
    });
    expect((await backend.invoke('listMachines', {})).ok).toBe(true);
  });

  it('creates a machine record without the engine, and says plainly that starting needs it', async () => {
    const created = await backend.invoke('createMachine', { name: 'Offline' });
    expect(created.ok).toBe(true);
    const id = created.ok ? (created.value as { id: string }).id : '';
    const started = await backend.invoke('startMachine', { id });
    expect(started).toMatchObject({ ok: false, error: { code: 'ENGINE_UNAVAILABLE' } });
    expect(await backend.invoke('startMachine', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'ENGINE_UNAVAILABLE' },
    });
    expect(await backend.invoke('getMachine', { id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    const engine = await backend.invoke('engineStatus', {});
    expect(engine).toMatchObject({ ok: true, value: { connected: false, endpoint: 'unix:///nonexistent.sock' } });
  });

  it('shows every machine as unknown while the engine does not answer, never as absent', async () => {
    const created = await backend.invoke('createMachine', { name: 'Engine down' });
    expect(created).toMatchObject({ ok: true, value: { status: { phase: 'unknown', running: false } } });
    const list = await backend.invoke('listMachines', {});
    expect(list.ok).toBe(true);
    const views = list.ok ? (list.value as Array<{ status: { phase: string; message?: string } }>) : [];
    expect(views.length).toBeGreaterThan(0);
    for (const view of views) {
      expect(view.status.phase).toBe('unknown');
      expect(view.status.message).toMatch(/engine is not reachable/);
    }
  });

  it('refuses Remote Desktop for a machine that is not running (the client would trust any listener)', async () => {
    const created = await backend.invoke('createMachine', { name: 'Not running' });
    const id = created.ok ? (created.value as { id: string }).id : '';
    expect(await backend.invoke('openRemoteDesktop', { id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', remedy: expect.stringContaining('Start it') },
    });
  });

  it('refuses a change to what cannot change by its name, and changes nothing (never "ok" and ignored)', async () => {
    const created = await backend.invoke('createMachine', { name: 'Fixed fields' });
    const machine = created.ok ? (created.value as { id: string; storageDir: string; ports: unknown }) : null;
    expect(machine).not.toBeNull();
    const id = machine!.id;
    const tries: Array<[Record<string, unknown>, RegExp]> = [
      [{ storageDir: '/srv/elsewhere' }, /storageDir: the storage folder cannot change/],
      [{ ports: { web: 1234 } }, /ports: the host ports are Porthole’s to choose/],
      [{ id: 'another' }, /id: a machine’s id never changes/],
      [{ ramGiB: 4, colour: 'blue' }, /“colour” is not a field Porthole knows/],
    ];
    for (const [changes, message] of tries) {
      const answer = await backend.invoke('updateMachine', { id, changes });
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) },
      });
    }
    const after = await backend.invoke('getMachine', { id });
    expect(after).toMatchObject({ ok: true, value: { id, storageDir: machine!.storageDir, ports: machine!.ports } });
  });

  it('a disk raised before the image grew it goes back down to the disk there; a size past the free space asks first', async () => {
    const created = await backend.invoke('createMachine', { name: 'Disk typo', diskGiB: 64 });
    const machine = created.ok ? (created.value as { id: string; storageDir: string }) : null;
    const id = machine!.id;
    const raise = (diskGiB: number, confirmed?: boolean) =>
      backend.invoke('updateMachine', { id, changes: { diskGiB }, ...(confirmed ? { confirmed } : {}) });
    // No disk yet: any size is a first choice, down as well as up (up confirmed: this host's free space may be less).
    expect(await raise(100, true)).toMatchObject({ ok: true });
    expect(await raise(64)).toMatchObject({ ok: true });
    // The image made a 64 GB disk (sparse): raised by mistake, it may go back to 64, not below.
    await mkdir(machine!.storageDir, { recursive: true });
    await writeFile(join(machine!.storageDir, 'data.img'), '');
    await truncate(join(machine!.storageDir, 'data.img'), 64 * 1024 ** 3);
    expect(await raise(65)).toMatchObject({ ok: true });
    expect(await raise(64)).toMatchObject({ ok: true });
    expect(await raise(63)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/cannot shrink: it is 64 GB/) },
    });
    // 65,536 GB is no typo to keep without a word: it asks, and changes nothing until confirmed.
    const huge = await raise(65536);
    expect(huge).toMatchObject({
      ok: false,
      error: {
        code: 'CONFIRMATION_NEEDED',
        message: expect.stringMatching(/A 65536 GB disk can grow past the \d+ GB free .*Nothing was changed\./),
      },
    });
    expect(await backend.invoke('getMachine', { id })).toMatchObject({ ok: true, value: { diskGiB: 64 } });
    expect(await raise(65536, true)).toMatchObject({ ok: true, value: { machine: { diskGiB: 65536 } } });
  });

  it('never returns the password', async () => {
    const created = await backend.invoke('createMachine', { name: 'Secretive', password: 'hunter2' });
    expect(JSON.stringify(created)).not.toContain('hunter2');
    expect(created).toMatchObject({ ok: true, value: { hasPassword: true } });
  });

  it('machinePassword gives the password asked for; one created without gets a generated one, never admin', async () => {
    const chosen = await backend.invoke('createMachine', { name: 'Chosen', password: 'hunter2' });
    const chosenId = chosen.ok ? (chosen.value as { id: string }).id : '';
    expect(await backend.invoke('machinePassword', { id: chosenId })).toEqual({
      ok: true,
      value: { password: 'hunter2' },
    });

    const generated = await backend.invoke('createMachine', { name: 'Generated' });
    const id = generated.ok ? (generated.value as { id: string }).id : '';
    const revealed = await backend.invoke('machinePassword', { id });
    expect(revealed).toMatchObject({
      ok: true,
      value: { password: expect.stringMatching(/^[A-Za-z0-9]{20}$/) as unknown as string },
    });
    expect(JSON.stringify(revealed)).not.toContain('"admin"');
    expect(await backend.invoke('machinePassword', { id: 'no-such-machine' })).toMatchObject({ ok: false });
  });
});

describe('defaultDirs', () => {
  it('follows XDG and lets tests override', () => {
    expect(defaultDirs({ HOME: '/home/a' })).toEqual({
      configDir: '/home/a/.config/porthole',
      dataDir: '/home/a/.local/share/porthole',
      stateDir: '/home/a/.local/state/porthole',
      cacheDir: '/home/a/.cache/porthole',
    });
    expect(
      defaultDirs({
        HOME: '/h',
        XDG_CONFIG_HOME: '/c',
        XDG_DATA_HOME: '/d',
        XDG_STATE_HOME: '/s',
        XDG_CACHE_HOME: '/k',
      }),
    ).toEqual({
      configDir: '/c/porthole',
      dataDir: '/d/porthole',
      stateDir: '/s/porthole',
      cacheDir: '/k/porthole',
    });
    expect(
      defaultDirs({
        HOME: '/h',
        PORTHOLE_CONFIG_DIR: '/x',
        PORTHOLE_DATA_DIR: '/y',
        PORTHOLE_STATE_DIR: '/z',
        PORTHOLE_CACHE_DIR: '/w',
      }),
    ).toEqual({ configDir: '/x', dataDir: '/y', stateDir: '/z', cacheDir: '/w' });
  });
});

describe('a DOCKER_HOST Porthole cannot use', () => {
  it('is said by the engine status and by every call that needs the engine, never replaced by the default socket', async () => {
    const root = await mkdtemp(join(tmpdir(), 'porthole-backend-'));
    const backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      env: { ...process.env, DOCKER_HOST: 'npipe:////./pipe/docker_engine' },
      watch: false,
    });
    try {
      const status = await backend.invoke('engineStatus', {});
      expect(status).toMatchObject({
        ok: true,
        value: {
          connected: false,
          endpoint: 'npipe:////./pipe/docker_engine',
          message: expect.stringMatching(/^DOCKER_HOST is not usable: .*named pipe/) as unknown as string,
        },
      });
      expect(await backend.invoke('adoptableContainers', {})).toMatchObject({
        ok: false,
        error: { code: 'ENGINE_UNAVAILABLE', remedy: expect.stringMatching(/DOCKER_HOST/) as unknown as string },
      });
    } finally {
      await backend.dispose();
    }
  });
});
