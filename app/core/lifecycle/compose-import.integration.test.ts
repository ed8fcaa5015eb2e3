import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Harness } from '../testing/harness';
import { PrivateEngine } from '../testing/private-engine';
import { freePorts } from './ports';

const run = promisify(execFile);
const standin = inject('standinImage');
/** The stand-in under the name dockur's README uses: only in the private engine. */
const DOCKUR = 'dockurr/windows:porthole-standin';
const BASIC = join(__dirname, '..', 'machine', 'fixtures', 'dockur', 'basic.yml');
const MARKER = 'PORTHOLE-TEST-SETUP-DONE';

/**
 * Coming from dockur: the README's compose file, run with Debian's docker-compose on the stand-in,
 * installs Windows (the stand-in's simulated Setup); Porthole imports it from the file's folder and
 * finds that Windows instead of installing a new one on an empty folder.
 */
describe('importing a compose file docker-compose ran (private engine, stand-in image)', () => {
  let engine: PrivateEngine;
  let tmp: string;
  let project: string;
  const harnesses: Harness[] = [];

  const compose = (...args: string[]): Promise<{ stdout: string }> =>
    run('docker-compose', ['-p', 'dockurtest', ...args], { cwd: project, env: engine.env(), timeout: 120_000 });

  /** Resolves on the first log line of `container` matching `line` (follows the log: no polling). */
  const logLine = (container: string, line: string, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn('docker', ['-H', engine.env().DOCKER_HOST!, 'logs', '-f', container], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let seen = '';
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`no "${line}" in the log of ${container} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString();
        if (!seen.includes(line)) return;
        clearTimeout(timer);
        child.kill();
        resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });

  beforeAll(async () => {
    engine = await PrivateEngine.start({ image: standin });
    await engine.docker('tag', standin, DOCKUR);
    tmp = await mkdtemp(join(tmpdir(), 'porthole-compose-import-'));
    project = join(tmp, 'dockur');
    await mkdir(join(project, 'windows'), { recursive: true });
    await mkdir(join(project, 'oem'));
    // The README's file as it is, but for what this test machine needs: the stand-in's name, free
    // ports (8006 may be taken here), no KVM (nested host), small sizes, and an install.bat whose
    // COM1 line tells the test that the simulated Setup finished.
    const [web, rdp] = await freePorts(2, new Set());
    const basic = (await readFile(BASIC, 'utf8'))
      .replace('image: dockurr/windows', `image: ${DOCKUR}`)
      .replace('- 8006:8006', `- ${web}:8006`)
      .replace('- 3389:3389/tcp', `- ${rdp}:3389/tcp`)
      .replace('- 3389:3389/udp', `- ${rdp}:3389/udp`)
      .replace('VERSION: "11"', 'VERSION: "11"\n      KVM: "N"\n      RAM_SIZE: "2G"\n      CPU_CORES: "1"')
      .replace('- ./windows:/storage', '- ./windows:/storage\n      - ./oem:/oem');
    expect(basic).toContain(`image: ${DOCKUR}`);
    await writeFile(join(project, 'compose.yml'), basic);
    await writeFile(join(project, 'oem', 'install.bat'), `echo ${MARKER} > COM1\r\n`);

    await compose('up', '-d');
    await logLine('windows', MARKER, 120_000);
    await compose('stop');
    // The stand-in marks the install complete at the first shutdown after Setup, as the image does.
    await stat(join(project, 'windows', 'windows.boot'));
  }, 300_000);

  afterAll(async () => {
    for (const harness of harnesses) await harness.cleanup([]);
    await engine.dispose();
    await rm(tmp, { recursive: true, force: true });
  });

  it('offers the compose-made container for adoption instead of a second container on its disk, and adopts it when asked', async () => {
    const h = await Harness.create(engine.env());
    harnesses.push(h);
    await h.waitForEngine(true);
    const yaml = await readFile(join(project, 'compose.yml'), 'utf8');
    const offered = await h.call('importCompose', { yaml, baseDir: project });
    expect(offered.machines).toEqual([]);
    expect(offered.adoptable).toEqual([
      expect.objectContaining({
        name: 'windows',
        running: false,
        storageDir: join(project, 'windows'),
        service: 'windows',
      }),
    ]);
    expect(await h.call('listMachines', {})).toEqual([]);

    // Creating a machine on that folder by hand is refused too.
    await expect(
      h.call('createMachine', { name: 'Second', image: standin, kvm: false, storageDir: join(project, 'windows') }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('The container “windows” already uses'),
    });

    // A second container on the same folder: nothing is imported or adopted while two share it.
    await engine.docker('create', '--name', 'windows-copy', '-v', `${join(project, 'windows')}:/storage`, DOCKUR);
    await expect(h.call('importCompose', { yaml, baseDir: project, adopt: true })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /2 containers already use .* \(“windows”, “windows-copy”\)|2 containers already use .* \(“windows-copy”, “windows”\)/,
      ),
    });
    await expect(h.call('adoptContainer', { containerId: 'windows' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('The container “windows-copy” already uses'),
    });
    expect(await h.call('listMachines', {})).toEqual([]);
    await engine.docker('rm', 'windows-copy');

    const adopted = await h.call('importCompose', { yaml, baseDir: project, adopt: true });
    expect(adopted.machines).toHaveLength(1);
    expect(adopted.machines[0]).toMatchObject({ name: 'windows', storageDir: join(project, 'windows') });
    expect(adopted.notes.join('\n')).toMatch(
      /Adopted the container “windows” \(service “windows”\) as “windows”, with Windows 11 Pro installed in .*\/windows \(64 GB disk\)/,
    );
  });

  it('without the container, imports the installed Windows from the file’s folder and boots it without a second install', async () => {
    await compose('down');
    const h = await Harness.create(engine.env());
    harnesses.push(h);
    await h.waitForEngine(true);
    const yaml = await readFile(join(project, 'compose.yml'), 'utf8');

    // Without the file's folder (a web upload), the relative path is refused and nothing is made.
    await expect(h.call('importCompose', { yaml })).rejects.toMatchObject({
      message: expect.stringContaining('the relative path ./windows (for /storage) cannot be placed'),
    });
    expect(await h.call('listMachines', {})).toEqual([]);

    const result = await h.call('importCompose', { yaml, baseDir: project });
    expect(result.adoptable).toEqual([]);
    expect(result.machines).toHaveLength(1);
    const machine = result.machines[0]!;
    expect(machine).toMatchObject({
      storageDir: join(project, 'windows'),
      username: 'Docker',
      hasPassword: true,
      diskGiB: 64,
    });
    expect(result.notes).toEqual([
      `Found Windows 11 Pro installed in ${join(project, 'windows')} (64 GB disk): “windows” starts straight into it.`,
    ]);
    const disk = await stat(join(project, 'windows', 'data.img'));

    const from = h.mark(machine.id);
    await h.call('startMachine', { id: machine.id });
    await h.waitFor(
      machine.id,
      (v) => v.status.phase === 'ready' && v.status.screenReady,
      120_000,
      'the booted screen',
    );
    const phases = h.statusesSince(machine.id, from).map((s) => s.phase);
    expect(phases).not.toContain('installing');
    expect((await stat(join(project, 'windows', 'data.img'))).ino).toBe(disk.ino);
    await h.call('forceStopMachine', { id: machine.id });
    await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 60_000, 'off');

    // docker compose makes its container again on the same folder: Porthole's start (and apply) refuses a second one.
    await compose('up', '--no-start');
    await expect(h.call('startMachine', { id: machine.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`The container “windows” already uses ${join(project, 'windows')}`),
    });
    expect(h.statusesSince(machine.id, from).at(-1)?.running).toBe(false);
    await compose('down');
  });
});
