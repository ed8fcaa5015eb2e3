// Packaging files under build/ and resources/: validated with the freedesktop tools, kept
// consistent with each other, and the afterPack fuse hook run against a stand-in binary.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appArmorCommands, appArmorProfile } from '../core/host/sandbox';
import { parse } from 'yaml';
import { shippedFiles } from './testing/shipped-files';
import { runValidator } from './testing/validators';

const root = resolve(import.meta.dirname, '..', '..');
const DESKTOP_FILE = join(root, 'build', 'io.porthole.Porthole.desktop');
const METAINFO_FILE = join(root, 'build', 'io.porthole.Porthole.metainfo.xml');

const validate = runValidator;

function desktopEntry(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9-]+)=(.*)$/.exec(line);
    if (m) entries[m[1]!] = m[2]!;
  }
  return entries;
}

interface BuilderConfig {
  appId: string;
  productName: string;
  executableName: string;
  directories: { buildResources: string; output: string };
  files: string[];
  extraResources: { from: string; to: string }[];
  extraFiles: { from: string; to: string }[];
  extraMetadata: { desktopName: string };
  afterPack: string;
  linux: {
    target: string[];
    category: string;
    icon: string;
    syncDesktopName: boolean;
    desktop: { entry: Record<string, string> };
  };
  deb: { recommends: string[]; fpm: string[] };
  rpm: { fpm: string[] };
}

const builder = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('desktop integration files', () => {
  it('the desktop entry passes desktop-file-validate', () => {
    validate('desktop-file-validate', [DESKTOP_FILE], 'desktop-file-utils');
  });

  it('the AppStream metainfo passes appstreamcli validate', () => {
    validate('appstreamcli', ['validate', '--no-net', METAINFO_FILE], 'appstream');
  });

  it('the metainfo, the desktop entry and electron-builder name the same app', async () => {
    const xml = await readFile(METAINFO_FILE, 'utf8');
    expect(xml).toContain(`<id>${builder.appId}</id>`);
    expect(xml).toContain(`<launchable type="desktop-id">${builder.extraMetadata.desktopName}</launchable>`);
    expect(xml).toContain(`<binary>${builder.executableName}</binary>`);
    expect(builder.extraMetadata.desktopName).toBe(`${builder.appId}.desktop`);
    expect(builder.linux.syncDesktopName).toBe(true);
    const entry = desktopEntry(await readFile(DESKTOP_FILE, 'utf8'));
    expect(entry.Exec).toBe(builder.executableName);
    expect(entry.Icon).toBe(builder.executableName); // electron-builder installs the icons under executableName
    expect(entry.StartupWMClass).toBe(builder.productName); // X11 WM_CLASS is app.name, set in index.ts
    for (const [key, value] of Object.entries(builder.linux.desktop.entry)) expect(entry[key], key).toBe(value);
    expect(`${builder.linux.category};`).toBe(entry.Categories);
  });
});

describe('electron-builder.yml', () => {
  it('packages out/ for Linux as AppImage, deb, rpm and tar.gz', () => {
    expect(builder).toMatchObject({
      appId: 'io.porthole.Porthole',
      productName: 'Porthole',
      executableName: 'porthole',
      directories: { buildResources: 'build', output: 'dist' },
    });
    expect(builder.linux.target).toEqual(['AppImage', 'deb', 'rpm', 'tar.gz']);
    expect(builder.linux.category).toBe('System;Emulator');
  });

  it('recommends every helper a feature runs: a container engine, FreeRDP 3 or 2, secret-tool and gdbus', () => {
    expect(builder.deb.recommends).toEqual([
      'docker.io | podman',
      'freerdp3-x11 | freerdp2-x11',
      'libsecret-tools',
      'libglib2.0-bin',
    ]);
    const rpm = builder.rpm.fpm.join('\n');
    expect(rpm).toMatch(/^Recommends: .*podman/m);
    expect(rpm).toContain('Recommends: (/usr/bin/xfreerdp3 or /usr/bin/xfreerdp)');
    expect(rpm).toContain('Recommends: /usr/bin/secret-tool');
    expect(rpm).toContain('Recommends: /usr/bin/gdbus');
    // Each Recommends is its own --rpm-tag.
    for (const [i, arg] of builder.rpm.fpm.entries())
      if (arg.startsWith('Recommends:')) expect(builder.rpm.fpm[i - 1]).toBe('--rpm-tag');
  });

  it('puts the metainfo in every package: /usr/share/metainfo in the deb and rpm, usr/share/metainfo in the AppImage', () => {
    for (const fpm of [builder.deb.fpm, builder.rpm.fpm]) {
      expect(fpm).toContain(
        'build/io.porthole.Porthole.metainfo.xml=/usr/share/metainfo/io.porthole.Porthole.metainfo.xml',
      );
    }
    expect(builder.extraFiles).toContainEqual({
      from: 'build/io.porthole.Porthole.metainfo.xml',
      to: 'usr/share/metainfo/io.porthole.Porthole.metainfo.xml',
    });
  });

  it('points at files that exist', () => {
    expect(existsSync(join(root, builder.afterPack))).toBe(true);
    expect(existsSync(join(root, builder.linux.icon, '512x512.png'))).toBe(true);
    for (const r of [...builder.extraResources, ...builder.extraFiles])
      expect(existsSync(join(root, r.from)), r.from).toBe(true);
  });
});

