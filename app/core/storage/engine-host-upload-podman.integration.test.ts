import Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PrivatePodman } from '../testing/private-podman';
import { uploadToFolder } from './engine-host-upload';

const image = inject('standinImage');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Podman's Docker-compatible API takes the same archive upload into a bound folder of a helper container. */
describe('the ISO upload on a Podman engine', () => {
  let podman: PrivatePodman;
  let folder: string;
  beforeAll(async () => {
    podman = await PrivatePodman.start({ image });
    folder = await mkdtemp(join(tmpdir(), 'porthole-podman-upload-'));
  }, 180_000);
  afterAll(async () => {
    await podman?.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  }, 60_000);

  it('streams the file into the folder byte for byte (mode 0644), and its helper goes', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 7);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < data.length; at += 65_536) yield data.subarray(at, at + 65_536);
    }
    let sent = 0;
    await uploadToFolder({
      docker: new Docker({ socketPath: podman.host.replace(/^unix:\/\//, '') }),
      images: [image],
      host: 'podman',
      folder,
      partial: '.porthole-upload-podman.part',
      size: data.length,
      mtimeSeconds: 0,
      source: pieces(),
      onBytes: (c) => (sent += c.length),
      signal: new AbortController().signal,
    });
    expect(sent).toBe(data.length);
    expect(await readdir(folder)).toEqual(['.porthole-upload-podman.part']);
    const file = join(folder, '.porthole-upload-podman.part');
    expect(sha256(await readFile(file))).toBe(sha256(data));
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect((await podman.docker('ps', '-aq')).trim()).toBe('');
  });
});
