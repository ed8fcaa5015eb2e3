import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_FRAME_MAX_BYTES } from '../../api';
import { createBackend, type Backend } from '../backend';

/** A 1×1 PNG. */
const TINY = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A PNG header claiming width × height (the checks read only the IHDR chunk). */
function pngClaiming(width: number, height: number): string {
  const bytes = Buffer.from(TINY, 'base64');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes.toString('base64');
}

describe("a machine's last frame (real backend, real files, engine at a dead socket)", () => {
  let root: string;
  let backend: Backend;
  let id: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-frames-'));
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      cacheDir: join(root, 'cache'),
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' },
      watch: false,
    });
    const created = await backend.invoke('createMachine', { name: 'Framed' });
    if (!created.ok) throw new Error(created.error.message);
    id = (created.value as { id: string }).id;
  });
  afterAll(async () => {
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps a PNG in the cache folder and gives it back; none before', async () => {
    expect(await backend.invoke('lastFrame', { id })).toEqual({ ok: true, value: { png: null } });
    expect(await backend.invoke('saveLastFrame', { id, png: TINY })).toEqual({ ok: true, value: { ok: true } });
    expect(await readFile(join(root, 'cache', 'frames', `${id}.png`))).toEqual(Buffer.from(TINY, 'base64'));
    expect(await backend.invoke('lastFrame', { id })).toEqual({ ok: true, value: { png: TINY } });
  });

  it('refuses what is not a small PNG, and machines that do not exist', async () => {
    const notPng = Buffer.from('GIF89a not a png at all, just some bytes').toString('base64');
    expect(await backend.invoke('saveLastFrame', { id, png: notPng })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await backend.invoke('saveLastFrame', { id, png: 'not base64!' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await backend.invoke('saveLastFrame', { id, png: pngClaiming(4096, 300) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    const huge = Buffer.alloc(LAST_FRAME_MAX_BYTES + 1);
    Buffer.from(TINY, 'base64').copy(huge);
    expect(await backend.invoke('saveLastFrame', { id, png: huge.toString('base64') })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await backend.invoke('saveLastFrame', { id: 'no-such-machine', png: TINY })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await backend.invoke('saveLastFrame', { id: '../escape', png: TINY })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    // The refused ones changed nothing and left no temporary files.
    expect(await readdir(join(root, 'cache', 'frames'))).toEqual([`${id}.png`]);
    expect(await backend.invoke('lastFrame', { id })).toEqual({ ok: true, value: { png: TINY } });
  });

  it('never reads through a link, and a file that is not a PNG is no picture', async () => {
    const other = await backend.invoke('createMachine', { name: 'Linked' });
    if (!other.ok) throw new Error(other.error.message);
    const otherId = (other.value as { id: string }).id;
    const secret = join(root, 'secret.png');
    await writeFile(secret, Buffer.from(TINY, 'base64'));
    await symlink(secret, join(root, 'cache', 'frames', `${otherId}.png`));
    expect(await backend.invoke('lastFrame', { id: otherId })).toEqual({ ok: true, value: { png: null } });
    // Saving replaces the link itself, never the file it points to.
    await backend.invoke('saveLastFrame', { id: otherId, png: pngClaiming(2, 2) });
    expect(await readFile(secret)).toEqual(Buffer.from(TINY, 'base64'));
    await writeFile(join(root, 'cache', 'frames', `${otherId}.png`), 'text');
    expect(await backend.invoke('lastFrame', { id: otherId })).toEqual({ ok: true, value: { png: null } });
  });
});
