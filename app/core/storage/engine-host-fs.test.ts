import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { PROBE_LABEL } from '../host/engine-host-probe';
import { engineHostFs } from './engine-host-fs';

interface Made {
  Image: string;
  Entrypoint: string[];
  Cmd: string[];
  Env: string[];
  Labels: Record<string, string>;
  NetworkDisabled: boolean;
  HostConfig: { Mounts: Array<{ Type: string; Source: string; Target: string; ReadOnly: boolean }> };
}

/**
 * The engine at the boundary: it has the folders `existing` (a bind of any other is refused, as the
 * engine refuses a missing source), runs nothing, and answers each container with `answer(made)`.
 */
function fakeEngine(existing: string[], answer: (made: Made) => string, images = ['img:1']) {
  const made: Made[] = [];
  const removed: number[] = [];
  const docker = {
    getImage: (name: string) => ({
      inspect: async () => (images.includes(name) ? {} : Promise.reject(new Error('no such image'))),
    }),
    listImages: async () => [
      ...images.map((name, i) => ({ RepoTags: [name], Size: 100 + i })),
      { RepoTags: ['<none>:<none>'], Size: 1 },
    ],
    createContainer: async (options: Made) => {
      if (options.Image.startsWith('noshell'))
        throw new Error(
          '(HTTP code 400) OCI runtime create failed: exec: "sh": executable file not found in $PATH: unknown',
        );
      const source = options.HostConfig.Mounts[0]!.Source;
      if (!existing.includes(source))
        throw new Error(
          `(HTTP code 400) invalid mount config for type "bind": bind source path does not exist: ${source}`,
        );
      made.push(options);
      const index = made.length - 1;
      return {
        start: async () => undefined,
        wait: async () => ({ StatusCode: 0 }),
        logs: async () => Buffer.from(answer(options).replace(/\n/g, '\r\n')),
        remove: async () => void removed.push(index),
      };
    },
  } as unknown as Docker;
  return { docker, made, removed };
}

describe('engineHostFs: files of a remote engine’s computer, looked at in short-lived containers there', () => {
  it('mounts the nearest folder the engine has, read-only, and passes the rest of the path as an argument (never in the script)', async () => {
    const engine = fakeEngine(['/', '/srv'], () => 'kind=missing\n');
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['img:1'] });
    expect(await fs.kind('/srv/vms/win 11')).toBe('missing');
    const last = engine.made.at(-1)!;
    expect(last.HostConfig.Mounts).toEqual([{ Type: 'bind', Source: '/srv', Target: '/host', ReadOnly: true }]);
    expect(last.Cmd).toEqual(['vms/win 11']);
    expect(last.Entrypoint.join(' ')).not.toContain('win 11');
    expect(last).toMatchObject({ Image: 'img:1', NetworkDisabled: true, Labels: { [PROBE_LABEL]: 'host-fs' } });
    expect(engine.removed).toEqual([0]);
  });

  it('makes a folder with its parent mounted read-write, and says whether it made it', async () => {
    const engine = fakeEngine(['/', '/data'], (m) =>
      m.Cmd[0] === 'porthole/machines/abc' ? 'made=yes\n' : 'made=no\n',
    );
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['img:1'] });
    expect(await fs.makeFolder('/data/porthole/machines/abc')).toEqual({ made: true });
    expect(engine.made[0]!.HostConfig.Mounts[0]).toMatchObject({ Source: '/data', ReadOnly: false });
  });

  it('writes files through the environment, names as arguments; refuses a name that is not a plain file name', async () => {
    const engine = fakeEngine(['/', '/d'], () => 'written=yes\n');
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['img:1'] });
    await fs.writeFiles('/d/oem', [{ name: 'install.bat', text: 'echo "$HOME" `x`\r\n' }]);
    expect(engine.made[0]!.Cmd).toEqual(['oem', 'install.bat']);
    expect(engine.made[0]!.Env).toEqual(['F0=echo "$HOME" `x`\r\n']);
    await expect(fs.writeFiles('/d/oem', [{ name: '../x', text: '' }])).rejects.toThrow(/plain file name/);
  });

  it('inspects an ISO there from the bytes the helper reads (hex), with the same rules as here', async () => {
    const sector = new Array(2048).fill(0);
    const pvd = [1, ...Buffer.from('CD001'), ...new Array(34).fill(0x20), ...Buffer.from('MY_LABEL'.padEnd(32, ' '))];
    pvd.forEach((b, i) => (sector[i] = b));
    const hex = sector.map((b: number) => b.toString(16).padStart(2, '0')).join(' ');
    const engine = fakeEngine(['/', '/isos'], () => `kind=file\nsize=20000000\n---bytes\n${hex}\n`);
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['img:1'] });
    expect(await fs.inspectIso('/isos/a.iso')).toEqual({
      path: '/isos/a.iso',
      sizeBytes: 20_000_000,
      format: 'iso9660',
      volumeLabel: 'MY_LABEL',
    });
    expect(engine.made[0]!.Cmd).toEqual(['a.iso', '16', '64']);
  });

  it('says where it looked when the ISO is missing there, too small there, or not an ISO', async () => {
    const answers = [
      'kind=missing\n',
      'kind=file\nsize=1000\n---bytes\n',
      'kind=file\nsize=20000000\n---bytes\n00 00 00\n',
      'kind=folder\n',
    ];
    let i = 0;
    const engine = fakeEngine(['/', '/isos'], () => answers[i++]!);
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['img:1'] });
    await expect(fs.inspectIso('/isos/a.iso')).rejects.toThrow(
      "The custom ISO /isos/a.iso does not exist: it may have been moved, renamed or deleted (on box, the engine's computer).",
    );
    await expect(fs.inspectIso('/isos/a.iso')).rejects.toThrow(/only 1000 bytes.*\(on box, the engine's computer\)/);
    await expect(fs.inspectIso('/isos/a.iso')).rejects.toThrow(/not an ISO image.*on box/);
    await expect(fs.inspectIso('/isos/a.iso')).rejects.toThrow(/is a folder, not an ISO file.*on box/);
    await expect(fs.inspectIso('isos/a.iso')).rejects.toThrow(/full path on box/);
  });

  it('with no machine image on the engine, says so and what to do (never pulls)', async () => {
    const engine = fakeEngine(['/'], () => '', []);
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['img:1'] });
    await expect(fs.kind('/x')).rejects.toMatchObject({
      code: 'ENGINE_UNAVAILABLE',
      message: expect.stringMatching(/the engine has none yet \(img:1 included\)/),
    });
    expect(engine.made).toEqual([]);
  });

  it('with no machine image there yet (a wizard on a fresh engine), runs in another image of the engine, skipping one without a shell', async () => {
    const engine = fakeEngine(['/'], () => 'kind=folder\n', ['noshell:1', 'small:1']);
    const fs = engineHostFs(engine.docker, { host: 'box', images: () => ['dockurr/windows:6.05'] });
    expect(await fs.kind('/srv')).toBe('folder');
    expect(engine.made.map((m) => m.Image)).toEqual(['small:1']);
  });

  it('refuses a relative folder with what to type', async () => {
    const fs = engineHostFs(fakeEngine(['/'], () => '').docker, { host: 'box', images: () => ['img:1'] });
    await expect(fs.makeFolder('vms')).rejects.toThrow(
      'A folder on box must be a full path (starting with /), not “vms”.',
    );
  });
});