describe('what the packages ship from the build', () => {
  it('the main process, the preload, the renderer and package.json; no source map, no Node bundle, nothing a test wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-files-'));
    try {
      // What `npm run build` writes, and what tests leave under out/ (the keyring test's CLI copy, a source map).
      const tree = [
        'package.json',
        'out/main/index.js',
        'out/main/chunks/main-X.js',
        'out/main/index.js.map',
        'out/preload/index.cjs',
        'out/renderer/index.html',
        'out/renderer/assets/index-X.js',
        'out/renderer/assets/index-X.js.map',
        'out/node/cli.js',
        'out/node/cli.js.map',
        'out/it-keyring/cli.js',
        'app/main/index.ts',
        'e2e/results/trace.zip',
      ];
      for (const f of tree) {
        await mkdir(join(dir, f, '..'), { recursive: true });
        await writeFile(join(dir, f), '');
      }
      expect(shippedFiles(dir, builder.files)).toEqual([
        'out/main/chunks/main-X.js',
        'out/main/index.js',
        'out/preload/index.cjs',
        'out/renderer/assets/index-X.js',
        'out/renderer/index.html',
        'package.json',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('icons', () => {
  function pngSize(file: string): [number, number] {
    const b = readFileSync(file);
    expect(b.subarray(1, 4).toString('latin1'), file).toBe('PNG');
    return [b.readUInt32BE(16), b.readUInt32BE(20)];
  }

  it('the app icon exists in every size from 16 to 512', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(root, 'resources/icons/app', `${size}x${size}.png`))).toEqual([size, size]);
    }
  });

  it('each tray state has an icon at 22 px and @2x', () => {
    for (const state of ['stopped', 'starting', 'running', 'failed']) {
      expect(pngSize(join(root, 'resources/icons/tray', `tray-${state}.png`))).toEqual([22, 22]);
      expect(pngSize(join(root, 'resources/icons/tray', `tray-${state}@2x.png`))).toEqual([44, 44]);
      expect(existsSync(join(root, 'resources/tray', `${state}.svg`))).toBe(true);
    }
  });
});

describe('the afterPack hook', () => {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  type Hook = { flipPortholeFuses(executable: string): Promise<void>; default: (context: unknown) => Promise<void> };
  const loadHook = async (): Promise<Hook> =>
    (await import(pathToFileURL(join(root, 'build', 'after-pack.mjs')).href)) as Hook;

  /** A file with a fuse wire like Electron's: sentinel, version 1, length, then one '0'/'1' per fuse. */
  async function standIn(wire: string): Promise<{ dir: string; file: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-fuses-'));
    const file = join(dir, 'porthole');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('ELF...'),
        Buffer.from(SENTINEL),
        Buffer.from([1, wire.length]),
        Buffer.from(wire),
        Buffer.from('...'),
      ]),
    );
    return { dir, file };
  }
  const wireOf = async (file: string): Promise<string> => {
    const b = await readFile(file);
    const at = b.indexOf(SENTINEL) + SENTINEL.length;
    return b.subarray(at + 2, at + 2 + b[at + 1]!).toString('latin1');
  };

  it('puts the launcher in the executable’s place and flips the fuses of Electron, moved beside it as porthole.bin', async () => {
    const { dir, file } = await standIn('11111101');
    try {
      await (
        await loadHook()
      ).default({ electronPlatformName: 'linux', appOutDir: dir, packager: { executableName: 'porthole' } });
      // RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol
      expect(await wireOf(`${file}.bin`)).toBe('01001100');
      expect(await readFile(file, 'utf8')).toBe(await readFile(join(root, 'build', 'launcher.sh'), 'utf8'));
      expect((await stat(file)).mode & 0o111).toBe(0o111);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails the build when the binary has no fuse wire', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-fuses-'));
    try {
      await writeFile(join(dir, 'porthole'), 'not electron');
      await expect((await loadHook()).flipPortholeFuses(join(dir, 'porthole'))).rejects.toThrow(/sentinel/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

type Workflow = {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      'runs-on'?: string;
      needs?: string | string[];
      uses?: string;
      steps?: { run?: string; uses?: string; with?: Record<string, string> }[];
    }
  >;
};
const workflow = (name: string): Workflow =>
  parse(readFileSync(join(root, '.github/workflows', name), 'utf8')) as Workflow;

describe('the release workflow', () => {
  it('builds on v* tags with npm ci and npm run dist, attaches dist/* to the release, and only after the whole suite passed', () => {
    const wf = workflow('release.yml');
    expect((wf.on.push as { tags: string[] }).tags).toEqual(['v*']);
    const [name, job] = Object.entries(wf.jobs).find(([, j]) =>
      (j.steps ?? []).some((s) => s.run?.includes('npm run dist')),
    )!;
    expect(job['runs-on']).toBe('ubuntu-latest');
    const runs = (job.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm ci');
    expect(JSON.stringify(job.steps)).toContain('dist/*');
    const needs = [job.needs ?? []].flat();
    expect(needs.length, `${name} must wait for the test job`).toBeGreaterThan(0);
    for (const n of needs) expect(wf.jobs[n]?.uses).toBe('./.github/workflows/ci.yml');
  });
});

describe('the CI workflow', () => {
  it('runs .ci/run on every push and pull request, and can be called by the release', () => {
    const wf = workflow('ci.yml');
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'workflow_call']);
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps ?? []);
    expect(steps.map((s) => s.run ?? '')).toContain('bash .ci/run');
  });

  it('builds the packages and smoke-tests the .deb installed in a clean container', () => {
    const wf = workflow('ci.yml');
    const runs = (name: string): string => (wf.jobs[name]?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs('packages')).toContain('npm run dist');
    expect(runs('packages')).toContain('asar list');
    const installed = wf.jobs['installed-deb']!;
    expect(installed.needs).toBe('packages');
    expect((installed as { container?: { image?: string } }).container?.image).toBe('debian:bookworm');
    expect(runs('installed-deb')).toContain('bash e2e/installed/smoke.sh dist/*.deb');
    expect(existsSync(join(root, 'e2e/installed/smoke.sh'))).toBe(true);
  });
});

