import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../api';
import {
  APPS_FILE_MAX_BYTES,
  APPS_MAX,
  ICON_MAX_BYTES,
  ICONS_MAX_TOTAL_BYTES,
  parseAppsFiles,
  readAppsFolder,
  type AppsFolderRead,
} from '../apps/folder';
import { appsList, fakePng, HOST_SECRET, writeAppsFolder } from '../testing/hostile-apps';
import {
  APPS_OUTPUT_MAX_BYTES,
  APPS_SCRIPT,
  EngineHostApps,
  parseAppsOutput,
  receivedAppsFiles,
} from './engine-host-apps';
import type { EngineHostHelpers, HelperMount } from './engine-host-fs';

const SAMPLE = join(__dirname, '..', 'apps', 'fixtures', 'apps-sample');
const b64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-rapps-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The helper's script itself, run by this computer's sh on real folders: the one change is where the bound
 * folders are (`<dir>/r0` … for the container's `/r0` …), so no container is needed to test what it prints.
 */
function runScript(args: string[]): Promise<string> {
  const script = APPS_SCRIPT.replace('d="/r$i"', `d="${dir}/r$i"`);
  expect(script).not.toBe(APPS_SCRIPT);
  return new Promise((resolve, reject) =>
    execFile(
      'sh',
      ['-c', script, 'porthole-host-fs', ...args],
      { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', timeout: 30_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
}

/** The list as a remote read gives it: the script's output, parsed, then the same parser as a local read. */
async function readThere(args = ['porthole/apps'], folders = args.length): Promise<AppsFolderRead | null> {
  const there = parseAppsOutput(await runScript(args), folders);
  expect(there).not.toBeNull();
  return there!.from === null ? null : parseAppsFiles(receivedAppsFiles(there!.files));
}

const channel = (): string => join(dir, 'r0', 'porthole', 'apps');

describe('engine-host-apps: the helper script on real folders, read as a local folder is', () => {
  it('the sample as Windows writes it: the same programs, icons and warnings as a local read', async () => {
    await cp(SAMPLE, channel(), { recursive: true });
    const local = await readAppsFolder(channel(), { root: join(dir, 'r0') });
    const remote = await readThere();
    expect(remote).toEqual(local);
    expect(remote!.apps.map((a) => a.name)).toEqual(['Calculator', 'Notepad', 'Paint', 'Sneaky', 'Word & Co']);
    expect(
      remote!.apps
        .find((a) => a.name === 'Notepad')!
        .iconPng!.subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('no list anywhere: none; the first folder without one gives way to the next (the older Porthole’s shared folder)', async () => {
    await mkdir(join(dir, 'r0'), { recursive: true });
    expect(await readThere()).toBeNull();
    await mkdir(channel(), { recursive: true });
    await cp(SAMPLE, join(dir, 'r1', '.porthole', 'apps'), { recursive: true });
    const out = parseAppsOutput(await runScript(['porthole/apps', '.porthole/apps']), 2);
    expect(out!.from).toBe(1);
    expect((await parseAppsFiles(receivedAppsFiles(out!.files))).apps).toHaveLength(5);
  });

  it('links are never followed: the apps folder, apps.json, the icons folder and an icon; nothing of the target is printed', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await writeFile(
      join(outside, 'apps.json'),
      appsList(3, () => 'aaaaaaaaaaaa.png'),
    );
    await writeFile(join(outside, 'aaaaaaaaaaaa.png'), Buffer.concat([fakePng(64), Buffer.from(HOST_SECRET)]));
    await mkdir(join(dir, 'r0', 'porthole'), { recursive: true });

    await symlink(outside, channel());
    let out = await runScript(['porthole/apps']);
    expect(out).not.toContain(b64(HOST_SECRET).slice(0, 12));
    expect(await readThere()).toMatchObject({ state: 'unreadable', apps: [] });
    expect((await readThere())!.warnings[0]).toMatch(/^apps.json is reached through a link out of the folder/);
    await rm(channel());

    await mkdir(channel());
    await symlink(join(outside, 'apps.json'), join(channel(), 'apps.json'));
    expect(await readThere()).toMatchObject({
      state: 'unreadable',
      warnings: [expect.stringMatching(/symbolic link/)],
    });
    await rm(join(channel(), 'apps.json'));

    await writeFile(
      join(channel(), 'apps.json'),
      appsList(3, () => 'aaaaaaaaaaaa.png'),
    );
    await symlink(outside, join(channel(), 'icons'));
    out = await runScript(['porthole/apps']);
    expect(out).toContain('f icons/aaaaaaaaaaaa.png linked-folder');
    let read = await readThere();
    expect(read!.apps.map((a) => a.iconPng)).toEqual([null, null, null]);
    await rm(join(channel(), 'icons'));

    await mkdir(join(channel(), 'icons'));
    await symlink(join(outside, 'aaaaaaaaaaaa.png'), join(channel(), 'icons', 'aaaaaaaaaaaa.png'));
    out = await runScript(['porthole/apps']);
    expect(out).toContain('f icons/aaaaaaaaaaaa.png link');
    expect(out).not.toContain(b64(HOST_SECRET).slice(0, 12));
    read = await readThere();
    expect(read!.state).toBe('ok');
    expect(read!.warnings.join('\n')).toMatch(/symbolic link/);
    expect(JSON.stringify(read)).not.toContain('HOSTSECRET');
  });

  it('sizes: apps.json and icons past their caps are refused, a FIFO is not opened, the output stays bounded', async () => {
    await writeAppsFolder(
      join(dir, 'r0x'),
      appsList(4, (n) => `${'b'.repeat(11)}${n}.png`),
    );
    await mkdir(join(dir, 'r0'));
    await cp(join(dir, 'r0x', '.porthole'), join(dir, 'r0', 'porthole'), { recursive: true });
    const icons = join(channel(), 'icons');
    await writeFile(join(icons, 'bbbbbbbbbbb0.png'), fakePng(ICON_MAX_BYTES + 1));
    await writeFile(join(icons, 'bbbbbbbbbbb1.png'), fakePng(ICON_MAX_BYTES));
    await writeFile(join(icons, 'bbbbbbbbbbb2.png'), fakePng(16));
    await truncate(join(icons, 'bbbbbbbbbbb2.png'), 50 * 1024 * 1024);
    execFileSync('mkfifo', [join(icons, 'bbbbbbbbbbb3.png')]);
    const started = Date.now();
    const out = await runScript(['porthole/apps']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(out).toContain('f icons/bbbbbbbbbbb0.png too-large');
    expect(out).toContain('f icons/bbbbbbbbbbb2.png too-large');
    expect(out).toContain('f icons/bbbbbbbbbbb3.png not-a-file');
    expect(out.length).toBeLessThan(2 * ICON_MAX_BYTES);
    const read = await readThere();
    expect(read!.apps.map((a) => a.iconPng?.length ?? null)).toEqual([null, ICON_MAX_BYTES, null, null]);
    expect(read!.warnings.filter((w) => w.includes('larger than 256 KiB'))).toHaveLength(2);

    await writeFile(join(channel(), 'apps.json'), fakePng(16));
    await truncate(join(channel(), 'apps.json'), APPS_FILE_MAX_BYTES + 1);
    expect(await runScript(['porthole/apps'])).toBe('from=0\nf apps.json too-large\nend\n');
    expect(await readThere()).toMatchObject({
      state: 'unreadable',
      warnings: [`apps.json is more than the ${APPS_FILE_MAX_BYTES} bytes a list can be.`],
    });
  });

  it('the icons together: at most their budget is printed; UTF-16 lists (Out-File) name their icons too', async () => {
    const count = Math.ceil(ICONS_MAX_TOTAL_BYTES / ICON_MAX_BYTES) + 3;
    // A name beyond ASCII: its UTF-16 bytes, NULs dropped, are no UTF-8 (grep must still find the icon names).
    const list = appsList(count, (n) => `${n.toString(16).padStart(12, 'c')}.png`).replace('Program 0', 'Éditeur ☃');
    await mkdir(join(channel(), 'icons'), { recursive: true });
    await writeFile(
      join(channel(), 'apps.json'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(list, 'utf16le')]),
    );
    for (let n = 0; n < count; n++)
      await writeFile(join(channel(), 'icons', `${n.toString(16).padStart(12, 'c')}.png`), fakePng(ICON_MAX_BYTES));
    const out = await runScript(['porthole/apps']);
    expect(out.length).toBeLessThan(APPS_OUTPUT_MAX_BYTES);
    expect(out.match(/ over-budget$/gm)).toHaveLength(3);
    const read = await readThere();
    expect(read!.apps).toHaveLength(count);
    expect(read!.apps.filter((a) => a.iconPng).length).toBe(count - 3);
    expect(read!.warnings).toContain(
      '3 programs are shown without their icon: the icons together pass the 8 MiB Porthole reads.',
    );
  });
});

describe('engine-host-apps: parseAppsOutput on hostile or broken answers', () => {
  const png = fakePng(40);
  const frame = (name: string, bytes: Buffer): string => `f ${name} ok ${bytes.length} ${b64(bytes)}`;

  it('an answer without its end (cut, or the helper failed) is no answer', () => {
    expect(parseAppsOutput('', 1)).toBeNull();
    expect(parseAppsOutput(`from=0\n${frame('apps.json', Buffer.from('{}'))}\n`, 1)).toBeNull();
    expect(parseAppsOutput('sh: 1: timeout: not found\n', 1)).toBeNull();
    expect(parseAppsOutput('end\n', 1)).toEqual({ from: null, files: new Map() });
  });

  it('truncated or damaged frames are unreadable, never partial bytes; a length past the cap is too large', () => {
    const whole = frame('icons/aaaaaaaaaaaa.png', png);
    const out = [
      'from=0',
      whole.slice(0, -8),
      `f icons/bbbbbbbbbbbb.png ok 40 ${b64(png).replace('Q', '*')}`,
      `f icons/cccccccccccc.png ok 41 ${b64(png)}`,
      `f icons/dddddddddddd.png ok ${ICON_MAX_BYTES + 1} ${b64(png)}`,
      `f icons/eeeeeeeeeeee.png ok x ${b64(png)}`,
      'f icons/ffffffffffff.png ok',
      'end',
    ].join('\r\n');
    const files = parseAppsOutput(out, 1)!.files;
    expect(Object.fromEntries(files)).toEqual({
      'icons/aaaaaaaaaaaa.png': 'unreadable',
      'icons/bbbbbbbbbbbb.png': 'unreadable',
      'icons/cccccccccccc.png': 'unreadable',
      'icons/dddddddddddd.png': 'too-large',
      'icons/eeeeeeeeeeee.png': 'unreadable',
      'icons/ffffffffffff.png': 'unreadable',
    });
  });

  it('odd names, unknown refusals, extra fields and a folder index out of range are ignored; the first frame of a name wins', () => {
    const out = [
      'from=0',
      frame('../../etc/passwd', png),
      frame('icons/../../x.png', png),
      frame('icons/AAAAAAAAAAAA.png', png),
      frame('icons/aaaaaaaaaaaa.png.png', png),
      frame('apps.json/x', png),
      frame('icons/aaaaaaaaaaaa.png', png),
      frame('icons/aaaaaaaaaaaa.png', fakePng(8)),
      'f icons/bbbbbbbbbbbb.png exploded',
      'f icons/cccccccccccc.png link extra',
      `${frame('icons/dddddddddddd.png', png)} trailing`,
      'end',
    ].join('\n');
    expect([...parseAppsOutput(out, 1)!.files.keys()]).toEqual(['icons/aaaaaaaaaaaa.png']);
    expect(parseAppsOutput(out, 1)!.files.get('icons/aaaaaaaaaaaa.png')).toEqual(png);
    expect(parseAppsOutput(out.replace('from=0', 'from=1'), 1)).toEqual({ from: null, files: new Map() });
  });

  it('at most APPS_MAX icons and their byte budget are taken, whatever the helper printed', () => {
    const big = fakePng(ICON_MAX_BYTES);
    const lines = ['from=0'];
    for (let n = 0; n < 40; n++) lines.push(frame(`icons/${n.toString(16).padStart(12, 'a')}.png`, big));
    for (let n = 0; n < APPS_MAX + 5; n++) lines.push(`f icons/${n.toString(16).padStart(12, 'b')}.png link`);
    lines.push('end');
    const files = parseAppsOutput(lines.join('\n'), 1)!.files;
    expect(files.size).toBe(APPS_MAX);
    const values = [...files.values()];
    expect(values.filter(Buffer.isBuffer)).toHaveLength(ICONS_MAX_TOTAL_BYTES / ICON_MAX_BYTES);
    expect(values.filter((v) => v === 'over-budget')).toHaveLength(40 - ICONS_MAX_TOTAL_BYTES / ICON_MAX_BYTES);
  });
});

/** A fake helper runner (failure injection at the engine boundary), recording what it was asked. */
function fakeHelpers(answer: (mounts: readonly HelperMount[]) => string): {
  fs: EngineHostHelpers;
  runs: Array<{ mounts: readonly HelperMount[]; args: string[]; timeoutMs: number }>;
} {
  const runs: Array<{ mounts: readonly HelperMount[]; args: string[]; timeoutMs: number }> = [];
  const unused = (): never => {
    throw new Error('not used');
  };
  const fs: EngineHostHelpers = {
    host: 'engine.example',
    kind: unused,
    makeFolder: unused,
    writeFiles: unused,
    inspectIso: unused,
    run: (mounts, _script, args, opts) => {
      runs.push({ mounts, args, timeoutMs: opts.timeoutMs });
      try {
        return Promise.resolve(answer(mounts));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
  return { fs, runs };
}

describe('engine-host-apps: EngineHostApps through the helper runner', () => {
  const places = [
    { root: '/there/machines/a', dir: '/there/machines/a/porthole/apps' },
    { root: '/there/shared', dir: '/there/shared/.porthole/apps' },
  ];

  it('one run per read, every folder bound read-only, the apps folders as arguments, within a deadline', async () => {
    const { fs, runs } = fakeHelpers(() => `from=1\nf apps.json ok 2 ${b64('{}')}\nend\n`);
    const got = await new EngineHostApps(fs).read(places);
    expect(got?.index).toBe(1);
    expect(runs).toEqual([
      {
        mounts: [
          { source: '/there/machines/a', target: '/r0' },
          { source: '/there/shared', target: '/r1' },
        ],
        args: ['porthole/apps', '.porthole/apps'],
        timeoutMs: 30_000,
      },
    ]);
    expect(runs[0]!.mounts.every((m) => !m.write)).toBe(true);
  });

  it('a folder not there: none from it; with two, each is read alone to tell which', async () => {
    const missing = (path: string): Error =>
      new Error(`(HTTP code 400) invalid mount config for type "bind": bind source path does not exist: ${path}`);
    let fake = fakeHelpers(() => {
      throw missing('/there/machines/a');
    });
    expect(await new EngineHostApps(fake.fs).read(places.slice(0, 1))).toBeNull();
    fake = fakeHelpers((mounts) => {
      if (mounts.some((m) => m.source === '/there/machines/a')) throw missing('/there/machines/a');
      return `from=0\nf apps.json ok 2 ${b64('{}')}\nend\n`;
    });
    expect((await new EngineHostApps(fake.fs).read(places))?.index).toBe(1);
    expect(fake.runs.map((r) => r.mounts.length)).toEqual([2, 1, 1]);
  });

  it('failures are ENGINE_ERRORs in plain words, never the engine’s text; a PortholeError passes as it is', async () => {
    const cases: Array<[Error, RegExp]> = [
      [new Error('the helper container did not finish within 30 s'), /in time: the helper container there was stopped/],
      [new Error('(HTTP code 500) secret engine words /var/lib/docker'), /the engine refused the short-lived helper/],
    ];
    for (const [err, words] of cases) {
      const { fs } = fakeHelpers(() => {
        throw err;
      });
      const got = await new EngineHostApps(fs).read(places).catch((e: unknown) => e);
      expect(got).toBeInstanceOf(PortholeError);
      expect(got).toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(words) as string });
      expect((got as PortholeError).message).toContain('on engine.example (the engine');
      expect((got as PortholeError).message).not.toMatch(/HTTP|secret|docker/);
    }
    const cut = await new EngineHostApps(fakeHelpers(() => 'from=0\nf apps.json ok 2').fs)
      .read(places)
      .catch((e: unknown) => e);
    expect(cut).toMatchObject({ code: 'ENGINE_ERROR', message: expect.stringMatching(/no whole answer/) as string });
    const own = new PortholeError('ENGINE_UNAVAILABLE', 'no image there');
    const { fs } = fakeHelpers(() => {
      throw own;
    });
    await expect(new EngineHostApps(fs).read(places)).rejects.toBe(own);
  });
});
