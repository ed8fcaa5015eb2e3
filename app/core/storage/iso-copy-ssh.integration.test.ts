import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { IsoCopyProgress, IsoCopyResult } from '../../api';
import Docker from 'dockerode';
import { uploadToFolder, UploadStopped } from './engine-host-upload';
import { runCliHere } from '../testing/cli';
import { Harness } from '../testing/harness';
import { TestSshd } from '../testing/test-sshd';
import { shThere, sha256There, helperContainers } from '../testing/engine-there';

const image = inject('standinImage');
const testIso = inject('testIso');
const SHARED = 'unix:///var/run/docker.sock';

/**
 * An ISO of this computer copied to an ssh engine's computer (this one, behind the test's own sshd in front
 * of the shared engine) through the engine's archive upload only. The data folder stands for "there": every
 * call of this process's fs module on a path under it fails (failure injection), so the bytes can only have
 * gone through the engine.
 */
const remote = vi.hoisted(() => ({ root: '/nonexistent-until-set', touched: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { guardedFsPromises } = await import('../testing/guarded-fs');
  return guardedFsPromises(await importOriginal<typeof import('node:fs/promises')>(), remote);
});

describe('copying an ISO to an ssh engine’s computer', { timeout: 60_000 }, () => {
  let sshd: TestSshd;
  let h: Harness;
  let here: string;
  let iso: string;
  let isos: string;
  const progress: IsoCopyProgress[] = [];
  const started = Date.now();

  beforeAll(async () => {
    sshd = await TestSshd.start(SHARED);
    h = await Harness.create({ ...sshd.env(), PORTHOLE_DEFAULT_IMAGE: image });
    await h.waitForEngine(true, 30_000);
    h.backend.subscribe((e) => {
      if (e.event === 'isoCopyProgress') progress.push(e.payload);
    });
    remote.root = h.dataDir;
    isos = `${h.dataDir}/isos`;
    here = await mkdtemp(join(tmpdir(), 'porthole-iso-copy-'));
    // About 30 MB shaped like an ISO: the bootable test ISO with random bytes after it (its descriptors stay).
    iso = join(here, 'Win 11 (test).iso');
    await shThere('cp "$1" "$2" && head -c 20000000 /dev/urandom >> "$2"', testIso, iso);
  }, 60_000);

  afterAll(async () => {
    remote.root = '/nonexistent-until-set';
    await h?.cleanup([]).catch(() => undefined);
    await sshd?.dispose();
    if (here) await rm(here, { recursive: true, force: true });
    console.info(`iso copy over ssh: ${Date.now() - started} ms in all`);
  }, 60_000);

  it('copies it byte for byte into the data folder’s isos there, with progress; again: reuses it', async () => {
    const size = Number(await shThere('stat -c %s "$1"', iso));
    expect(size).toBeGreaterThan(29_000_000);
    let at = Date.now();
    const copied = await h.call('copyIsoToEngine', { path: iso, copyId: 'copy-test-1' });
    console.info(`copy of ${size} bytes over ssh: ${Date.now() - at} ms`);
    expect(copied).toEqual({
      path: `${isos}/Win 11 (test).iso`,
      host: '127.0.0.1',
      sizeBytes: size,
      sha256: await sha256There(iso),
      reused: false,
      renamed: false,
    });
    expect(await sha256There(copied.path)).toBe(copied.sha256);
    expect(await shThere('stat -c %a "$1"', copied.path)).toBe('644');
    const mine = progress.filter((p) => p.copyId === 'copy-test-1');
    expect(mine[0]).toMatchObject({ phase: 'checking', doneBytes: 0, totalBytes: size });
    expect(mine.some((p) => p.phase === 'copying' && p.doneBytes === size)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ phase: 'verifying', doneBytes: size });
    // The machine layer takes it: it is an ISO there.
    expect(await h.call('inspectIso', { path: copied.path })).toMatchObject({ sizeBytes: size });

    at = Date.now();
    const again = await h.call('copyIsoToEngine', { path: iso, copyId: 'copy-test-2' });
    console.info(`the same again (reused): ${Date.now() - at} ms`);
    expect(again).toMatchObject({ path: copied.path, reused: true, renamed: false });
    expect(progress.some((p) => p.copyId === 'copy-test-2' && p.phase === 'copying')).toBe(false);
    expect(await shThere('ls -A "$1"', isos)).toBe('Win 11 (test).iso');
    expect(remote.touched).toEqual([]);
    expect(await helperContainers()).toBe('');
  });

  it('a different file of the name there stays: the copy takes “name (2).iso”', async () => {
    const other = join(here, 'other', 'Win 11 (test).iso');
    await shThere('mkdir -p "$(dirname "$2")" && cp "$1" "$2" && head -c 1000000 /dev/urandom >> "$2"', testIso, other);
    const before = await sha256There(`${isos}/Win 11 (test).iso`);
    const copied = await h.call('copyIsoToEngine', { path: other, copyId: 'copy-test-3' });
    expect(copied).toMatchObject({ path: `${isos}/Win 11 (test) (2).iso`, reused: false, renamed: true });
    expect(await sha256There(copied.path)).toBe(await sha256There(other));
    expect(await sha256There(`${isos}/Win 11 (test).iso`)).toBe(before);
    expect(await helperContainers()).toBe('');
  });

  it('porthole iso copy FILE --folder DIR --json: the path there; exit codes 0 and 1', async () => {
    const env = sshd.env({});
    vi.stubEnv('DOCKER_HOST', env.DOCKER_HOST!);
    vi.stubEnv('PORTHOLE_SSH_CONFIG', env.PORTHOLE_SSH_CONFIG!);
    vi.stubEnv('PORTHOLE_DEFAULT_IMAGE', image);
    vi.stubEnv('PORTHOLE_CONFIG_DIR', h.configDir);
    vi.stubEnv('PORTHOLE_DATA_DIR', h.dataDir);
    // The CLI's own backend looks at the data folder itself as it starts (its disk space); what is in it stays "there".
    remote.root = `${h.dataDir}/`;
    try {
      const folder = `${h.dataDir}/by-cli`;
      const done = await runCliHere('iso', 'copy', iso, '--folder', folder, '--json');
      expect(done.code, done.err).toBe(0);
      const result = JSON.parse(done.out) as IsoCopyResult;
      expect(result).toMatchObject({ path: `${folder}/Win 11 (test).iso`, reused: false });
      expect(await sha256There(result.path)).toBe(await sha256There(iso));
      const human = await runCliHere('iso', 'copy', iso, '--folder', folder);
      expect(human.code, human.err).toBe(0);
      expect(human.out).toContain(`was on 127.0.0.1 already: nothing was copied.\nOn 127.0.0.1: ${result.path}\n`);
      const refused = await runCliHere('iso', 'copy', join(here, 'gone.iso'), '--json');
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.out)).toMatchObject({ error: { code: 'ISO_INVALID' } });
    } finally {
      vi.unstubAllEnvs();
      remote.root = h.dataDir;
    }
    expect(await helperContainers()).toBe('');
    expect(remote.touched).toEqual([]);
  });

  it('cancelled while it copies: refused as cancelled, no partial file and no helper left', async () => {
    const folder = `${h.dataDir}/cancel-here`;
    const stop = h.backend.subscribe((e) => {
      // Cancelled from inside the first progress of the bytes: the copy is under way.
      if (e.event === 'isoCopyProgress' && e.payload.copyId === 'copy-test-4' && e.payload.phase === 'copying')
        void h.backend.invoke('cancelIsoCopy', { copyId: 'copy-test-4' });
    });
    try {
      await expect(h.call('copyIsoToEngine', { path: iso, folder, copyId: 'copy-test-4' })).rejects.toMatchObject({
        code: 'CANCELLED',
      });
    } finally {
      stop();
    }
    expect(await shThere('ls -A "$1"', folder)).toBe('');
    expect(await h.call('cancelIsoCopy', { copyId: 'copy-test-4' })).toEqual({ cancelled: false });
    expect(await helperContainers()).toBe('');
    expect(remote.touched).toEqual([]);
  });

  it('refused first, nothing copied: not an ISO, a missing file, too little free space there', async () => {
    const junk = join(here, 'junk.iso');
    await shThere('head -c 12000000 /dev/urandom > "$1"', junk);
    const folder = `${h.dataDir}/refusals`;
    await expect(h.call('copyIsoToEngine', { path: junk, folder, copyId: 'copy-test-5' })).rejects.toMatchObject({
      code: 'ISO_INVALID',
      message: expect.stringContaining('is not an ISO image') as string,
    });
    await expect(
      h.call('copyIsoToEngine', { path: join(here, 'gone.iso'), folder, copyId: 'copy-test-6' }),
    ).rejects.toMatchObject({ code: 'ISO_INVALID', message: expect.stringContaining('does not exist') as string });
    // A 16 MB file system there: the 30 MB ISO does not fit.
    const small = `${h.dataDir}/small-disk`;
    await shThere('mkdir -p "$1" && mount -t tmpfs -o size=16m porthole-iso-copy-it "$1"', small);
    try {
      await expect(
        h.call('copyIsoToEngine', { path: iso, folder: small, copyId: 'copy-test-7' }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/free, and the ISO needs .* Nothing was copied\./) as string,
      });
      expect(await shThere('ls -A "$1"', small)).toBe('');
    } finally {
      await shThere('umount "$1"', small);
    }
    await expect(shThere('test -e "$1" && echo there', folder)).rejects.toThrow();
    expect(await helperContainers()).toBe('');
    expect(remote.touched).toEqual([]);
  });

  it('an engine that stops taking bytes fails the upload after the inactivity deadline; its helper goes', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'porthole-iso-idle-'));
    let release: () => void = () => undefined;
    // One piece, then nothing: the file "hangs" as a stalled connection would.
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(4096, 7);
      await new Promise<void>((resolve) => (release = resolve));
    }
    const at = Date.now();
    try {
      const failed = await uploadToFolder({
        docker: new Docker({ socketPath: '/var/run/docker.sock' }),
        images: [image],
        host: 'this computer',
        folder,
        partial: '.porthole-upload-idle.part',
        size: 1024 * 1024,
        mtimeSeconds: 0,
        source: stalled(),
        onBytes: () => undefined,
        signal: new AbortController().signal,
        idleMs: 1500,
      }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(UploadStopped);
      expect(failed).toMatchObject({ reason: 'idle', message: 'the engine took no bytes for 2 s' });
      expect(Date.now() - at).toBeLessThan(15_000);
      expect(await helperContainers()).toBe('');
    } finally {
      release();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