describe('the launcher (build/launcher.sh)', () => {
  const LAUNCHER = join(root, 'build', 'launcher.sh');
  const APPIMAGE = "/home/alice/My Apps/Porthole's [beta].AppImage";
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-launcher-'));
    await mkdir(join(dir, 'opt'), { recursive: true });
    await copyFile(LAUNCHER, join(dir, 'opt', 'porthole'));
    await chmod(join(dir, 'opt', 'porthole'), 0o755);
    // Electron's stand-in: says how it was started.
    await writeFile(join(dir, 'opt', 'porthole.bin'), '#!/bin/sh\nprintf "ran:%s\\n" "$@"\n', { mode: 0o755 });
    await symlink(join(dir, 'opt', 'porthole'), join(dir, 'usr-bin-porthole'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function proc(restrict: string | null, label: string | null): Promise<string> {
    const p = await mkdtemp(join(dir, 'proc-'));
    if (restrict !== null) {
      await mkdir(join(p, 'sys', 'kernel'), { recursive: true });
      await writeFile(join(p, 'sys', 'kernel', 'apparmor_restrict_unprivileged_userns'), `${restrict}\n`);
    }
    if (label !== null) {
      await mkdir(join(p, 'self', 'attr', 'apparmor'), { recursive: true });
      await writeFile(join(p, 'self', 'attr', 'apparmor', 'current'), `${label}\n`);
    }
    return p;
  }
  const run = (entry: string, args: string[], env: Record<string, string>) =>
    spawnSync(entry, args, { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });

  it('runs Electron with every argument, through the /usr/bin link too', async () => {
    for (const entry of [join(dir, 'opt', 'porthole'), join(dir, 'usr-bin-porthole')]) {
      const r = run(entry, ['app', 'office', 'My File.txt'], {});
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('ran:app\nran:office\nran:My File.txt\n');
    }
  });

  it('runs Electron from an AppImage where user namespaces are free, or its profile applies', async () => {
    for (const [restrict, label] of [
      ['0', 'unconfined'],
      [null, null],
      ['1', 'porthole-appimage (unconfined)'],
    ] as const) {
      const r = run(join(dir, 'opt', 'porthole'), ['check'], {
        APPIMAGE,
        PORTHOLE_PROC_ROOT: await proc(restrict, label),
      });
      expect(r.stdout, `${restrict} ${label}`).toBe('ran:check\n');
    }
  });

  it('in an AppImage on a restricting system without a profile: no Electron, the same profile and commands as porthole check', async () => {
    const r = run(join(dir, 'opt', 'porthole'), ['--hidden'], {
      APPIMAGE,
      PORTHOLE_PROC_ROOT: await proc('1', 'unconfined'),
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    const indented = appArmorProfile(APPIMAGE)
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`.trimEnd())
      .join('\n');
    expect(
      r.stderr
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n'),
    ).toContain(indented);
    for (const command of appArmorCommands(APPIMAGE, sudo)) expect(r.stderr).toContain(`    ${command}\n`);
    expect(r.stderr).toContain('Do not start it with --no-sandbox');
  });
});
